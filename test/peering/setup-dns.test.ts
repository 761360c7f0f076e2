/**
 * Remote DNS resolution over a peering needs enableDnsSupport and enableDnsHostnames on both VPCs
 * (VPC peering guide, "Enable DNS resolution"); CreateVpc leaves hostnames off, and moto does not
 * care. A VPC the setup creates gets both; an existing one without them is refused before any change.
 */
import { DescribeVpcAttributeCommand } from '@aws-sdk/client-ec2';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { applicationFailureOf } from '../support/failures';
import { ec2, startTestWorker, type TestWorker } from '../support/harness';
import { existingVpc, mutatingCallsSince, runSetup, runTeardown, startSetup } from '../support/setup-runs';

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
});

async function dnsAttributes(region: string, vpcId: string) {
  const client = ec2(region);
  const [support, hostnames] = await Promise.all([
    client.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' })),
    client.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' })),
  ]);
  return { support: support.EnableDnsSupport?.Value, hostnames: hostnames.EnableDnsHostnames?.Value };
}

const ALLOW: PeeringRequest['allow'] = [{ protocol: 'tcp', fromPort: 443, toPort: 443 }];

describe('GIVEN a request that creates both VPCs, with DNS resolution on (the default)', () => {
  test('WHEN set up THEN both VPCs have DNS support and DNS hostnames on', async () => {
    const { id, result } = await runSetup(w, {
      requester: { region: 'us-east-1', cidrBlock: '10.100.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.101.0.0/16' },
      allow: ALLOW,
    });
    expect(await dnsAttributes('us-east-1', result.requester.vpcId)).toEqual({ support: true, hostnames: true });
    expect(await dnsAttributes('eu-west-1', result.accepter.vpcId)).toEqual({ support: true, hostnames: true });
    await runTeardown(w, { setupWorkflowId: id });
  });
});

describe('GIVEN an existing VPC with DNS hostnames off', () => {
  test('WHEN a setup with DNS resolution names it THEN it fails with InvalidPeeringRequest naming the VPC, before any change', async () => {
    const vpcId = await existingVpc('eu-west-1', '10.103.0.0/16', false);
    const from = w.calls.length;
    const failure = await applicationFailureOf(
      (
        await startSetup(w, {
          requester: { region: 'us-east-1', cidrBlock: '10.102.0.0/16' },
          accepter: { region: 'eu-west-1', vpcId },
          allow: ALLOW,
        })
      ).result(),
    );
    expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
      type: 'InvalidPeeringRequest',
      nonRetryable: true,
    });
    expect(failure.message).toContain(`accepter.vpcId: ${vpcId} has enableDnsHostnames off`);
    expect(mutatingCallsSince(w, from)).toEqual([]);
    expect(await dnsAttributes('eu-west-1', vpcId)).toEqual({ support: true, hostnames: false });
  });

  test('WHEN the setup asks for no DNS resolution THEN it goes ahead and leaves the VPC’s attributes alone', async () => {
    const vpcId = await existingVpc('eu-west-1', '10.105.0.0/16', false);
    const { id } = await runSetup(w, {
      requester: { region: 'us-east-1', cidrBlock: '10.104.0.0/16' },
      accepter: { region: 'eu-west-1', vpcId },
      allow: ALLOW,
      dnsResolution: false,
    });
    expect(await dnsAttributes('eu-west-1', vpcId)).toEqual({ support: true, hostnames: false });
    await runTeardown(w, { setupWorkflowId: id });
  });
});
