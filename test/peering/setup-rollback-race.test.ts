/**
 * Both sides of a stage run at once. When one fails, rollback must wait for the other to end, and
 * take its inventory after that: otherwise what the other side creates meanwhile is left behind.
 */
import type { PeeringRequest, SetupProgress } from '../../src/domain/peering/types';
import { taggedResources, vpcSnapshot } from '../support/aws-state';

import { applicationFailureOf } from '../support/failures';
import { type FaultProxy } from '../../harness/fault-proxy';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { startTestWorker, type TestWorker } from '../support/harness';
import { existingVpc, startSetup } from '../support/setup-runs';

let proxy: FaultProxy;
let w: TestWorker;
beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 5 });
  w = await startTestWorker({ endpoint: proxy.url });
});
afterAll(async () => {
  await w?.shutdown();
  await proxy?.close();
});

describe('GIVEN the requester side fails at once (CreateRoute refused) while the accepter side, in an existing VPC, waits 3 s for its group', () => {
  test('WHEN the setup fails THEN rollback starts after the accepter side ended, and nothing of the setup is left on either side', async () => {
    const vpcId = await existingVpc('eu-west-1', '10.87.0.0/16');
    const before = await vpcSnapshot('eu-west-1', vpcId);
    const request: PeeringRequest = {
      requester: { region: 'us-east-1', cidrBlock: '10.86.0.0/16' },
      accepter: { region: 'eu-west-1', vpcId },
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    };
    proxy.setRules([
      { action: 'CreateRoute', region: 'us-east-1', kind: 'error', status: 403, code: 'UnauthorizedOperation' },
      { action: 'CreateSecurityGroup', region: 'eu-west-1', kind: 'latency', ms: 3000 },
    ]);
    const handle = await startSetup(w, request);

    const failure = await applicationFailureOf(handle.result());

    expect(failure.message).toContain('step "routes"');
    expect(failure.message).not.toMatch(/FAILED/);
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const scheduled = (type: string) =>
      events
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type)
        .map((e) => Number(e.eventId));
    const [sideRulesA, sideRulesB] = scheduled('ensureSideRules');
    const ended = events
      .filter((e) => {
        const a = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
        return a && [sideRulesA, sideRulesB].includes(Number(a.scheduledEventId));
      })
      .map((e) => Number(e.eventId));
    expect(ended).toHaveLength(2);
    const [inventory] = scheduled('findSetupResources');
    expect(inventory).toBeGreaterThan(Math.max(...ended));

    for (const region of ['us-east-1', 'eu-west-1']) {
      expect({ region, left: await taggedResources(region, handle.workflowId) }).toEqual({
        region,
        left: { vpcs: [], subnets: [], securityGroups: [], livePeerings: [] },
      });
    }
    expect(await vpcSnapshot('eu-west-1', vpcId)).toEqual(before);
    const progress = await handle.query<SetupProgress>('progress');
    expect(progress.created.some((r) => r.type === 'security-group' && r.region === 'eu-west-1')).toBe(true);
  });
});
