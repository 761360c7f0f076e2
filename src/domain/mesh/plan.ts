/**
 * The mesh planner: from the request and what AWS holds now, the pairs, each pair's NACL rule
 * range, and every quota figure of every VPC once the mesh is set up. Pure, so the plan the
 * client prints is the plan the workflow checks.
 */
import { allocateRuleRanges } from './rule-ranges';
import { meshPairs, pairSetupId } from './topology';
import type {
  MeshFigure,
  MeshPlan,
  MeshRequest,
  MeshState,
  MeshVpcPlan,
  MeshVpcState,
  PlannedPair,
  QuotaViolation,
} from './types';
import { builtInQuotas, TIGHT_SHARE, VPC_QUOTAS, type QuotaName, type RegionQuotas } from '../aws/quotas';
import { naclPlan, naclRuleSpan, securityGroupPlan } from '../peering/rules-plan';
import { crossVpcIssue } from './validate';
import { naclRuleCount } from '../peering/validate';
import type { InvalidField, Validated } from '../validation';

export interface PlanInput {
  meshId: string;
  request: MeshRequest;
  state: MeshState;
  /** Per region; a region without values gets AWS's defaults. */
  quotas: Record<string, RegionQuotas>;
}

/** A VPC the mesh is to create holds, per AWS, a main table with its local route and a default ACL. */
export function newVpcState(key: string, region: string, cidrBlock: string): MeshVpcState {
  return {
    key,
    region,
    cidrBlock,
    madeByMesh: false,
    routeTables: [{ id: '(main table)', routes: [{ destination: cidrBlock, target: 'local' }] }],
    networkAcls: [{ id: '(default ACL)', isDefault: true, ingress: [100, 32767], egress: [100, 32767] }],
    livePeeringIds: [],
  };
}

/** Every IPv4 CIDR of the VPC: a pair routes and admits each of them. */
export const meshCidrs = (vpc: MeshVpcState): string[] => vpc.cidrBlocks ?? [vpc.cidrBlock];

function figure(quota: QuotaName, scope: string, existing: number, planned: number, quotas: RegionQuotas): MeshFigure {
  const { value: limit, source } = quotas[quota];
  return {
    quota,
    code: VPC_QUOTAS[quota].code,
    scope,
    existing,
    planned,
    limit,
    source,
    tight: planned >= limit * TIGHT_SHARE && planned <= limit,
    over: planned > limit,
  };
}

/** Every figure of one VPC, counting only what its pairs that are still to be set up will add. */
function vpcFigures(
  vpc: MeshVpcState,
  pairs: PlannedPair[],
  vpcs: Record<string, MeshVpcState>,
  request: MeshRequest,
  quotas: RegionQuotas,
): MeshFigure[] {
  const mine = pairs.filter((p) => p.between.includes(vpc.key));
  const toAdd = mine.filter((p) => !p.alreadyThere);
  const peerOf = (p: PlannedPair) => vpcs[p.between[0] === vpc.key ? p.between[1] : p.between[0]]!;
  const newPeerings = toAdd.filter((p) => !p.peeringConnectionId).length;
  const figures = [
    figure('peerings', 'this VPC', vpc.livePeeringIds.length, vpc.livePeeringIds.length + newPeerings, quotas),
  ];
  for (const table of vpc.routeTables) {
    const have = new Set(table.routes.map((r) => r.destination));
    const added = new Set(toAdd.flatMap((p) => meshCidrs(peerOf(p))).filter((c) => !have.has(c)));
    figures.push(figure('routes', table.id, table.routes.length, table.routes.length + added.size, quotas));
  }
  const groupRules = Math.max(
    0,
    ...mine.map((p) => {
      const plan = securityGroupPlan(meshCidrs(vpc), meshCidrs(peerOf(p)), request.allow);
      return Math.max(plan.ingress.length, plan.egress.length);
    }),
  );
  figures.push(figure('groupRules', 'each peering-<pcx> group, per direction', 0, groupRules, quotas));
  for (const acl of vpc.networkAcls) {
    for (const direction of ['ingress', 'egress'] as const) {
      const numbers = new Set(acl[direction]);
      const before = numbers.size;
      for (const p of toAdd) {
        for (const e of naclPlan(meshCidrs(vpc), meshCidrs(peerOf(p)), request.allow, p.naclRuleBase))
          if (e.egress === (direction === 'egress')) numbers.add(e.ruleNumber);
      }
      figures.push(figure('naclEntries', `${acl.id} ${direction}`, before, numbers.size, quotas));
    }
  }
  return figures;
}

function violation(key: string, f: MeshFigure): QuotaViolation {
  const q = VPC_QUOTAS[f.quota];
  const source = f.source === 'service-quotas' ? "the account's value" : "AWS's default";
  return {
    vpc: key,
    quota: f.quota,
    code: f.code,
    scope: f.scope,
    count: f.planned,
    limit: f.limit,
    message: `vpcs.${key}: ${q.name} (${f.code}) would be ${f.planned} in ${f.scope}, past the quota of ${f.limit} (${source})`,
  };
}

/**
 * A re-run may add VPCs to a mesh, never take any away or change its rules: a pair of an earlier
 * request that this one lacks would be left behind (and outside every teardown), and pairs set up
 * with other rules would silently keep them.
 */
function changedNetwork(
  meshId: string,
  between: Array<[string, string]>,
  state: MeshState,
  widths: (setupWorkflowId: string) => number[],
): InvalidField | undefined {
  const ids = new Set(between.map((b) => pairSetupId(meshId, b)));
  const stray = state.peerings.find((p) => !ids.has(p.setupWorkflowId));
  if (stray) {
    return {
      field: 'vpcs',
      reason: `the mesh already has pair ${stray.setupWorkflowId} (${stray.peeringConnectionId}), which this request lacks; a re-run may add VPCs, not drop them (tear the mesh down first)`,
    };
  }
  const other = state.peerings.find(
    (p) => p.naclRules && !widths(p.setupWorkflowId).includes(p.naclRules[1] - p.naclRules[0] + 1),
  );
  if (other) {
    return {
      field: 'allow',
      reason: `differs from the rules the mesh's pair ${other.setupWorkflowId} was set up with (${other.naclRules![1] - other.naclRules![0] + 1} NACL rules, now ${widths(other.setupWorkflowId)[0]}); a re-run may add VPCs, not change the rules`,
    };
  }
  return undefined;
}

/**
 * Plans the mesh. Resolved facts that make it impossible (an existing VPC's CIDR overlapping
 * another, a table already routing a peer CIDR elsewhere, no rule numbers left) are bad input;
 * figures past a quota are listed in `violations`, for the plan to show them all.
 */
export function planMesh({ meshId, request, state, quotas }: PlanInput): Validated<MeshPlan> {
  const keys = Object.keys(request.vpcs);
  const vpcs: Record<string, MeshVpcState> = {};
  for (const key of keys) {
    const side = request.vpcs[key]!;
    vpcs[key] = state.vpcs[key] ?? newVpcState(key, side.region, side.cidrBlock!);
  }
  const cross = crossVpcIssue(vpcs);
  if (cross) return { ok: false, error: cross };

  const width = naclRuleCount(request.allow);
  const found = new Map(state.peerings.map((p) => [p.setupWorkflowId, p]));
  const between = meshPairs(keys, request.topology);
  // A pair's entries go peer CIDR by peer CIDR: VPCs with secondary CIDRs take more numbers.
  const pairWidth = ([a, b]: [string, string]) =>
    naclRuleCount(request.allow, Math.max(meshCidrs(vpcs[a]!).length, meshCidrs(vpcs[b]!).length));
  const widthOf = new Map(between.map((b) => [pairSetupId(meshId, b), pairWidth(b)] as const));
  // A pair's peering records the span its entries use (rules already inside the return range take
  // none); pairs set up before that record the whole range the planner gave them.
  const spans = new Map(
    between.map(([a, b]) => {
      const [x, y] = [meshCidrs(vpcs[a]!), meshCidrs(vpcs[b]!)];
      const span = naclRuleSpan([naclPlan(x, y, request.allow, 0), naclPlan(y, x, request.allow, 0)], 0);
      return [pairSetupId(meshId, [a, b]), span.last - span.first + 1] as const;
    }),
  );
  const changed = changedNetwork(meshId, between, state, (id) => {
    const w = widthOf.get(id) ?? width;
    return [spans.get(id) ?? w, w];
  });
  if (changed) return { ok: false, error: changed };
  const occupied = Object.fromEntries(
    keys.map((k) => [k, vpcs[k]!.networkAcls.flatMap((a) => [...a.ingress, ...a.egress])]),
  );
  const ranges = allocateRuleRanges(
    between.map((b) => {
      const pinned = found.get(pairSetupId(meshId, b))?.naclRules?.[0];
      const w = pairWidth(b);
      return { between: b, ...(pinned === undefined ? {} : { pinned }), ...(w === width ? {} : { width: w }) };
    }),
    width,
    request.naclRuleBase ?? 900,
    occupied,
  );
  if (!ranges.ok) {
    const [a, b] = ranges.pair;
    return {
      ok: false,
      error: {
        field: 'naclRuleBase',
        reason: `no ${pairWidth([a, b])} free NACL rule numbers left below 32767 in both vpcs.${a} and vpcs.${b}`,
      },
    };
  }
  const pairs: PlannedPair[] = between.map((b, i) => {
    const peering = found.get(pairSetupId(meshId, b));
    return {
      between: b,
      setupWorkflowId: pairSetupId(meshId, b),
      naclRuleBase: ranges.bases[i]!,
      ...(pairWidth(b) === width ? {} : { naclRuleWidth: pairWidth(b) }),
      alreadyThere: peering?.status === 'active',
      ...(peering ? { peeringConnectionId: peering.peeringConnectionId } : {}),
    };
  });

  for (const p of pairs.filter((x) => !x.alreadyThere)) {
    for (const [own, peer] of [p.between, [p.between[1], p.between[0]]] as const) {
      for (const cidr of meshCidrs(vpcs[peer]!)) {
        for (const table of vpcs[own]!.routeTables) {
          const route = table.routes.find((r) => r.destination === cidr);
          if (route && route.target !== p.peeringConnectionId) {
            return {
              ok: false,
              error: {
                field: `vpcs.${own}`,
                reason: `route table ${table.id} already routes ${cidr} (vpcs.${peer}) to ${route.target}; it is never replaced`,
              },
            };
          }
        }
      }
    }
  }

  const regionQuotas = (region: string) => quotas[region] ?? builtInQuotas();
  const plans: MeshVpcPlan[] = keys.map((key) => {
    const vpc = vpcs[key]!;
    return {
      key,
      region: vpc.region,
      ...(vpc.vpcId ? { vpcId: vpc.vpcId } : {}),
      cidrBlock: vpc.cidrBlock,
      create: !vpc.vpcId,
      peers: pairs
        .filter((p) => p.between.includes(key))
        .map((p) => (p.between[0] === key ? p.between[1] : p.between[0])),
      figures: vpcFigures(vpc, pairs, vpcs, request, regionQuotas(vpc.region)),
    };
  });
  const usedQuotas = Object.fromEntries([...new Set(plans.map((p) => p.region))].map((r) => [r, regionQuotas(r)]));
  return {
    ok: true,
    value: {
      topology: request.topology,
      pairs,
      vpcs: plans,
      quotas: usedQuotas,
      naclRuleWidth: width,
      violations: plans.flatMap((p) => p.figures.filter((f) => f.over).map((f) => violation(p.key, f))),
    },
  };
}
