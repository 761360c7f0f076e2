import { ApplicationFailure, isCancellation, patched, proxyActivities } from '@temporalio/workflow';
import { explain } from '../failures';
import { end, seconds, type FailoverRun, type StepEnd } from './run';
import { DNS_SWITCH, EC2_CALL, type Activities } from '../activity-options';
import { type RoutingControlState, type RoutingControlChange } from '../../domain/failover/types';
import { FailureTypes } from '../../domain/failure-types';

const dataPlane = proxyActivities<Activities>(DNS_SWITCH);
const reads = proxyActivities<Activities>(EC2_CALL);

function routingControls(run: FailoverRun) {
  const d = run.req.dnsSwitch;
  if (d?.mode !== 'routing-control') {
    throw ApplicationFailure.create({
      type: FailureTypes.PlanError,
      message: 'a routing-control step without dnsSwitch',
      nonRetryable: true,
    });
  }
  return d;
}

const via = (c: Omit<RoutingControlChange, 'routingControlArn' | 'state'>) =>
  `via ${c.endpoint} (${c.region})${c.skipped.length ? ` after ${c.skipped.length} endpoint(s) did not answer` : ''}${c.attempt > 1 ? ` on attempt ${c.attempt}` : ''}`;

/**
 * The switch through Route 53 ARC's data plane: `to` On first, then `from` Off, so that traffic
 * always has somewhere to go. No call goes to Route 53's control plane in us-east-1.
 */
export async function switchRoutingControls(run: FailoverRun): Promise<StepEnd | undefined> {
  const d = routingControls(run);
  const { from, to } = d.routingControls;
  if (patched('failover-switch-arc-batch')) return switchTogether(run, d);
  const sw = run.begin('switch-routing-controls', `${run.req.to.region} On, then ${run.req.from.region} Off`);
  const set = (arn: string, state: RoutingControlState, region: string) =>
    dataPlane.setRoutingControl.executeWithOptions(
      { summary: `Routing control of ${region} ${state} (ARC data plane, endpoints in turn)` },
      [
        {
          clusterEndpoints: d.clusterEndpoints,
          routingControlArn: arn,
          state,
          ...(run.clusterEndpoint ? { preferEndpoint: run.clusterEndpoint } : {}),
        },
      ],
    );
  let on: RoutingControlChange | undefined;
  try {
    on = await set(to, 'On', run.req.to.region);
    run.clusterEndpoint = on.endpoint;
    const off = await set(from, 'Off', run.req.from.region);
    run.clusterEndpoint = off.endpoint;
    run.record(
      'switch-routing-controls',
      sw,
      'ok',
      `${run.req.to.region} On ${via(on)}; ${run.req.from.region} Off ${via(off)}`,
    );
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const state = on
      ? `${run.req.to.region} is On and ${run.req.from.region} still On: traffic may go to both regions until ${run.req.from.region} is Off`
      : 'no routing control was changed';
    run.record(
      'switch-routing-controls',
      sw,
      'failed',
      `${explain(err)}; ${state}. Run the same request again to resume`,
    );
    return end('failed', `routing-control switch failed after retries: ${explain(err)}`);
  }
}

/**
 * Both routing controls in one UpdateRoutingControlStates call (`to` On, `from` Off), tried on each
 * cluster endpoint in turn: ARC applies them together, so no retry or lost worker leaves them half set.
 */
async function switchTogether(run: FailoverRun, d: ReturnType<typeof routingControls>): Promise<StepEnd | undefined> {
  const { from, to } = d.routingControls;
  const [toRegion, fromRegion] = [run.req.to.region, run.req.from.region];
  const sw = run.begin('switch-routing-controls', `${toRegion} On and ${fromRegion} Off, in one call`);
  if (run.alreadySwitched) {
    const detail = `${toRegion} was already On and ${fromRegion} Off in preflight; not set again`;
    run.record('switch-routing-controls', sw, 'skipped', detail);
    return undefined;
  }
  try {
    const c = await dataPlane.setRoutingControls.executeWithOptions(
      { summary: `Routing controls: ${toRegion} On, ${fromRegion} Off (one call, ARC data plane, endpoints in turn)` },
      [
        {
          clusterEndpoints: d.clusterEndpoints,
          entries: [
            { routingControlArn: to, state: 'On' },
            { routingControlArn: from, state: 'Off' },
          ],
          ...(run.clusterEndpoint ? { preferEndpoint: run.clusterEndpoint } : {}),
        },
      ],
    );
    run.clusterEndpoint = c.endpoint;
    run.record('switch-routing-controls', sw, 'ok', `${toRegion} On and ${fromRegion} Off in one call ${via(c)}`);
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const detail = `${explain(err)}; no routing control was changed. Run the same request again to resume`;
    run.record('switch-routing-controls', sw, 'failed', detail);
    return end('failed', `routing-control switch failed after retries: ${explain(err)}`);
  }
}

/** Reads both routing controls back from the data plane: the switch counts once `to` is On and `from` Off. */
export async function verifyRoutingControls(run: FailoverRun): Promise<StepEnd | undefined> {
  const d = routingControls(run);
  const v = run.begin('verify-routing-controls', 'read both routing controls back');
  let read;
  try {
    read = await reads.readRoutingControls.executeWithOptions(
      { summary: `Read routing controls back, expect ${run.req.to.region} On and ${run.req.from.region} Off` },
      [
        {
          clusterEndpoints: d.clusterEndpoints,
          routingControlArns: [d.routingControls.from, d.routingControls.to],
          ...(run.clusterEndpoint ? { preferEndpoint: run.clusterEndpoint } : {}),
        },
      ],
    );
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.record('verify-routing-controls', v, 'failed', explain(err));
    return end('failed', `could not read the routing controls back: ${explain(err)}`);
  }
  const verifiedAt = new Date();
  run.verifiedAt = verifiedAt;
  if (!read.answered) {
    const detail = `no cluster endpoint answered: ${read.skipped.map((m) => `${m.endpoint}: ${m.error}`).join('; ')}`;
    run.record('verify-routing-controls', v, 'failed', detail);
    return end('failed', `could not read the routing controls back: ${detail}`);
  }
  const stateOf = (arn: string) => read.states.find((s) => s.arn === arn)?.state ?? 'unknown';
  const [f, t] = [stateOf(d.routingControls.from), stateOf(d.routingControls.to)];
  const known = (x: string): x is RoutingControlState => x === 'On' || x === 'Off';
  if (known(f) && known(t)) {
    run.report.routingControls = { before: run.report.routingControls?.before ?? null, after: { from: f, to: t } };
  }
  const states = `${run.req.to.region} ${t}, ${run.req.from.region} ${f} (read from ${read.endpoint})`;
  if (t !== 'On' || f !== 'Off') {
    run.record(
      'verify-routing-controls',
      v,
      'failed',
      `read back ${states}; expected ${run.req.to.region} On and ${run.req.from.region} Off`,
    );
    return end('failed', `the routing controls read ${states} after the switch`);
  }
  run.report.rtoSeconds = seconds(run.rtoStart!, verifiedAt);
  run.record(
    'verify-routing-controls',
    v,
    'ok',
    `${states}; switch verified ${run.report.rtoSeconds} s after ${run.req.approval === 'signal' ? 'approval' : 'the start'}`,
  );
  return undefined;
}
