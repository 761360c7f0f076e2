/**
 * DrDrill requests checked before any drill runs: an invalid one fails the workflow at once,
 * naming the field; examples/drill.json is scheduled through the client CLI as shipped.
 */
import * as path from 'node:path';
import type { CommandContext } from '../../src/cli/peering-commands';
import { scheduleCommand } from '../../src/cli/drill-commands';
import type { DrillFailover, DrillRequest } from '../../src/domain/drill/types';
import { inProcessCli } from '../support/drill/cli';
import { abcDrillRequest, abcDrillWorld } from '../support/drill/fixtures';
import { applicationFailureOf } from '../support/failures';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';

let w: TestWorker;
let setupId: string;
let failover: DrillFailover;

beforeAll(async () => {
  w = await startTestWorker();
  setupId = uniqueId('abc-setup');
  ({ failover } = await abcDrillWorld(w, setupId));
});
afterAll(async () => {
  await w?.shutdown();
});

const request = (over: Partial<DrillRequest> = {}): DrillRequest => abcDrillRequest(setupId, failover, over);

describe('GIVEN the ABC Corp peering set up by SetupInterRegionPeering, a hosted zone and a cross-region replica', () => {
  test('WHEN the request is invalid THEN the run fails with a non-retryable InvalidDrillRequest naming the field', async () => {
    const run = w.client.workflow.execute('DrDrill', {
      taskQueue: w.taskQueue,
      workflowId: uniqueId('drill-bad'),
      args: [request({ rtoTargetSeconds: -5 })],
    });

    const cause = await applicationFailureOf(run);
    expect(cause).toMatchObject({
      type: 'InvalidDrillRequest',
      nonRetryable: true,
      message: expect.stringContaining('rtoTargetSeconds'),
    });
  });
});

describe('GIVEN the client CLI on the real dev server', () => {
  let ctx: CommandContext;
  beforeAll(() => {
    ctx = { client: async () => w.client, namespace: 'default', taskQueue: w.taskQueue };
  });
  const { cli, describeSchedule } = inProcessCli(() => ctx);

  test('WHEN examples/drill.json is scheduled as shipped THEN the schedule is created with the ABC Corp request', async () => {
    const shipped = path.resolve(__dirname, '..', '..', 'examples', 'drill.json');
    const name = uniqueId('shipped');

    expect(
      (await cli(scheduleCommand, ['create', '--name', name, '--cron', '0 3 * * 1', '--file', shipped, '--paused']))
        .code,
    ).toBe(0);

    expect(await describeSchedule(name)).toMatchObject({
      paused: true,
      cron: '0 3 * * 1',
      request: { name, peering: { setupWorkflowId: 'abc-corp-peering' }, rtoTargetSeconds: 300 },
    });
    await cli(scheduleCommand, ['delete', name]);
  });
});
