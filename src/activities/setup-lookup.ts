import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { PeeringRequest, PeeringResult, SetupLocator } from '../domain/types';
import { FailureTypes, nonRetryable } from './errors';
import { readWorkflowStart } from './workflow-start';

/** A setup as Temporal recorded it: its input, and its result once it completed. */
export interface SetupRecord {
  locator: SetupLocator;
  request: PeeringRequest;
  result?: PeeringResult;
}

export function createSetupLookupActivities(temporal: Client | undefined) {
  /**
   * Reads a setup's own start event (and completion, if any), so nothing outside Temporal has to
   * keep a record. Once the namespace's retention has removed the history, the setup is not found.
   */
  async function readSetupRecord(setupWorkflowId: string): Promise<SetupRecord> {
    if (!temporal)
      throw nonRetryable(FailureTypes.SetupNotFound, 'this worker has no Temporal client to look up setups');
    const start = await readWorkflowStart<PeeringRequest>(temporal, setupWorkflowId, 'SetupInterRegionPeering');
    if (start === 'missing')
      throw nonRetryable(FailureTypes.SetupNotFound, `no setup workflow with id ${setupWorkflowId}`);
    if (start === 'other-type') {
      throw nonRetryable(FailureTypes.SetupNotFound, `${setupWorkflowId} is not a SetupInterRegionPeering run`);
    }
    const { history, input: request } = start;
    const completed = history.events?.find(
      (e) => e.workflowExecutionCompletedEventAttributes,
    )?.workflowExecutionCompletedEventAttributes;
    const resultPayload = completed?.result?.payloads?.[0];
    return {
      locator: {
        setupId: setupWorkflowId,
        requesterRegion: request.requester.region,
        accepterRegion: request.accepter.region,
        ...(request.requester.roleArn ? { requesterRoleArn: request.requester.roleArn } : {}),
        ...(request.accepter.roleArn ? { accepterRoleArn: request.accepter.roleArn } : {}),
      },
      request,
      ...(resultPayload ? { result: defaultPayloadConverter.fromPayload<PeeringResult>(resultPayload) } : {}),
    };
  }

  /** Teardown by setup id needs the setup's regions (and roles). */
  async function locateSetup(setupWorkflowId: string): Promise<SetupLocator> {
    return (await readSetupRecord(setupWorkflowId)).locator;
  }
  return { locateSetup, readSetupRecord };
}
