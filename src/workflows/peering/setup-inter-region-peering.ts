import {
  defineQuery,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { sideAccess } from '../../domain/aws/access';
import { inAccount, refKey, type ResourceRef } from '../../domain/aws/resource-ref';
import { ACCEPTER_REGION, PEERING_CONNECTION_ID, REQUESTER_REGION } from '../../domain/search-attributes';
import { SETUP_STAGES, SETUP_STEPS, type SetupStage } from '../../domain/peering/setup-stages';
import { setupTags } from '../../domain/aws/tags';
import type { PeeringRequest, PeeringResult, SetupProgress, SideResult } from '../../domain/peering/types';
import { resolvedSide, validatePeeringRequest, validateResolvedCidrs } from '../../domain/peering/validate';
import { invalidInput } from '../failures';
import {
  bothSides,
  checkSetupConflict,
  describeExistingVpc,
  ensureVpc,
  PATCHES,
  ROLES,
  type Role,
  type SetupContext,
  type SideVpcs,
} from './setup-calls';
import { ensureSideFlowLogs, FLOW_LOGS_PATCH, wantsFlowLogs } from './flow-logs';
import { checkAdoptedPeering, ensureSideRules, establishPeering, requestPeering, sideCidrs } from './link-calls';
import { setupFailure } from './rollback';
import { FailureTypes } from '../../domain/failure-types';

export const progressQuery = defineQuery<SetupProgress>('progress');

/**
 * Sets up inter-region VPC peering end to end. Every step is an idempotent activity; on failure or
 * cancellation everything the setup created is removed again, in reverse dependency order.
 */
export async function SetupInterRegionPeering(request: PeeringRequest): Promise<PeeringResult> {
  const checked = validatePeeringRequest(request);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidPeeringRequest, checked.error);
  const req = checked.value;
  const setupId = workflowInfo().workflowId;
  const ctx: SetupContext = {
    req,
    setupId,
    tags: setupTags(setupId, req.tags),
    naclBase: req.naclRuleBase ?? 900,
    access: { requester: sideAccess(req.requester, setupId), accepter: sideAccess(req.accepter, setupId) },
  };
  const adopted = req.peeringConnectionId;

  const progress: SetupProgress = { step: 'validate', completed: [], created: [] };
  setHandler(progressQuery, () => progress);
  /** Ledger entries carry their account, so that removal reaches each through its own side. */
  const record = (refs: ResourceRef[], accountId: string | undefined) => {
    const known = new Set(progress.created.map(refKey));
    for (const ref of inAccount(refs, accountId)) if (!known.has(refKey(ref))) progress.created.push(ref);
  };
  const step = async <T>(name: SetupStage, fn: () => Promise<T>): Promise<T> => {
    progress.step = name;
    setCurrentDetails(
      `**Step:** ${name} (${SETUP_STAGES[name].join(', ')}; stage ${SETUP_STEPS.indexOf(name) + 1}/${SETUP_STEPS.length})\n\n**Created so far:** ${progress.created.length}`,
    );
    const out = await fn();
    progress.completed.push(...SETUP_STAGES[name]);
    return out;
  };
  upsertSearchAttributes([
    { key: REQUESTER_REGION, value: req.requester.region },
    { key: ACCEPTER_REGION, value: req.accepter.region },
  ]);

  // Nothing has been changed until this flips; bad input found before it needs no rollback.
  let mutating = false;
  let claimInSideRules = false;
  try {
    const vpcs = await step('vpcs', async (): Promise<SideVpcs> => {
      const existing = await Promise.all(ROLES.map((role) => describeExistingVpc(ctx, role)));
      const side = (role: Role, i: number) => resolvedSide(req, role, existing[i]);
      const cidrError = validateResolvedCidrs(side('requester', 0), side('accepter', 1), req.allow, ctx.naclBase);
      if (cidrError) throw invalidInput(FailureTypes.InvalidPeeringRequest, cidrError);
      // Only requests that adopt a peering take this step; no run from before it did.
      if (adopted) await checkAdoptedPeering(ctx, { ...req, peeringConnectionId: adopted });
      if (patched(PATCHES.oneNetwork)) await checkSetupConflict(ctx, existing);

      mutating = true;
      claimInSideRules = patched(PATCHES.claimInSideRules);
      const [requester, accepter] = await bothSides(PATCHES.settleVpcs, async (role) => {
        const found = existing[ROLES.indexOf(role)];
        if (found) return found;
        const out = await ensureVpc(ctx, role, claimInSideRules);
        record(out.created, out.vpc.ownerId);
        return out.vpc;
      });
      return { requester, accepter };
    });

    // An adopted peering is someone else's: neither requested nor accepted, its options left alone.
    const peering =
      adopted ??
      (await step('request-peering', async () => {
        const out = await requestPeering(ctx, vpcs);
        record(out.created, vpcs.requester.ownerId);
        return out.peeringConnectionId;
      }));
    upsertSearchAttributes([{ key: PEERING_CONNECTION_ID, value: peering }]);

    if (!adopted) await step('establish-peering', () => establishPeering(ctx, peering));

    const sideRules = async (role: Role) => {
      const made = claimInSideRules && !req[role].vpcId;
      const out = await ensureSideRules(ctx, vpcs, peering, role, made);
      record(out.created, vpcs[role].ownerId);
      return out;
    };
    const [requesterRules, accepterRules] = await step('side-rules', () =>
      bothSides(PATCHES.settleSideRules, sideRules),
    );
    const rules = { requester: requesterRules, accepter: accepterRules };
    if (wantsFlowLogs(req)) {
      await step('flow-logs', () =>
        bothSides(FLOW_LOGS_PATCH, async (role) =>
          record((await ensureSideFlowLogs(ctx, vpcs, role)).created, vpcs[role].ownerId),
        ),
      );
    }

    progress.step = 'done';
    setCurrentDetails(`**Done:** ${peering} is active; ${progress.created.length} resources created.`);
    const side = (role: Role): SideResult => ({
      region: vpcs[role].region,
      vpcId: vpcs[role].vpcId,
      cidrBlock: vpcs[role].cidrBlock,
      cidrBlocks: sideCidrs(vpcs[role], false),
      ...(req.ipv6 ? { ipv6CidrBlocks: vpcs[role].ipv6CidrBlocks ?? [] } : {}),
      ...(vpcs[role].ownerId ? { accountId: vpcs[role].ownerId } : {}),
      routeTableIds: rules[role].routeTableIds,
      securityGroupId: rules[role].securityGroupId,
      networkAclIds: rules[role].networkAclIds,
    });
    return {
      peeringConnectionId: peering,
      status: 'active',
      ...(adopted ? { peeringAdopted: true } : {}),
      requester: side('requester'),
      accepter: side('accepter'),
      created: progress.created,
    };
  } catch (err) {
    throw await setupFailure(err, ctx, progress, mutating);
  }
}
