/**
 * The FailoverToRegion histories of decisions, notify and cancellation, for test/record/failover.ts:
 * - `decisions`: an approve signal during preflight (ignored: patched 'failover-decision-early-approve'),
 *   then an approve Update once the run waits, with `notify` (patched 'failover-decision-notify');
 * - `cancelled`: cancelled while RDS promotes (patched 'failover-decision-cancel-report');
 * - `late-decision`: approved more than 5 minutes after preflight, the record changed meanwhile
 *   (patched 'failover-decision-recheck'): the run fails, having changed nothing;
 * - `drill-early-abort`: a drill aborted during preflight makes no drill record ('failover-decision-early-abort').
 */
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { WorkflowHandle } from '@temporalio/client';
import type { FailoverProgress, FailoverRequest } from '../../src/domain/failover/types';
import { CREDENTIALS } from '../support/harness';
import { testEnv } from '../support/env';
import type { Kit } from './failover';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(handle: WorkflowHandle, ok: (p: FailoverProgress) => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const p = await handle.query<FailoverProgress>('progress').catch(() => undefined);
    if (p && ok(p)) return;
    await sleep(100);
  }
  throw new Error(`${handle.workflowId} never got there`);
}

const approve = (h: WorkflowHandle, by: string) => h.executeUpdate('approve', { args: [{ by }] });

async function topic(name: string): Promise<string> {
  const sns = new SNSClient({ region: 'us-west-2', endpoint: testEnv().motoUrl, credentials: CREDENTIALS });
  return (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
}

type History = (k: Kit) => Promise<{ request: FailoverRequest; drive?: (h: WorkflowHandle) => Promise<void> }>;

export const DECISION_HISTORIES: Record<string, History> = {
  decisions: async (k) => {
    const world = await k.fixture.world('abc-decisions');
    // Preflight's replica read answers late, so that the early approve comes before the gate.
    k.proxy.setRules([{ service: 'rds', action: 'DescribeDBInstances', kind: 'latency', ms: 3_000, count: 1 }]);
    return {
      request: {
        ...world.request,
        approval: 'signal',
        approvalTimeout: '5m',
        notify: { snsTopicArn: await topic('abc-decisions-events') },
      },
      drive: async (h) => {
        await h.signal('approve', { by: 'too-early' });
        await until(h, (p) => p.awaitingDecision);
        await sleep(1_000);
        await approve(h, 'recording-script');
      },
    };
  },
  cancelled: async (k) => {
    const world = await k.fixture.world('abc-cancelled');
    k.proxy.promotionTiming.modifyingMs = 30_000;
    return {
      request: world.request,
      drive: async (h) => {
        await until(h, (p) => p.running?.includes('promote-replica') === true);
        await sleep(2_000);
        await h.cancel();
      },
    };
  },
  'drill-early-abort': async (k) => {
    const world = await k.fixture.world('abc-drill-abort');
    k.proxy.setRules([{ service: 'rds', action: 'DescribeDBInstances', kind: 'latency', ms: 3_000, count: 1 }]);
    return {
      request: { ...world.request, drill: true },
      drive: async (h) => {
        await h.signal('abort', { by: 'recording-script', reason: 'not today' });
      },
    };
  },
  'late-decision': async (k) => {
    const world = await k.fixture.world('abc-late');
    return {
      request: { ...world.request, approval: 'signal', approvalTimeout: '15m' },
      drive: async (h) => {
        await until(h, (p) => p.awaitingDecision);
        await k.fixture.upsert(world.zoneId, world.request.recordName, 'someone-else.example.com');
        await sleep(5 * 60_000 + 5_000);
        await approve(h, 'recording-script');
      },
    };
  },
};
