import {
  ApplicationFailure,
  defineQuery,
  proxyActivities,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { isKnownRegion } from '../domain/regions';
import { ACCEPTER_REGION, PEERING_CONNECTION_ID, REQUESTER_REGION } from '../domain/search-attributes';
import type { ResourceRef, SetupLocator, TeardownRequest, TeardownResult } from '../domain/types';
import { PEERING_ID_RE } from '../domain/validation';
import { EC2_CALL } from './profiles';
import { removeResources, summarizeRemoval } from './removal';

const { locateSetup, findSetupResources } = proxyActivities<ReturnType<typeof createActivities>>(EC2_CALL);

export interface TeardownProgress {
  step: 'locate' | 'inventory' | 'delete' | 'done';
  found: ResourceRef[];
}

export const teardownProgressQuery = defineQuery<TeardownProgress>('progress');

function invalid(field: string, reason: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'InvalidTeardownRequest',
    message: `${field}: ${reason}`,
    nonRetryable: true,
    details: [{ field, reason }],
  });
}

function checkRequest(request: TeardownRequest): void {
  const r = request as Partial<Record<string, unknown>>;
  if (typeof r !== 'object' || r === null) throw invalid('(request)', 'must be an object');
  if ('setupWorkflowId' in r) {
    if (typeof r.setupWorkflowId !== 'string' || !r.setupWorkflowId)
      throw invalid('setupWorkflowId', 'must be a non-empty string');
    return;
  }
  if (typeof r.peeringConnectionId !== 'string' || !PEERING_ID_RE.test(r.peeringConnectionId)) {
    throw invalid(
      'peeringConnectionId',
      'give setupWorkflowId, or peeringConnectionId (pcx-…) with requesterRegion and accepterRegion',
    );
  }
  for (const field of ['requesterRegion', 'accepterRegion']) {
    if (typeof r[field] !== 'string' || !isKnownRegion(r[field]))
      throw invalid(field, 'must be a known AWS region name');
  }
}

/**
 * Removes what a setup created, found by its tag. Pre-existing VPCs, tables and rules stay.
 * Running it again finds nothing and deletes nothing.
 */
export async function TeardownInterRegionPeering(request: TeardownRequest): Promise<TeardownResult> {
  checkRequest(request);
  const progress: TeardownProgress = { step: 'locate', found: [] };
  setHandler(teardownProgressQuery, () => progress);

  const locator: SetupLocator =
    'setupWorkflowId' in request
      ? await locateSetup.executeWithOptions({ summary: `Read setup ${request.setupWorkflowId}'s regions` }, [
          request.setupWorkflowId,
        ])
      : {
          peeringConnectionId: request.peeringConnectionId,
          requesterRegion: request.requesterRegion,
          accepterRegion: request.accepterRegion,
        };

  progress.step = 'inventory';
  setCurrentDetails(
    `**Finding** what ${locator.setupId ?? locator.peeringConnectionId} created in ${locator.requesterRegion} and ${locator.accepterRegion}`,
  );
  const inventory = await findSetupResources.executeWithOptions(
    { summary: `Find resources of ${locator.setupId ?? locator.peeringConnectionId}` },
    [locator],
  );
  progress.found = inventory.refs;
  // The same attributes as the setup's, so `PeeringConnectionId="pcx-…"` finds both runs. Patched:
  // teardowns recorded before this have no such event.
  if (patched('teardown-search-attributes'))
    upsertSearchAttributes([
      { key: REQUESTER_REGION, value: locator.requesterRegion },
      { key: ACCEPTER_REGION, value: locator.accepterRegion },
      ...(inventory.peeringConnectionId ? [{ key: PEERING_CONNECTION_ID, value: inventory.peeringConnectionId }] : []),
    ]);

  progress.step = 'delete';
  setCurrentDetails(`**Deleting** ${inventory.refs.length} resource(s)`);
  const removal = await removeResources(inventory.refs, {
    [locator.requesterRegion]: locator.requesterRoleArn,
    [locator.accepterRegion]: locator.accepterRoleArn,
  });
  progress.step = 'done';
  setCurrentDetails(`**Done:** ${summarizeRemoval(removal)}`);
  if (removal.failed.length) {
    throw ApplicationFailure.create({
      type: 'TeardownIncomplete',
      message: `Teardown ${summarizeRemoval(removal)}. Run it again once the cause is fixed; it resumes where it stopped.`,
      nonRetryable: true,
      details: [removal],
    });
  }
  return { deleted: removal.deleted, alreadyGone: removal.alreadyGone };
}
