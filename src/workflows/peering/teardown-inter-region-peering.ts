import {
  ApplicationFailure,
  defineQuery,
  proxyActivities,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { roleSessionName } from '../../domain/aws/access';
import { isKnownRegion } from '../../domain/net/regions';
import { ACCEPTER_REGION, PEERING_CONNECTION_ID, REQUESTER_REGION } from '../../domain/search-attributes';
import type { SetupLocator, SideRoles, TeardownRequest, TeardownResult } from '../../domain/peering/types';
import { externalIdSchema, PEERING_ID_RE, roleArnSchema } from '../../domain/validation';
import { COMPOSITE, EC2_CALL, type Activities } from '../activity-options';
import { removeResources, summarizeRemoval } from './removal';
import { type ResourceRef } from '../../domain/aws/resource-ref';
import { locatorAccess } from '../../domain/peering/types';
import { FailureTypes } from '../../domain/failure-types';
import { roleNotAllowed } from '../failures';

const { locateSetup, describeSetupRun } = proxyActivities<Activities>(EC2_CALL);
const { findSetupResources } = proxyActivities<Activities>(COMPOSITE);

/** Patched: teardowns recorded before this check went straight on to the inventory. */
const REFUSE_RUNNING_SETUP = 'teardown-refuses-running-setup';

/** A teardown while its setup still runs would delete what the setup is still creating, or retrying. */
async function refuseWhileSetupRuns(setupId: string): Promise<void> {
  const run = await describeSetupRun.executeWithOptions({ summary: `Check that setup ${setupId} has ended` }, [
    setupId,
  ]);
  if (!run.running) return;
  throw ApplicationFailure.create({
    type: FailureTypes.SetupStillRunning,
    message: `setup ${setupId} is still running (run ${run.runId}); a teardown now would race it and delete what it is still creating. Wait until it ends, or cancel it (it then rolls back by itself), and run the teardown again.`,
    nonRetryable: true,
    details: [{ setupId, runId: run.runId }],
  });
}

/** A teardown by peering id: its regions, and the sides' roles when the request names them. */
function peeringLocator(request: Exclude<TeardownRequest, { setupWorkflowId: string }>): SetupLocator {
  const { peeringConnectionId, requesterRegion, accepterRegion } = request;
  const fields = ['requesterRoleArn', 'accepterRoleArn', 'requesterExternalId', 'accepterExternalId'] as const;
  const roles = Object.fromEntries(fields.filter((f) => request[f]).map((f) => [f, request[f]]));
  const named = request.requesterRoleArn || request.accepterRoleArn;
  return {
    peeringConnectionId,
    requesterRegion,
    accepterRegion,
    ...roles,
    ...(named ? { roleSessionName: roleSessionName(`teardown-${peeringConnectionId}`) } : {}),
  };
}

export interface TeardownProgress {
  step: 'locate' | 'inventory' | 'delete' | 'done';
  found: ResourceRef[];
}

export const teardownProgressQuery = defineQuery<TeardownProgress>('progress');

function invalid(field: string, reason: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.InvalidTeardownRequest,
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
  for (const side of ['requester', 'accepter']) {
    const [role, external] = [r[`${side}RoleArn`], r[`${side}ExternalId`]];
    if (role !== undefined && !roleArnSchema.safeParse(role).success)
      throw invalid(`${side}RoleArn`, 'must be an IAM role ARN');
    if (external !== undefined && (role === undefined || !externalIdSchema.safeParse(external).success))
      throw invalid(`${side}ExternalId`, "must be 2 to 1224 characters of [\\w+=,.@:/-], with the side's role");
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
      : peeringLocator(request);

  const refuseRunning = patched(REFUSE_RUNNING_SETUP);
  if (refuseRunning && locator.setupId) await refuseWhileSetupRuns(locator.setupId);

  progress.step = 'inventory';
  setCurrentDetails(
    `**Finding** what ${locator.setupId ?? locator.peeringConnectionId} created in ${locator.requesterRegion} and ${locator.accepterRegion}`,
  );
  // Every side's role makes its first call in this read, so one outside the worker's allowlist is
  // refused before anything is deleted.
  const inventory = await findSetupResources
    .executeWithOptions({ summary: `Find resources of ${locator.setupId ?? locator.peeringConnectionId}` }, [locator])
    .catch((err: unknown) => {
      const named: SideRoles = 'setupWorkflowId' in request ? {} : request;
      throw (
        roleNotAllowed(
          FailureTypes.InvalidTeardownRequest,
          err,
          [
            ['requesterRoleArn', named.requesterRoleArn],
            ['accepterRoleArn', named.accepterRoleArn],
          ],
          'setupWorkflowId' in request ? 'setupWorkflowId' : 'peeringConnectionId',
        ) ?? err
      );
    });
  progress.found = inventory.refs;
  if (refuseRunning && !locator.setupId && inventory.setupId && inventory.refs.length)
    await refuseWhileSetupRuns(inventory.setupId);
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
  // The sides' roles: the setup's, or those the inventory read from the setup a peering's tag names.
  const access = inventory.access ?? {
    requester: locatorAccess(locator, 'requester'),
    accepter: locatorAccess(locator, 'accepter'),
  };
  const removal = await removeResources(inventory.refs, [
    { region: locator.requesterRegion, access: access.requester },
    { region: locator.accepterRegion, access: access.accepter },
  ]);
  progress.step = 'done';
  setCurrentDetails(`**Done:** ${summarizeRemoval(removal)}`);
  if (removal.failed.length) {
    throw ApplicationFailure.create({
      type: FailureTypes.TeardownIncomplete,
      message: `Teardown ${summarizeRemoval(removal)}. Run it again once the cause is fixed; it resumes where it stopped.`,
      nonRetryable: true,
      details: [removal],
    });
  }
  const adopted = inventory.adoptedPeeringId;
  return {
    deleted: removal.deleted,
    alreadyGone: removal.alreadyGone,
    ...(adopted
      ? {
          keptPeering: {
            peeringConnectionId: adopted,
            region: locator.requesterRegion,
            reason: 'adopted by the setup, not created by it: teardown never deletes it, and left it as it was',
          },
        }
      : {}),
  };
}
