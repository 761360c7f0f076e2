import {
  CreateRouteCommand,
  DescribeNetworkAclsCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
  paginateDescribeRouteTables,
  type EC2Client,
  type IpPermission,
  type RouteTable,
  type SecurityGroup,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import { DRILL_CHECKS, type DrillCheck, type DriftItem, type RepairAction } from '../domain/drill-types';
import { naclPlan, securityGroupPlan, type NaclEntrySpec, type SgPermission } from '../domain/rules-plan';
import { NACL_RULES_TAG, securityGroupName } from '../domain/tags';
import type { AllowRule, SetupLocator } from '../domain/types';
import type { AwsClients } from './aws-clients';
import { collect, tagValue } from './ec2-helpers';
import { AwsErrors, errorName, isNamed, retryable, toApplicationFailure } from './errors';
import { createNaclEntry, describeSpec, describeVpcAcls, entryMatches, findEntry } from './network-acls';
import { describePeering } from './peering';
import {
  applySecurityGroupPlan,
  findPeeringSecurityGroup,
  securityGroupDrift,
  type SecurityGroupDrift,
} from './security-groups';

type Side = 'requester' | 'accepter';
const SIDES: Side[] = ['requester', 'accepter'];

/** What the setup made on one side; absent lists mean every table (or ACL) of the VPC. */
export interface ExpectedSide {
  routeTableIds?: string[];
  networkAclIds?: string[];
}

export interface InspectPeeringInput {
  locator: SetupLocator & { peeringConnectionId: string };
  /** The setup's allow rules; without them the security-group and NACL checks cannot be made. */
  allow?: AllowRule[];
  /** Said in the failed checks when `allow` is unknown. */
  allowUnknownReason?: string;
  /** @default true */
  dnsResolution?: boolean;
  /** @default the range recorded on the peering, else 900 */
  naclRuleBase?: number;
  requester?: ExpectedSide;
  accepter?: ExpectedSide;
}

export interface PeeringInspection {
  peeringConnectionId: string;
  status: string;
  checks: DrillCheck[];
  drift: DriftItem[];
}

export interface RepairInput {
  locator: SetupLocator;
  items: DriftItem[];
}

export interface RepairResult {
  repaired: DriftItem[];
  failed: Array<{ item: DriftItem; error: string }>;
}

/** One side's findings for one check. */
interface Finding {
  detail: string;
  drift: DriftItem[];
  /** The check could not be made at all (as opposed to finding drift). */
  unknown?: boolean;
}

const CHECK_ORDER = [
  DRILL_CHECKS.peeringActive,
  DRILL_CHECKS.dns,
  DRILL_CHECKS.routes,
  DRILL_CHECKS.securityGroups,
  DRILL_CHECKS.nacls,
] as const;

function describePermission(direction: 'ingress' | 'egress', p: SgPermission): string {
  const ports = p.protocol === 'icmp' ? `type ${p.fromPort} code ${p.toPort}` : `${p.fromPort}-${p.toPort}`;
  return `${direction} rule ${p.protocol} ${ports} ${direction === 'ingress' ? 'from' : 'to'} ${p.cidrBlock}`;
}

/** Rules the plan can never contain (group references, IPv6, prefix lists): reported, never auto-removed. */
function foreignRules(perms: IpPermission[] | undefined): string[] {
  return (perms ?? []).flatMap((p) => [
    ...(p.UserIdGroupPairs ?? []).map((g) => `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} with ${g.GroupId}`),
    ...(p.Ipv6Ranges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} with ${r.CidrIpv6}`),
    ...(p.PrefixListIds ?? []).map(
      (l) => `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} with ${l.PrefixListId}`,
    ),
  ]);
}

function ruleBaseFromTag(pcx: VpcPeeringConnection): number | undefined {
  const m = /^(\d+)-\d+$/.exec(tagValue(pcx.Tags, NACL_RULES_TAG) ?? '');
  return m ? Number(m[1]) : undefined;
}

export function createPeeringInspectionActivities(clients: AwsClients) {
  const ec2For = (locator: SetupLocator, side: Side): EC2Client =>
    side === 'requester'
      ? clients.ec2(locator.requesterRegion, locator.requesterRoleArn)
      : clients.ec2(locator.accepterRegion, locator.accepterRoleArn);
  const regionOf = (locator: SetupLocator, side: Side) =>
    side === 'requester' ? locator.requesterRegion : locator.accepterRegion;

  async function checkDns(input: InspectPeeringInput, side: Side, ec2: EC2Client, region: string): Promise<Finding> {
    if (input.dnsResolution === false) return { detail: `${region}: not required (dnsResolution: false)`, drift: [] };
    const pcxId = input.locator.peeringConnectionId;
    // Each side's option is only authoritative in its own region.
    const pcx = await describePeering(ec2, pcxId);
    if (!pcx) throw retryable(AwsErrors.PeeringNotFound, `${pcxId} is not visible in ${region} yet`);
    const info = side === 'requester' ? pcx.RequesterVpcInfo : pcx.AccepterVpcInfo;
    if (info?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc)
      return { detail: `${region}: remote DNS resolution on`, drift: [] };
    return {
      detail: `${region}: remote DNS resolution OFF`,
      drift: [
        {
          resource: pcxId,
          region,
          what: `${side} option AllowDnsResolutionFromRemoteVpc`,
          expected: 'true',
          actual: 'false',
          repair: { kind: 'enable-dns', peeringConnectionId: pcxId, side },
        },
      ],
    };
  }

  async function checkRoutes(
    input: InspectPeeringInput,
    side: Side,
    ec2: EC2Client,
    region: string,
    vpcId: string,
    peerCidr: string,
  ): Promise<Finding> {
    const pcxId = input.locator.peeringConnectionId;
    const tables = await collect(
      paginateDescribeRouteTables({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
      (p) => p.RouteTables,
    );
    const byId = new Map(tables.filter((t) => t.VpcId === vpcId).map((t) => [t.RouteTableId!, t] as const));
    const wanted = input[side]?.routeTableIds ?? [...byId.keys()].sort();
    const drift: DriftItem[] = [];
    const what = `route to ${peerCidr}`;
    for (const id of wanted) {
      const table: RouteTable | undefined = byId.get(id);
      if (!table) {
        drift.push({
          resource: id,
          region,
          what: `route table of ${vpcId}`,
          expected: `exists with a ${what} via ${pcxId}`,
          actual: 'route table not found',
        });
        continue;
      }
      const route = table.Routes?.find((r) => r.DestinationCidrBlock === peerCidr);
      const target =
        route &&
        (route.VpcPeeringConnectionId ??
          route.GatewayId ??
          route.NatGatewayId ??
          route.TransitGatewayId ??
          route.NetworkInterfaceId ??
          'another target');
      if (!route) {
        drift.push({
          resource: id,
          region,
          what,
          expected: `via ${pcxId}`,
          actual: 'missing',
          repair: {
            kind: 'create-route',
            routeTableId: id,
            destinationCidrBlock: peerCidr,
            peeringConnectionId: pcxId,
          },
        });
      } else if (route.VpcPeeringConnectionId !== pcxId) {
        // Someone points it elsewhere on purpose or by mistake; replacing it could cut their traffic.
        drift.push({ resource: id, region, what, expected: `via ${pcxId}`, actual: `via ${target}` });
      } else if (route.State === 'blackhole') {
        drift.push({ resource: id, region, what, expected: `via ${pcxId}, active`, actual: 'blackhole' });
      }
    }
    const detail = drift.length
      ? `${region}: ${drift.length} of ${wanted.length} table(s) lack a working ${what} via ${pcxId}`
      : `${region}: ${wanted.length} table(s) route ${peerCidr} via ${pcxId}`;
    return { detail, drift };
  }

  async function checkSecurityGroup(
    input: InspectPeeringInput,
    ec2: EC2Client,
    region: string,
    vpcId: string,
    ownCidr: string,
    peerCidr: string,
  ): Promise<Finding> {
    const pcxId = input.locator.peeringConnectionId;
    const name = securityGroupName(pcxId);
    if (!input.allow)
      return {
        detail: `${region}: not checked: ${input.allowUnknownReason ?? 'the allowed rules are unknown'}`,
        drift: [],
        unknown: true,
      };
    const group: SecurityGroup | undefined = await findPeeringSecurityGroup(ec2, vpcId, pcxId);
    if (!group) {
      return {
        detail: `${region}: ${name} is missing`,
        drift: [
          { resource: name, region, what: `security group in ${vpcId}`, expected: 'exists', actual: 'not found' },
        ],
      };
    }
    const groupId = group.GroupId!;
    const d: SecurityGroupDrift = securityGroupDrift(group, securityGroupPlan(ownCidr, peerCidr, input.allow));
    const drift: DriftItem[] = [
      ...d.missingIngress.map((p) => ({ p, dir: 'ingress' as const, missing: true })),
      ...d.missingEgress.map((p) => ({ p, dir: 'egress' as const, missing: true })),
      ...d.extraIngress.map((p) => ({ p, dir: 'ingress' as const, missing: false })),
      ...d.extraEgress.map((p) => ({ p, dir: 'egress' as const, missing: false })),
    ].map(({ p, dir, missing }) => ({
      resource: groupId,
      region,
      what: describePermission(dir, p),
      expected: missing ? 'present' : 'absent (not an allowed rule)',
      actual: missing ? 'missing' : 'present',
      repair: { kind: `${missing ? 'authorize' : 'revoke'}-${dir}` as const, groupId, permission: p },
    }));
    for (const [dir, perms] of [
      ['ingress', group.IpPermissions],
      ['egress', group.IpPermissionsEgress],
    ] as const) {
      for (const rule of foreignRules(perms)) {
        drift.push({
          resource: groupId,
          region,
          what: `${dir} rule ${rule}`,
          expected: 'absent (not an allowed rule)',
          actual: 'present',
        });
      }
    }
    const detail = drift.length
      ? `${region}: ${groupId} (${name}) differs from the allowed rules in ${drift.length} rule(s)`
      : `${region}: ${groupId} (${name}) holds exactly the allowed rules`;
    return { detail, drift };
  }

  async function checkNacls(
    input: InspectPeeringInput,
    side: Side,
    ec2: EC2Client,
    region: string,
    vpcId: string,
    ownCidr: string,
    peerCidr: string,
    base: number,
  ): Promise<Finding> {
    if (!input.allow)
      return {
        detail: `${region}: not checked: ${input.allowUnknownReason ?? 'the allowed rules are unknown'}`,
        drift: [],
        unknown: true,
      };
    const specs = naclPlan(ownCidr, peerCidr, input.allow, base);
    const acls = await describeVpcAcls(ec2, vpcId);
    const wanted = input[side]?.networkAclIds ?? acls.map((a) => a.NetworkAclId!).sort();
    const drift: DriftItem[] = [];
    for (const aclId of wanted) {
      const acl = acls.find((a) => a.NetworkAclId === aclId);
      if (!acl) {
        drift.push({
          resource: aclId,
          region,
          what: `network ACL of ${vpcId}`,
          expected: `exists with ${specs.length} entries from rule ${base}`,
          actual: 'not found',
        });
        continue;
      }
      for (const spec of specs) {
        const entry = findEntry(acl, spec);
        const what = `${spec.egress ? 'egress' : 'ingress'} entry ${spec.ruleNumber}`;
        const expected = describeSpec(spec);
        if (!entry) {
          drift.push({
            resource: aclId,
            region,
            what,
            expected,
            actual: 'missing',
            repair: { kind: 'create-nacl-entry', networkAclId: aclId, entry: spec },
          });
        } else if (!entryMatches(entry, spec)) {
          // Changed rather than removed: whoever changed it may rely on it, so a person decides.
          const ports = entry.PortRange
            ? `${entry.PortRange.From}-${entry.PortRange.To}`
            : entry.IcmpTypeCode
              ? `icmp ${entry.IcmpTypeCode.Type}/${entry.IcmpTypeCode.Code}`
              : 'all';
          drift.push({
            resource: aclId,
            region,
            what,
            expected,
            actual: `${entry.RuleAction} protocol ${entry.Protocol} ${ports} ${entry.CidrBlock ?? entry.Ipv6CidrBlock}`,
          });
        }
      }
    }
    const detail = drift.length
      ? `${region}: ${drift.length} of ${specs.length * wanted.length} entries missing or changed in ${wanted.length} ACL(s)`
      : `${region}: all ${specs.length} entries from rule ${base} present in ${wanted.length} ACL(s)`;
    return { detail, drift };
  }

  /**
   * Read-only: compares the peering's routes, security groups and NACL entries in both regions
   * with what the setup made, and lists every difference with what would put it back.
   */
  async function inspectPeering(input: InspectPeeringInput): Promise<PeeringInspection> {
    const { locator } = input;
    const pcxId = locator.peeringConnectionId;
    const pcx = await describePeering(ec2For(locator, 'requester'), pcxId);
    const status = pcx?.Status?.Code ?? 'not found';
    if (!pcx || status !== 'active') {
      const why = `not checked: ${pcxId} is ${status}`;
      return {
        peeringConnectionId: pcxId,
        status,
        checks: CHECK_ORDER.map((name) => ({
          name,
          ok: false,
          detail: name === DRILL_CHECKS.peeringActive ? `${pcxId} is ${status} in ${locator.requesterRegion}` : why,
        })),
        drift: [
          {
            resource: pcxId,
            region: locator.requesterRegion,
            what: 'peering connection status',
            expected: 'active',
            actual: status,
          },
        ],
      };
    }
    const vpc = {
      requester: { vpcId: pcx.RequesterVpcInfo?.VpcId ?? '', cidr: pcx.RequesterVpcInfo?.CidrBlock ?? '' },
      accepter: { vpcId: pcx.AccepterVpcInfo?.VpcId ?? '', cidr: pcx.AccepterVpcInfo?.CidrBlock ?? '' },
    };
    const base = input.naclRuleBase ?? ruleBaseFromTag(pcx) ?? 900;
    const perSide = await Promise.all(
      SIDES.map(async (side) => {
        const ec2 = ec2For(locator, side);
        const region = regionOf(locator, side);
        const own = vpc[side];
        const peer = vpc[side === 'requester' ? 'accepter' : 'requester'];
        const [dns, routes, groups, nacls] = await Promise.all([
          checkDns(input, side, ec2, region),
          checkRoutes(input, side, ec2, region, own.vpcId, peer.cidr),
          checkSecurityGroup(input, ec2, region, own.vpcId, own.cidr, peer.cidr),
          checkNacls(input, side, ec2, region, own.vpcId, own.cidr, peer.cidr, base),
        ]);
        const byCheck: Record<string, Finding> = {
          [DRILL_CHECKS.dns]: dns,
          [DRILL_CHECKS.routes]: routes,
          [DRILL_CHECKS.securityGroups]: groups,
          [DRILL_CHECKS.nacls]: nacls,
        };
        return byCheck;
      }),
    );
    const checks: DrillCheck[] = [
      {
        name: DRILL_CHECKS.peeringActive,
        ok: true,
        detail: `${pcxId} is active (${vpc.requester.vpcId} ${vpc.requester.cidr} ↔ ${vpc.accepter.vpcId} ${vpc.accepter.cidr})`,
      },
    ];
    const drift: DriftItem[] = [];
    for (const name of CHECK_ORDER.slice(1)) {
      const findings = perSide.map((s) => s[name]!);
      drift.push(...findings.flatMap((f) => f.drift));
      checks.push({
        name,
        ok: findings.every((f) => !f.unknown && f.drift.length === 0),
        detail: findings.map((f) => f.detail).join('; '),
      });
    }
    return { peeringConnectionId: pcxId, status, checks, drift };
  }

  async function repairOne(ec2: EC2Client, action: RepairAction): Promise<void> {
    switch (action.kind) {
      case 'create-route': {
        try {
          await ec2.send(
            new CreateRouteCommand({
              RouteTableId: action.routeTableId,
              DestinationCidrBlock: action.destinationCidrBlock,
              VpcPeeringConnectionId: action.peeringConnectionId,
            }),
          );
        } catch (err) {
          if (!isNamed(err, AwsErrors.RouteAlreadyExists)) throw err;
          // Put back by a lost earlier attempt, or taken by someone else meanwhile: only the first is done.
          const tables = await collect(
            paginateDescribeRouteTables({ client: ec2 }, { RouteTableIds: [action.routeTableId] }),
            (p) => p.RouteTables,
          );
          const route = tables[0]?.Routes?.find((r) => r.DestinationCidrBlock === action.destinationCidrBlock);
          if (route?.VpcPeeringConnectionId !== action.peeringConnectionId) throw err;
        }
        return;
      }
      case 'authorize-ingress':
      case 'authorize-egress':
      case 'revoke-ingress':
      case 'revoke-egress': {
        const only: SecurityGroupDrift = { missingIngress: [], extraIngress: [], missingEgress: [], extraEgress: [] };
        const slot = {
          'authorize-ingress': 'missingIngress',
          'authorize-egress': 'missingEgress',
          'revoke-ingress': 'extraIngress',
          'revoke-egress': 'extraEgress',
        } as const;
        only[slot[action.kind]].push(action.permission);
        await applySecurityGroupPlan(ec2, action.groupId, only);
        return;
      }
      case 'create-nacl-entry': {
        try {
          await createNaclEntry(ec2, action.networkAclId, action.entry);
        } catch (err) {
          if (!isNamed(err, AwsErrors.NaclEntryAlreadyExists)) throw err;
          if (!(await naclEntryInPlace(ec2, action.networkAclId, action.entry))) throw err;
        }
        return;
      }
      case 'enable-dns': {
        const options = { AllowDnsResolutionFromRemoteVpc: true };
        await ec2.send(
          new ModifyVpcPeeringConnectionOptionsCommand({
            VpcPeeringConnectionId: action.peeringConnectionId,
            ...(action.side === 'requester'
              ? { RequesterPeeringConnectionOptions: options }
              : { AccepterPeeringConnectionOptions: options }),
          }),
        );
        return;
      }
    }
  }

  async function naclEntryInPlace(ec2: EC2Client, aclId: string, spec: NaclEntrySpec): Promise<boolean> {
    const acl = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }))).NetworkAcls?.[0];
    const entry = acl && findEntry(acl, spec);
    return Boolean(entry && entryMatches(entry, spec));
  }

  /**
   * Puts back exactly the given drifted items, each with the one call that restores it, and
   * touches nothing else. Safe to retry: an item already back counts as repaired. Items without a
   * repair, and refusals that retrying cannot fix, are reported instead of failing the rest.
   */
  async function repairPeeringDrift(input: RepairInput): Promise<RepairResult> {
    const result: RepairResult = { repaired: [], failed: [] };
    for (const item of input.items) {
      if (!item.repair) {
        result.failed.push({ item, error: 'no automatic repair; needs a person' });
        continue;
      }
      const side: Side = item.region === input.locator.requesterRegion ? 'requester' : 'accepter';
      try {
        await repairOne(ec2For(input.locator, side), item.repair);
        result.repaired.push(item);
      } catch (err) {
        const failure = toApplicationFailure(err);
        if (!(failure instanceof ApplicationFailure) || !failure.nonRetryable) throw err;
        result.failed.push({ item, error: `${errorName(err)}: ${(err as Error).message}` });
      }
    }
    return result;
  }

  return { inspectPeering, repairPeeringDrift };
}
