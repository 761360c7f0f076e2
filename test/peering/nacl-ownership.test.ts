/**
 * The setup records exactly the NACL entries it made, on each network ACL, and teardown deletes
 * exactly those: never an entry that was there before, whatever its rule number, action or CIDR.
 */
import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeVpcPeeringConnectionsCommand,
  type NetworkAcl,
} from '@aws-sdk/client-ec2';
import { NACL_RULES_TAG } from '../../src/domain/aws/tags';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import { vpcSnapshot } from '../support/aws-state';
import { ec2, startTestWorker, type TestWorker } from '../support/harness';
import { existingVpc, runSetup, runTeardown } from '../support/setup-runs';

const REQUESTER_CIDR = '10.70.0.0/16';
const DR_CIDR = '10.71.0.0/16';

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
});

const describeAcl = async (vpcId: string): Promise<NetworkAcl> => {
  const out = await ec2('eu-west-1').send(
    new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  return out.NetworkAcls!.find((a) => a.VpcId === vpcId)!;
};
const lines = (acl: NetworkAcl) =>
  (acl.Entries ?? [])
    .filter((e) => e.RuleNumber! >= 900 && e.RuleNumber! < 1000)
    .map(
      (e) =>
        `${e.Egress ? 'out' : 'in'} ${e.RuleNumber} ${e.RuleAction} ${e.Protocol} ${e.CidrBlock} ${e.PortRange?.From}-${e.PortRange?.To}`,
    )
    .sort();

describe('GIVEN an existing eu-west-1 VPC whose network ACL already holds, in the rule range the setup will use, an entry identical to one it plans (901 in) and a deny of SSH from the peer (902 in)', () => {
  let vpcId: string;
  let aclId: string;
  let before: string[];
  let result: PeeringResult;
  let id: string;

  beforeAll(async () => {
    vpcId = await existingVpc('eu-west-1', DR_CIDR);
    aclId = (await describeAcl(vpcId)).NetworkAclId!;
    const client = ec2('eu-west-1');
    const entry = (RuleNumber: number, RuleAction: 'allow' | 'deny', From: number, To: number) =>
      client.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: aclId,
          RuleNumber,
          Egress: false,
          Protocol: '6',
          RuleAction,
          CidrBlock: REQUESTER_CIDR,
          PortRange: { From, To },
        }),
      );
    await entry(901, 'allow', 1024, 65535);
    await entry(902, 'deny', 22, 22);
    before = await vpcSnapshot('eu-west-1', vpcId);
    const request: PeeringRequest = {
      requester: { region: 'us-east-1', cidrBlock: REQUESTER_CIDR, name: 'nacl-owner-primary' },
      accepter: { region: 'eu-west-1', vpcId },
      allow: [
        { protocol: 'tcp', fromPort: 443, toPort: 443 },
        { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
      ],
    };
    ({ id, result } = await runSetup(w, request));
  });

  test('WHEN set up THEN the peering records the rule span the entries use (900-901), no wider', async () => {
    const out = await ec2('us-east-1').send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [result.peeringConnectionId] }),
    );
    const tags = out.VpcPeeringConnections?.[0]?.Tags ?? [];
    expect(tags.find((t) => t.Key === NACL_RULES_TAG)?.Value).toBe('900-901');
  });

  test('THEN the ledger and the record on the ACL hold the entries the setup made, not the identical one already there', async () => {
    const ours = result.created
      .filter((r) => r.type === 'network-acl-entry' && r.id === aclId)
      .map((r) => `${r.egress ? 'out' : 'in'} ${r.ruleNumber}`)
      .sort();
    expect(ours).toEqual(['in 900', 'out 900', 'out 901']);
    const tags = Object.fromEntries(((await describeAcl(vpcId)).Tags ?? []).map((t) => [t.Key, t.Value]));
    const pcx = result.peeringConnectionId;
    expect(tags[`vpc-peering:nacl-ingress:${pcx}`]).toMatch(/^900:[0-9a-f]{4}$/);
    expect(tags[`vpc-peering:nacl-egress:${pcx}`]).toMatch(/^900:[0-9a-f]{4} 901:[0-9a-f]{4}$/);
    expect(lines(await describeAcl(vpcId))).toEqual(
      [
        `in 900 allow 6 ${REQUESTER_CIDR} 443-443`,
        `in 901 allow 6 ${REQUESTER_CIDR} 1024-65535`,
        `in 902 deny 6 ${REQUESTER_CIDR} 22-22`,
        `out 900 allow 6 ${REQUESTER_CIDR} 443-443`,
        `out 901 allow 6 ${REQUESTER_CIDR} 1024-65535`,
      ].sort(),
    );
  });

  test('WHEN torn down THEN exactly the recorded entries are gone: the entries already there stay, and the ACL is as before, record and all', async () => {
    const down = await runTeardown(w, { setupWorkflowId: id });
    const deleted = down.deleted
      .filter((r) => r.type === 'network-acl-entry' && r.id === aclId)
      .map((r) => `${r.egress ? 'out' : 'in'} ${r.ruleNumber}`)
      .sort();
    expect(deleted).toEqual(['in 900', 'out 900', 'out 901']);
    expect(lines(await describeAcl(vpcId))).toEqual([
      `in 901 allow 6 ${REQUESTER_CIDR} 1024-65535`,
      `in 902 deny 6 ${REQUESTER_CIDR} 22-22`,
    ]);
    expect(await vpcSnapshot('eu-west-1', vpcId)).toEqual(before);
  });
});

describe('GIVEN a setup whose recorded NACL entry was replaced out of band by a different one at the same number', () => {
  test('WHEN torn down THEN the replacement stays: it is not the entry the setup made', async () => {
    const vpcId = await existingVpc('eu-west-1', '10.73.0.0/16');
    const { id, result } = await runSetup(w, {
      requester: { region: 'us-east-1', cidrBlock: '10.72.0.0/16' },
      accepter: { region: 'eu-west-1', vpcId },
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    });
    const aclId = result.accepter.networkAclIds[0]!;
    const client = ec2('eu-west-1');
    await client.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: 900, Egress: false }));
    await client.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: aclId,
        RuleNumber: 900,
        Egress: false,
        Protocol: '6',
        RuleAction: 'allow',
        CidrBlock: '10.72.5.0/24',
        PortRange: { From: 8443, To: 8443 },
      }),
    );
    await runTeardown(w, { setupWorkflowId: id });
    expect(lines(await describeAcl(vpcId))).toEqual(['in 900 allow 6 10.72.5.0/24 8443-8443']);
  });
});
