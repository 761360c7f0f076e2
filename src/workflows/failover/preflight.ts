import { ApplicationFailure, isCancellation, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { roleSessionName, type SideAccess } from '../../domain/aws/access';
import { scaleTarget } from '../../domain/failover/capacity';
import type { PeeringRole } from '../../domain/failover/types';
import { readPreflight, type Settled } from '../../domain/failover/preflight';
import { explain, roleNotAllowed, rootCause } from '../failures';
import { settleTtl, type FailoverRun, type StepEnd } from './run';
import { capacityEntries } from './scale';
import { EC2_CALL, type Activities } from '../activity-options';
import { type Unreachable } from '../../domain/failover/types';
import { FailureTypes } from '../../domain/failure-types';

const reads = proxyActivities<Activities>(EC2_CALL);

/** `refuse`: a failure that ends the run as it is rather than as a finding (bad input). */
async function settle<T>(
  call: Promise<T>,
  refuse: (err: unknown) => ApplicationFailure | undefined = () => undefined,
): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    if (isCancellation(err)) throw err;
    const refused = refuse(err);
    if (refused) throw refused;
    const cause = rootCause(err);
    const unreachable =
      cause instanceof ApplicationFailure && cause.type === FailureTypes.Unreachable
        ? (cause.details?.[0] as Unreachable)
        : undefined;
    return { ok: false, error: explain(err), ...(unreachable ? { unreachable } : {}) };
  }
}

/**
 * Preflight: read-only, so a failure here changes nothing. Every check runs at once and every
 * problem is reported together. Checks that may hit the region being left (or Route 53's control
 * plane in us-east-1) are bounded: no answer is reported as unreachable and costs seconds.
 */
/** The peering's roles with this run's session name, so each side's account sees which run read it. */
function peeringRoles(roles: PeeringRole[]): Array<{ region: string } & SideAccess> {
  const session = roleSessionName(workflowInfo().workflowId);
  return roles.map((r) => ({ ...r, roleSessionName: session }));
}

export async function preflight(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, key, productionKey, recordName } = run;
  const replica = req.promoteReplica;
  const started = run.begin('preflight', 'peering, zone, record, replica');
  // Scheduled in this order, in one workflow task: the recorded histories expect it. New kinds of
  // checks come after, and only for requests that ask for them.
  const peering = settle(
    reads.checkPeeringPath.executeWithOptions(
      { summary: `Check ${req.peeringConnectionId} is active with routes (${run.route})` },
      [
        {
          peeringConnectionId: req.peeringConnectionId,
          regions: [req.from.region, req.to.region],
          ...(req.peeringRoles ? { roles: peeringRoles(req.peeringRoles) } : {}),
        },
      ],
    ),
    // The peering's roles make their first calls here, in a read: one outside the worker's
    // allowlist is bad input, and nothing has changed.
    (err) =>
      roleNotAllowed(
        FailureTypes.InvalidFailoverRequest,
        err,
        (req.peeringRoles ?? []).map((r, i) => [`peeringRoles[${i}].roleArn`, r.roleArn]),
        'peeringRoles',
      ),
  );
  const zone = settle(
    reads.getHostedZone.executeWithOptions({ summary: `Find hosted zone ${req.hostedZoneId}` }, [
      { hostedZoneId: req.hostedZoneId, bounded: true },
    ]),
  );
  const record = settle(
    reads.readRecord.executeWithOptions({ summary: `Read ${recordName} ${req.recordType}` }, [
      { ...key, bounded: true },
    ]),
  );
  const production = run.drill
    ? settle(
        reads.readRecord.executeWithOptions(
          { summary: `Read production ${productionKey.recordName} (never written in a drill)` },
          [{ ...productionKey, bounded: true }],
        ),
      )
    : undefined;
  const replicaState = replica
    ? settle(
        reads.describeReplica.executeWithOptions(
          { summary: `Describe replica ${replica.dbInstanceIdentifier} in ${replica.region}` },
          [replica],
        ),
      )
    : undefined;
  const capacity = (req.scale ?? []).map((action) =>
    settle(
      reads.checkCapacity.executeWithOptions(
        {
          summary: `Check ${scaleTarget(action)}${action.region === req.from.region ? ' (bounded: may be down)' : ''}`,
        },
        [{ action, bounded: action.region === req.from.region }],
      ),
    ),
  );
  const dns = req.dnsSwitch;
  const controls =
    dns?.mode === 'routing-control'
      ? settle(
          reads.readRoutingControls.executeWithOptions(
            {
              summary: `Read routing controls from the ARC cluster (${dns.clusterEndpoints.length} endpoints in turn)`,
            },
            [
              {
                clusterEndpoints: dns.clusterEndpoints,
                routingControlArns: [dns.routingControls.from, dns.routingControls.to],
              },
            ],
          ),
        )
      : undefined;
  // The data side (RPO, only a replica promoted): a newer check, so after the others.
  const replication =
    replica && patched('failover-data-rpo')
      ? settle(
          reads.readReplication.executeWithOptions(
            {
              summary: `Read ${replica.dbInstanceIdentifier}'s replication and newest ReplicaLag in ${replica.region}`,
            },
            [{ region: replica.region, dbInstanceIdentifier: replica.dbInstanceIdentifier }],
          ),
        )
      : undefined;
  const reading = readPreflight(req, {
    peering: await peering,
    zone: await zone,
    record: await record,
    ...(production ? { production: await production } : {}),
    ...(replicaState ? { replica: await replicaState } : {}),
    capacity: await Promise.all(capacity),
    ...(controls ? { routingControls: await controls } : {}),
    ...(replication ? { replication: await replication } : {}),
  });
  const { found, problems } = reading;
  const report = run.report;
  report.recordBefore = reading.recordBefore;
  if (run.drill) report.productionRecord = reading.productionRecord ?? null;
  report.unreachable = reading.unreachable;
  run.capacity = reading.capacity;
  if (reading.replicaSource) run.replicaSource = reading.replicaSource;
  if (reading.rpo) report.rpo = reading.rpo;
  report.capacity = capacityEntries(run);
  if (reading.routingControls) {
    report.routingControls = { before: reading.routingControls.pair, after: null };
    run.clusterEndpoint = reading.routingControls.endpoint;
  }

  if (reading.alreadyOnTarget) {
    run.record(
      'preflight',
      started,
      'ok',
      [...found, ...problems.map((p) => `not needed for a no-op: ${p}`)].join('; '),
    );
    const s = run.begin('already-on-target', 'nothing to do');
    if (replica) report.promotion = 'not-needed';
    const where =
      dns?.mode === 'routing-control'
        ? 'the routing controls already send traffic to'
        : `${recordName} already points to`;
    run.record(
      'already-on-target',
      s,
      'ok',
      `${where} ${req.to.value} (${req.to.region}); nothing was changed, the replica was not touched${req.scale?.length ? ', no capacity was changed' : ''}`,
    );
    return { outcome: 'completed' };
  }
  if (problems.length) {
    run.record(
      'preflight',
      started,
      'failed',
      `${problems.join('; ')}. Nothing was changed.${found.length ? ` Found: ${found.join('; ')}` : ''}`,
    );
    return { outcome: 'failed', reason: `preflight: ${problems.join('; ')}` };
  }
  run.record('preflight', started, 'ok', found.join('; '));
  settleTtl(run);
  return undefined;
}
