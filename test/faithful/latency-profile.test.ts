/**
 * The realistic AWS profile the bench runs under (harness/latency-profile.ts): its delays
 * follow the measured EC2 histograms it cites, cross the Atlantic for the far region, and the
 * fault proxy really holds each call that long.
 */
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { testEnv } from '../support/env';
import { startFaultProxy } from '../../harness/fault-proxy';
import { CREDENTIALS } from '../support/harness';
import { realisticAwsProfile, roundTripMs } from '../../harness/latency-profile';

const call = (action: string, region = 'us-east-1') => ({
  service: 'ec2',
  region,
  action,
  pcxIds: [],
  filtered: false,
  params: new URLSearchParams(),
});
const share = (xs: number[], bound: number) => xs.filter((x) => x <= bound).length / xs.length;

describe('realisticAwsProfile', () => {
  test('GIVEN 4000 reads and 4000 writes in the home region WHEN their delays are drawn THEN they fall into the source histograms’ buckets', () => {
    const profile = realisticAwsProfile({ seed: 3 });

    const reads = Array.from({ length: 4000 }, () => profile.latencyMs(call('DescribeSecurityGroups')));
    const writes = Array.from({ length: 4000 }, () => profile.latencyMs(call('AuthorizeSecurityGroupIngress')));

    // DescribeSecurityGroups, 187 calls: 33% ≤ 50 ms, 79% ≤ 100 ms, 98% ≤ 250 ms
    expect(share(reads, 50)).toBeCloseTo(0.33, 1);
    expect(share(reads, 100)).toBeCloseTo(0.79, 1);
    expect(share(reads, 250)).toBeGreaterThan(0.97);
    // UnassignPrivateIpAddresses: none ≤ 250 ms, 10 of 11 ≤ 500 ms
    expect(share(writes, 250)).toBeLessThan(0.25);
    expect(share(writes, 500)).toBeCloseTo(0.87, 1);
    expect(profile.drawn.reads).toHaveLength(4000);
    expect(profile.rules).toEqual([expect.objectContaining({ kind: 'peering-provisioning', seconds: 5 })]);
  });

  test('GIVEN the same seed WHEN drawn twice THEN the delays repeat; GIVEN an eu-west-1 call from us-east-1 THEN it adds the 80.5 ms round trip', () => {
    const a = realisticAwsProfile({ seed: 9 });
    const b = realisticAwsProfile({ seed: 9 });
    const far = realisticAwsProfile({ seed: 9 });

    const near = [1, 2, 3].map(() => a.latencyMs(call('DescribeVpcs')));

    expect([1, 2, 3].map(() => b.latencyMs(call('DescribeVpcs')))).toEqual(near);
    expect([1, 2, 3].map(() => far.latencyMs(call('DescribeVpcs', 'eu-west-1')))).toEqual(near.map((ms) => ms + 80.5));
    expect(roundTripMs('us-east-1', 'us-east-1')).toBe(0);
    expect(roundTripMs('eu-central-1', 'us-west-2')).toBe(159.5);
  });

  test('GIVEN the fault proxy with the profile as its latency hook WHEN an eu-west-1 DescribeVpcs goes through it THEN the answer takes at least the drawn delay', async () => {
    const profile = realisticAwsProfile({ seed: 5 });
    const proxy = await startFaultProxy({ target: testEnv().motoUrl, latency: (c) => profile.latencyMs(c) });
    try {
      const client = new EC2Client({ region: 'eu-west-1', endpoint: proxy.url, credentials: CREDENTIALS });
      const started = performance.now();

      await client.send(new DescribeVpcsCommand({}));

      expect(profile.drawn.reads).toHaveLength(1);
      expect(performance.now() - started).toBeGreaterThanOrEqual(profile.drawn.reads[0]! + 80.5 - 1);
    } finally {
      await proxy.close();
    }
  });
});
