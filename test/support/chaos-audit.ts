/**
 * The chaos run's audit: direct EC2 calls to moto (never through the fault proxy) in every region
 * a run used. moto ignores some Describe filters, so whole regions are listed and filtered here.
 */
import {
  EC2Client,
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type NetworkAcl,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Tag,
  type Vpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { entryMatches, findEntry } from '../../src/activities/network-acls';
import { hasDrift, securityGroupDrift } from '../../src/activities/security-groups';
import { naclPlan, securityGroupPlan } from '../../src/domain/rules-plan';
import { SETUP_ID_TAG, SIDE_TAG, securityGroupName } from '../../src/domain/tags';
import type { PeeringRequest, PeeringResult } from '../../src/domain/types';
import { naclRuleCount } from '../../src/domain/validate-peering';

export type FindingKind = 'duplicate' | 'leak' | 'leftover' | 'wrong-state';

export interface Finding {
  run: string;
  kind: FindingKind;
  what: string;
  ids: string[];
}

/** What the audit knows about one run. */
export interface AuditedRun {
  setupId: string;
  request: PeeringRequest;
  result?: PeeringResult;
  /** Peering ids seen for this setup at any point (including duplicates), for leak checks. */
  seenPeeringIds: string[];
  /** Its teardown completed, or its setup failed and rolled back: nothing of it may remain. */
  finished: boolean;
}

interface RegionSnapshot {
  region: string;
  vpcs: Vpc[];
  subnets: Subnet[];
  groups: SecurityGroup[];
  peerings: VpcPeeringConnection[];
  tables: RouteTable[];
  acls: NetworkAcl[];
}

const GONE_PEERING = new Set(['deleted', 'rejected', 'failed', 'expired']);
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

async function all<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

const tagOf = (tags: Tag[] | undefined, key: string) => tags?.find((t) => t.Key === key)?.Value;

export class MotoAuditor {
  private readonly clients = new Map<string, EC2Client>();

  constructor(private readonly motoUrl: string) {}

  private ec2(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = new EC2Client({ region, endpoint: this.motoUrl, credentials: CREDENTIALS, maxAttempts: 5 });
      this.clients.set(region, client);
    }
    return client;
  }

  async snapshot(region: string): Promise<RegionSnapshot> {
    const client = { client: this.ec2(region) };
    const [vpcs, subnets, groups, peerings, tables, acls] = await Promise.all([
      all(paginateDescribeVpcs(client, {}), (p) => p.Vpcs),
      all(paginateDescribeSubnets(client, {}), (p) => p.Subnets),
      all(paginateDescribeSecurityGroups(client, {}), (p) => p.SecurityGroups),
      all(paginateDescribeVpcPeeringConnections(client, {}), (p) => p.VpcPeeringConnections),
      all(paginateDescribeRouteTables(client, {}), (p) => p.RouteTables),
      all(paginateDescribeNetworkAcls(client, {}), (p) => p.NetworkAcls),
    ]);
    return { region, vpcs, subnets, groups, peerings, tables, acls };
  }

  /**
   * Right after a setup completed: exactly one VPC per side, one live peering, one security group
   * per VPC, and the routes, group rules and NACL entries the result claims, all really there.
   */
  async auditSetup(
    run: AuditedRun & { result: PeeringResult },
  ): Promise<{ findings: Finding[]; vpcIds: string[]; peeringIds: string[] }> {
    const { setupId, request, result } = run;
    const snaps = await Promise.all([request.requester.region, request.accepter.region].map((r) => this.snapshot(r)));
    const findings: Finding[] = [];
    const add = (kind: FindingKind, what: string, ids: string[]) => findings.push({ run: setupId, kind, what, ids });
    const ours = (tags: Tag[] | undefined) => tagOf(tags, SETUP_ID_TAG) === setupId;

    const vpcs = snaps.flatMap((s) => s.vpcs.filter((v) => ours(v.Tags)));
    for (const side of ['requester', 'accepter'] as const) {
      const ids = vpcs.filter((v) => tagOf(v.Tags, SIDE_TAG) === side).map((v) => v.VpcId!);
      if (ids.length > 1) add('duplicate', `${ids.length} VPCs tagged for the ${side} side`, ids);
      if (!ids.includes(result[side].vpcId))
        add('wrong-state', `the ${side} VPC ${result[side].vpcId} of the result is not tagged with the setup id`, ids);
    }

    const peerings = dedupe(
      snaps.flatMap((s) => s.peerings),
      (p) => p.VpcPeeringConnectionId!,
    );
    const tagged = peerings.filter((p) => ours(p.Tags));
    const live = tagged.filter((p) => !GONE_PEERING.has(p.Status?.Code ?? ''));
    if (live.length > 1)
      add(
        'duplicate',
        `${live.length} live peerings tagged with the setup id`,
        live.map((p) => `${p.VpcPeeringConnectionId} (${p.Status?.Code})`),
      );
    const pcxId = result.peeringConnectionId;
    const pcx = peerings.find((p) => p.VpcPeeringConnectionId === pcxId);
    if (pcx?.Status?.Code !== 'active')
      add('wrong-state', `peering ${pcxId} is ${pcx?.Status?.Code ?? 'missing'}, not active`, [pcxId]);

    const groups = snaps.flatMap((s) => s.groups.filter((g) => ours(g.Tags)));
    for (const [vpcId, inVpc] of groupBy(groups, (g) => g.VpcId ?? '?')) {
      if (inVpc.length > 1)
        add(
          'duplicate',
          `${inVpc.length} security groups tagged with the setup id in ${vpcId}`,
          inVpc.map((g) => g.GroupId!),
        );
    }
    const subnets = snaps.flatMap((s) => s.subnets.filter((n) => ours(n.Tags)));
    for (const [key, same] of groupBy(subnets, (n) => `${n.VpcId} ${n.CidrBlock}`)) {
      if (same.length > 1)
        add(
          'duplicate',
          `${same.length} subnets for ${key}`,
          same.map((n) => n.SubnetId!),
        );
    }

    const cidr = { requester: result.requester.cidrBlock, accepter: result.accepter.cidrBlock };
    const base = request.naclRuleBase ?? 900;
    for (const [side, peer] of [
      ['requester', 'accepter'],
      ['accepter', 'requester'],
    ] as const) {
      const snap = snaps[side === 'requester' ? 0 : 1]!;
      const own = result[side];
      for (const tableId of own.routeTableIds) {
        const route = snap.tables
          .find((t) => t.RouteTableId === tableId)
          ?.Routes?.find((r) => r.DestinationCidrBlock === cidr[peer]);
        if (route?.VpcPeeringConnectionId !== pcxId || route.State === 'blackhole') {
          add(
            'wrong-state',
            `${side} ${tableId} routes ${cidr[peer]} to ${route?.VpcPeeringConnectionId ?? route?.GatewayId ?? 'nothing'} (${route?.State ?? 'no route'}), not ${pcxId}`,
            [tableId],
          );
        }
      }
      const group = snap.groups.find((g) => g.GroupId === own.securityGroupId);
      if (group?.GroupName !== securityGroupName(pcxId) || group.VpcId !== own.vpcId) {
        add(
          'wrong-state',
          `${side} security group ${own.securityGroupId} is ${group ? `${group.GroupName} in ${group.VpcId}` : 'missing'}`,
          [own.securityGroupId],
        );
      } else if (hasDrift(securityGroupDrift(group, securityGroupPlan(cidr[side], cidr[peer], request.allow)))) {
        add(
          'wrong-state',
          `${side} security group ${own.securityGroupId} rules differ from the plan: ${JSON.stringify(securityGroupDrift(group, securityGroupPlan(cidr[side], cidr[peer], request.allow)))}`,
          [own.securityGroupId],
        );
      }
      const plan = naclPlan(cidr[side], cidr[peer], request.allow, base);
      for (const aclId of own.networkAclIds) {
        const acl = snap.acls.find((a) => a.NetworkAclId === aclId);
        const missing = plan.filter((spec) => {
          const entry = acl && findEntry(acl, spec);
          return !entry || !entryMatches(entry, spec);
        });
        if (missing.length)
          add(
            'wrong-state',
            `${side} NACL ${aclId} lacks ${missing.length} of ${plan.length} planned entries`,
            missing.map((m) => `${m.egress ? 'egress' : 'ingress'} ${m.ruleNumber}`),
          );
      }
    }
    return {
      findings,
      vpcIds: vpcs.map((v) => v.VpcId!),
      peeringIds: tagged.map((p) => p.VpcPeeringConnectionId!),
    };
  }

  /**
   * After every run: nothing tagged with a setup id is left, no route points at one of its
   * peerings, no security group is named after one, and no NACL entry in its rule range admits
   * one of its CIDRs (each run's CIDRs are unique, so entries can be attributed without tags).
   */
  async auditLeaks(runs: AuditedRun[]): Promise<Finding[]> {
    const regions = [...new Set(runs.flatMap((r) => [r.request.requester.region, r.request.accepter.region]))].sort();
    const snaps = await Promise.all(regions.map((r) => this.snapshot(r)));
    const findings: Finding[] = [];
    for (const run of runs) {
      const kind: FindingKind = run.finished ? 'leak' : 'leftover';
      const add = (what: string, ids: string[]) => {
        if (ids.length) findings.push({ run: run.setupId, kind, what, ids });
      };
      const ours = (tags: Tag[] | undefined) => tagOf(tags, SETUP_ID_TAG) === run.setupId;
      const cidrs = new Set(
        [
          run.request.requester.cidrBlock,
          run.request.accepter.cidrBlock,
          run.result?.requester.cidrBlock,
          run.result?.accepter.cidrBlock,
        ].filter((c): c is string => !!c),
      );
      const peerings = dedupe(
        snaps.flatMap((s) => s.peerings),
        (p) => p.VpcPeeringConnectionId!,
      );
      const pcxIds = new Set([
        ...run.seenPeeringIds,
        ...(run.result ? [run.result.peeringConnectionId] : []),
        ...peerings.filter((p) => ours(p.Tags)).map((p) => p.VpcPeeringConnectionId!),
      ]);
      const base = run.request.naclRuleBase ?? 900;
      const last = base + naclRuleCount(run.request.allow) - 1;

      for (const snap of snaps) {
        const where = `in ${snap.region}`;
        add(
          `VPCs tagged with the setup id ${where}`,
          snap.vpcs.filter((v) => ours(v.Tags)).map((v) => v.VpcId!),
        );
        add(
          `subnets tagged with the setup id ${where}`,
          snap.subnets.filter((n) => ours(n.Tags)).map((n) => n.SubnetId!),
        );
        add(
          `security groups tagged with the setup id or named after its peering ${where}`,
          snap.groups
            .filter((g) => ours(g.Tags) || [...pcxIds].some((id) => g.GroupName === securityGroupName(id)))
            .map((g) => g.GroupId!),
        );
        add(
          `routes through its peering(s) ${where}`,
          snap.tables.flatMap((t) =>
            (t.Routes ?? [])
              .filter(
                (r) =>
                  r.VpcPeeringConnectionId &&
                  (pcxIds.has(r.VpcPeeringConnectionId) || cidrs.has(r.DestinationCidrBlock ?? '')),
              )
              .map((r) => `${t.RouteTableId} ${r.DestinationCidrBlock} -> ${r.VpcPeeringConnectionId}`),
          ),
        );
        add(
          `NACL entries ${base}-${last} for its CIDRs ${where}`,
          snap.acls.flatMap((a) =>
            (a.Entries ?? [])
              .filter((e) => e.RuleNumber! >= base && e.RuleNumber! <= last && cidrs.has(e.CidrBlock ?? ''))
              .map((e) => `${a.NetworkAclId} ${e.Egress ? 'egress' : 'ingress'} ${e.RuleNumber} ${e.CidrBlock}`),
          ),
        );
      }
      add(
        'live peerings tagged with the setup id',
        peerings
          .filter((p) => ours(p.Tags) && !GONE_PEERING.has(p.Status?.Code ?? ''))
          .map((p) => `${p.VpcPeeringConnectionId} (${p.Status?.Code})`),
      );
    }
    return findings;
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy();
  }
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
