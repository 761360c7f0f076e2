import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { PeeringRequest, SetupLocator } from '../domain/types';
import { FailureTypes, nonRetryable } from './errors';

export function createSetupLookupActivities(temporal: Client | undefined) {
  /**
   * Teardown by setup id needs the setup's regions (and roles). They are read back from the setup's
   * own start event, so nothing outside Temporal has to keep a record.
   */
  async function locateSetup(setupWorkflowId: string): Promise<SetupLocator> {
    if (!temporal) throw nonRetryable(FailureTypes.SetupNotFound, 'this worker has no Temporal client to look up setups');
    let history;
    try {
      history = await temporal.workflow.getHandle(setupWorkflowId).fetchHistory();
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') {
        throw nonRetryable(FailureTypes.SetupNotFound, `no setup workflow with id ${setupWorkflowId}`);
      }
      throw err;
    }
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0];
    if (started?.workflowType?.name !== 'SetupInterRegionPeering' || !payload) {
      throw nonRetryable(FailureTypes.SetupNotFound, `${setupWorkflowId} is not a SetupInterRegionPeering run`);
    }
    const request = defaultPayloadConverter.fromPayload<PeeringRequest>(payload);
    return {
      setupId: setupWorkflowId,
      requesterRegion: request.requester.region,
      accepterRegion: request.accepter.region,
      ...(request.requester.roleArn ? { requesterRoleArn: request.requester.roleArn } : {}),
      ...(request.accepter.roleArn ? { accepterRoleArn: request.accepter.roleArn } : {}),
    };
  }
  return { locateSetup };
}
