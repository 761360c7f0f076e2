/**
 * Which peerings a call names (harness/fault-proxy/call.ts): the layer answers NotFound for a purged
 * peering only where AWS checks one, never for a filter's or a tag's value.
 */
import type { IncomingMessage } from 'node:http';
import { describeCall } from '../../harness/fault-proxy/call';

const call = (params: Record<string, string>) =>
  describeCall(
    {
      url: '/',
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host',
      },
    } as unknown as IncomingMessage,
    Buffer.from(new URLSearchParams(params).toString()),
  );

describe('the peerings a call names', () => {
  it('GIVEN a peering id, a route target and a tagged resource WHEN described THEN each is named', () => {
    expect(call({ Action: 'DescribeVpcPeeringConnections', 'VpcPeeringConnectionId.1': 'pcx-0a1' }).pcxIds).toEqual([
      'pcx-0a1',
    ]);
    expect(call({ Action: 'CreateRoute', VpcPeeringConnectionId: 'pcx-0b2' }).pcxIds).toEqual(['pcx-0b2']);
    expect(call({ Action: 'CreateTags', 'ResourceId.1': 'pcx-0c3' }).pcxIds).toEqual(['pcx-0c3']);
  });

  it('GIVEN a tag-key filter and tag values naming a peering WHEN described THEN no peering is named', () => {
    const read = call({
      Action: 'DescribeNetworkAcls',
      'Filter.1.Name': 'tag-key',
      'Filter.1.Value.1': 'vpc-peering:nacl-ingress:pcx-0d4',
    });
    expect(read.pcxIds).toEqual([]);
    expect(read.filtered).toBe(true);
    const tagged = call({
      Action: 'CreateSecurityGroup',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'peering-pcx-0e5',
    });
    expect(tagged.pcxIds).toEqual([]);
  });
});
