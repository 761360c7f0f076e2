import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { VpcState } from '../activities/vpc';
import { deletionOrder, refKey } from '../domain/resource-ref';
import { naclPlan, securityGroupPlan } from '../domain/rules-plan';
import { ACCEPTER_REGION, PEERING_CONNECTION_ID, REQUESTER_REGION } from '../domain/search-attributes';
import { setupTags } from '../domain/tags';
import type {
  PeeringRequest,
  PeeringResult,
  PeeringSide,
  ResourceRef,
  SetupProgress,
  SideResult,
} from '../domain/types';
import {
  naclRuleCount,
  validatePeeringRequest,
  validateResolvedCidrs,
  type InvalidField,
} from '../domain/validate-peering';
import { EC2_CALL, LONG_WAIT } from './profiles';
import { removeResources, summarizeRemoval } from './removal';

type Activities = ReturnType<typeof createActivities>;
const ec2 = proxyActivities<Activities>(EC2_CALL);
const waits = proxyActivities<Activities>(LONG_WAIT);

export const progressQuery = defineQuery<SetupProgress>('progress');

/**
 * The run's stages, as the `progress` query's `step` names them. The last two are one activity per
 * stage (per side for the rules), since each extra task costs a round trip through the server;
 * `completed` and failures still name the contract's finer steps.
 */
export const SETUP_STAGES = {
  vpcs: ['vpcs'],
  'request-peering': ['request-peering'],
  'establish-peering': ['accept-peering', 'wait-active', 'dns'],
  'side-rules': ['routes', 'security-groups', 'network-acls'],
} as const;
type Stage = keyof typeof SETUP_STAGES;
export const SETUP_STEPS = Object.keys(SETUP_STAGES) as Stage[];

export function invalidRequest(error: InvalidField): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'InvalidPeeringRequest',
    message: `${error.field}: ${error.reason}`,
    nonRetryable: true,
    details: [error],
  });
}

/** The AWS or validation failure underneath an activity failure. */
function rootCause(err: unknown): unknown {
  return err instanceof ActivityFailure && err.cause ? err.cause : err;
}

/** The finer step a composite activity names in its failure's details, if any. */
function stepOf(cause: unknown): string | undefined {
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const detail = cause.details?.[0] as { step?: unknown } | undefined;
  return typeof detail?.step === 'string' ? detail.step : undefined;
}

function describeError(err: unknown): string {
  const cause = rootCause(err);
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Sets up inter-region VPC peering end to end. Every step is an idempotent activity; on failure or
 * cancellation everything the setup created is removed again, in reverse dependency order.
 */
export async function SetupInterRegionPeering(request: PeeringRequest): Promise<PeeringResult> {
  const checked = validatePeeringRequest(request);
  if (!checked.ok) throw invalidRequest(checked.error);
  const req = checked.value;
  const setupId = workflowInfo().workflowId;
  const tags = setupTags(setupId, req.tags);
  const naclBase = req.naclRuleBase ?? 900;
  const sides = { requester: req.requester, accepter: req.accepter };

  const progress: SetupProgress = { step: 'validate', completed: [], created: [] };
  setHandler(progressQuery, () => progress);
  const record = (refs: ResourceRef[]) => {
    const known = new Set(progress.created.map(refKey));
    for (const ref of refs) if (!known.has(refKey(ref))) progress.created.push(ref);
  };
  const step = async <T>(name: Stage, fn: () => Promise<T>): Promise<T> => {
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
  try {
    const vpcs = await step('vpcs', async () => {
      const existing = await Promise.all(
        (['requester', 'accepter'] as const).map((role) => {
          const s = sides[role];
          return s.vpcId
            ? ec2.describeExistingVpc.executeWithOptions({ summary: `Check ${role} ${s.vpcId} in ${s.region}` }, [
                {
                  side: role,
                  region: s.region,
                  vpcId: s.vpcId,
                  ...opt('roleArn', s.roleArn),
                  ...opt('routeTableIds', s.routeTableIds),
                },
              ])
            : Promise.resolve(undefined);
        }),
      );
      const cidrOf = (s: PeeringSide, found: VpcState | undefined) => found?.cidrBlock ?? s.cidrBlock!;
      const cidrError = validateResolvedCidrs(
        cidrOf(req.requester, existing[0]),
        cidrOf(req.accepter, existing[1]),
        req.allow,
      );
      if (cidrError) throw invalidRequest(cidrError);

      mutating = true;
      const ensure = async (role: 'requester' | 'accepter', found: VpcState | undefined): Promise<VpcState> => {
        if (found) return found;
        const s = sides[role];
        const out = await ec2.ensureVpc.executeWithOptions(
          { summary: `Create ${role} VPC ${s.cidrBlock} in ${s.region}` },
          [
            {
              side: role,
              region: s.region,
              setupId,
              cidrBlock: s.cidrBlock!,
              tags,
              ...opt('name', s.name),
              ...opt('subnets', s.subnets),
              ...opt('roleArn', s.roleArn),
            },
          ],
        );
        record(out.created);
        return out.vpc;
      };
      const [requester, accepter] = await Promise.all([
        ensure('requester', existing[0]),
        ensure('accepter', existing[1]),
      ]);
      return { requester, accepter };
    });

    const end = (role: 'requester' | 'accepter') => ({
      region: vpcs[role].region,
      vpcId: vpcs[role].vpcId,
      ...opt('roleArn', sides[role].roleArn),
      ...opt('ownerId', vpcs[role].ownerId),
    });
    const peering = await step('request-peering', async () => {
      const out = await ec2.requestPeering.executeWithOptions(
        {
          summary: `Request peering ${vpcs.requester.vpcId} (${req.requester.region}) → ${vpcs.accepter.vpcId} (${req.accepter.region})`,
        },
        [
          {
            setupId,
            requester: end('requester'),
            accepter: end('accepter'),
            tags,
            naclRules: `${naclBase}-${naclBase + naclRuleCount(req.allow) - 1}`,
          },
        ],
      );
      record(out.created);
      return out.peeringConnectionId;
    });
    upsertSearchAttributes([{ key: PEERING_CONNECTION_ID, value: peering }]);

    const region = (role: 'requester' | 'accepter') => ({
      region: sides[role].region,
      ...opt('roleArn', sides[role].roleArn),
    });
    await step('establish-peering', () =>
      waits.establishPeering.executeWithOptions(
        { summary: `Accept ${peering} in ${req.accepter.region}, wait for active, enable DNS` },
        [
          {
            peeringConnectionId: peering,
            requester: region('requester'),
            accepter: region('accepter'),
            dnsResolution: req.dnsResolution !== false,
          },
        ],
      ),
    );

    const peerOf = (role: 'requester' | 'accepter') => vpcs[role === 'requester' ? 'accepter' : 'requester'].cidrBlock;
    const sideRules = (role: 'requester' | 'accepter') =>
      ec2.ensureSideRules
        .executeWithOptions({ summary: `Routes, group peering-${peering}, NACL ${naclBase}+ in ${vpcs[role].vpcId}` }, [
          {
            ...region(role),
            vpcId: vpcs[role].vpcId,
            ...opt('routeTableIds', vpcs[role].routeTableIds),
            peerCidrBlock: peerOf(role),
            peeringConnectionId: peering,
            securityGroup: securityGroupPlan(vpcs[role].cidrBlock, peerOf(role), req.allow),
            naclEntries: naclPlan(vpcs[role].cidrBlock, peerOf(role), req.allow, naclBase),
            tags,
          },
        ])
        .then((out) => {
          record(out.created);
          return out;
        });
    const [requesterRules, accepterRules] = await step('side-rules', () =>
      Promise.all([sideRules('requester'), sideRules('accepter')]),
    );
    const rules = { requester: requesterRules, accepter: accepterRules };

    progress.step = 'done';
    setCurrentDetails(`**Done:** ${peering} is active; ${progress.created.length} resources created.`);
    const side = (role: 'requester' | 'accepter'): SideResult => ({
      region: vpcs[role].region,
      vpcId: vpcs[role].vpcId,
      cidrBlock: vpcs[role].cidrBlock,
      routeTableIds: rules[role].routeTableIds,
      securityGroupId: rules[role].securityGroupId,
      networkAclIds: rules[role].networkAclIds,
    });
    return {
      peeringConnectionId: peering,
      status: 'active',
      requester: side('requester'),
      accepter: side('accepter'),
      created: progress.created,
    };
  } catch (err) {
    const cause = rootCause(err);
    if (!mutating && cause instanceof ApplicationFailure && cause.type === 'InvalidPeeringRequest') throw cause;
    const failedStep = stepOf(cause) ?? progress.step;
    const what = isCancellation(err)
      ? `cancelled during step "${failedStep}"`
      : `failed at step "${failedStep}": ${describeError(err)}`;

    if (req.onFailure === 'keep' || !mutating) {
      throw ApplicationFailure.create({
        type: 'SetupFailed',
        message: `Setup ${what}. ${mutating ? `Kept ${progress.created.length} resource(s) as requested: ${progress.created.map((r) => r.id).join(', ')}` : 'Nothing was created.'}`,
        nonRetryable: true,
        cause: cause instanceof Error ? cause : undefined,
        details: [{ step: failedStep, kept: progress.created }],
      });
    }
    progress.step = 'rollback';
    setCurrentDetails(`**Rolling back** after: ${what}`);
    const removal = await CancellationScope.nonCancellable(() => rollback(setupId, req, progress.created));
    throw ApplicationFailure.create({
      type: 'SetupFailed',
      message: `Setup ${what}. Rollback ${summarizeRemoval(removal)}.`,
      nonRetryable: true,
      cause: cause instanceof Error ? cause : undefined,
      details: [{ step: failedStep, rollback: removal }],
    });
  }
}

/**
 * Removes what the setup made: the ledger, plus anything found by the setup tag that an activity
 * created before its response was lost. Runs to the end even if the run was cancelled.
 */
async function rollback(setupId: string, req: PeeringRequest, ledger: ResourceRef[]) {
  let found: ResourceRef[] = [];
  let inventoryError: string | undefined;
  try {
    found = (
      await ec2.findSetupResources.executeWithOptions({ summary: `Find everything tagged with setup ${setupId}` }, [
        {
          setupId,
          requesterRegion: req.requester.region,
          accepterRegion: req.accepter.region,
          ...opt('requesterRoleArn', req.requester.roleArn),
          ...opt('accepterRoleArn', req.accepter.roleArn),
        },
      ])
    ).refs;
  } catch (err) {
    inventoryError = describeError(err);
  }
  const removal = await removeResources(deletionOrder([...ledger].reverse(), found), {
    [req.requester.region]: req.requester.roleArn,
    [req.accepter.region]: req.accepter.roleArn,
  });
  if (inventoryError)
    removal.failed.push({
      ref: { type: 'vpc', region: req.requester.region, id: '(tag search)' },
      error: inventoryError,
    });
  return removal;
}

/** `{ key: value }` when the value is set, else nothing: keeps `undefined` out of payloads. */
function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
