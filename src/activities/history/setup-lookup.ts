import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { roleSessionName } from '../../domain/aws/access';
import type { PeeringRequest, PeeringResult, SetupLocator, SetupRecord } from '../../domain/peering/types';
import { nonRetryable } from '../aws/errors';
import { otherRuns, readWorkflowStart, type History } from './workflow-start';
import { FailureTypes } from '../../domain/failure-types';
import { type ResourceRef } from '../../domain/aws/resource-ref';
import { PeeringWorkflows } from '../../domain/peering/types';

const SETUP = PeeringWorkflows.SetupInterRegionPeering;
/** A run that failed with one of these changed nothing, so it says nothing about what a setup id holds. */
const FAILED_BEFORE_ANY_CHANGE = new Set<string>([
  FailureTypes.InvalidPeeringRequest,
  FailureTypes.SetupConflict,
  FailureTypes.AssumeRoleRefused,
]);

/** What AWS lists by tag only a while after its creation (the rest is found through the peering). */
const LISTED_LATE = new Set<ResourceRef['type']>(['vpc', 'subnet', 'security-group']);

export interface SetupRunStatus {
  running: boolean;
  runId?: string;
  status?: string;
}

function failedBeforeAnyChange(history: History): boolean {
  const failed = history.events?.find(
    (e) => e.workflowExecutionFailedEventAttributes,
  )?.workflowExecutionFailedEventAttributes;
  return FAILED_BEFORE_ANY_CHANGE.has(failed?.failure?.applicationFailureInfo?.type ?? '');
}

/** The requests of a setup id's other runs (not `exceptRunId`), newest first. */
export async function earlierRequests(
  temporal: Client,
  setupWorkflowId: string,
  exceptRunId?: string,
): Promise<PeeringRequest[]> {
  const out: PeeringRequest[] = [];
  for (const runId of await otherRuns(temporal, setupWorkflowId, exceptRunId)) {
    const start = await readWorkflowStart<PeeringRequest>(temporal, setupWorkflowId, SETUP, runId);
    if (typeof start !== 'string') out.push(start.input);
  }
  return out;
}

/** Where a setup's resources live, and how each side is reached, from its recorded request. */
export function locatorOf(setupId: string, request: PeeringRequest, result?: PeeringResult): SetupLocator {
  const { requester, accepter } = request;
  return {
    setupId,
    requesterRegion: requester.region,
    accepterRegion: accepter.region,
    ...(requester.roleArn ? { requesterRoleArn: requester.roleArn } : {}),
    ...(accepter.roleArn ? { accepterRoleArn: accepter.roleArn } : {}),
    ...(requester.roleArn && requester.externalId ? { requesterExternalId: requester.externalId } : {}),
    ...(accepter.roleArn && accepter.externalId ? { accepterExternalId: accepter.externalId } : {}),
    ...(requester.roleArn || accepter.roleArn ? { roleSessionName: roleSessionName(setupId) } : {}),
    ...(request.peeringConnectionId ? { adoptedPeeringId: request.peeringConnectionId } : {}),
    ...(result
      ? {
          knownPeeringIds: [result.peeringConnectionId],
          knownRefs: result.created.filter((r) => LISTED_LATE.has(r.type)),
        }
      : {}),
  };
}

export function createSetupLookupActivities(temporal: Client | undefined) {
  const noClient = () =>
    nonRetryable(FailureTypes.SetupNotFound, 'this worker has no Temporal client to look up setups');

  /**
   * The run that speaks for a setup id: the newest one, skipping runs that failed before changing
   * anything (a refused re-run under the same id says nothing about the network it holds).
   */
  async function startOfSetup(client: Client, setupWorkflowId: string) {
    const latest = await readWorkflowStart<PeeringRequest>(client, setupWorkflowId, SETUP);
    if (latest === 'missing')
      throw nonRetryable(FailureTypes.SetupNotFound, `no setup workflow with id ${setupWorkflowId}`);
    if (latest === 'other-type') {
      throw nonRetryable(FailureTypes.SetupNotFound, `${setupWorkflowId} is not a SetupInterRegionPeering run`);
    }
    if (!failedBeforeAnyChange(latest.history)) return latest;
    for (const runId of await otherRuns(client, setupWorkflowId)) {
      const earlier = await readWorkflowStart<PeeringRequest>(client, setupWorkflowId, SETUP, runId);
      if (typeof earlier !== 'string' && !failedBeforeAnyChange(earlier.history)) return earlier;
    }
    return latest;
  }

  /**
   * Reads a setup's own start event (and completion, if any), so nothing outside Temporal has to
   * keep a record. Once the namespace's retention has removed the history, the setup is not found.
   */
  async function readSetupRecord(setupWorkflowId: string): Promise<SetupRecord> {
    if (!temporal) throw noClient();
    const { history, input: request } = await startOfSetup(temporal, setupWorkflowId);
    const completed = history.events?.find(
      (e) => e.workflowExecutionCompletedEventAttributes,
    )?.workflowExecutionCompletedEventAttributes;
    const resultPayload = completed?.result?.payloads?.[0];
    const result = resultPayload ? defaultPayloadConverter.fromPayload<PeeringResult>(resultPayload) : undefined;
    return {
      locator: locatorOf(setupWorkflowId, request, result),
      request,
      ...(result ? { result } : {}),
    };
  }

  /** Teardown by setup id needs the setup's regions (and roles). */
  async function locateSetup(setupWorkflowId: string): Promise<SetupLocator> {
    return (await readSetupRecord(setupWorkflowId)).locator;
  }

  /** Whether the setup's newest run still runs: a teardown then would race it. */
  async function describeSetupRun(setupWorkflowId: string): Promise<SetupRunStatus> {
    if (!temporal) throw noClient();
    try {
      const described = await temporal.workflow.getHandle(setupWorkflowId).describe();
      return { running: described.status.name === 'RUNNING', runId: described.runId, status: described.status.name };
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') return { running: false };
      throw err;
    }
  }

  return { locateSetup, readSetupRecord, describeSetupRun };
}
