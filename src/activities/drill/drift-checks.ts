import {
  paginateDescribeRouteTables,
  type EC2Client,
  type IpPermission,
  type RouteTable,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import type { DriftItem } from '../../domain/drill/types';
import {
  cidrList,
  naclPlan,
  securityGroupPlan,
  type SgPermission,
  type SideCidrs,
} from '../../domain/peering/rules-plan';
import { securityGroupName } from '../../domain/aws/tags';
import { collect } from '../ec2/helpers';
import { AwsErrors, retryable } from '../aws/errors';
import { describeSpec, describeVpcAcls, entryMatches, findEntry } from '../ec2/network-acls';
import { describePeering } from '../ec2/peering-connection';
import { routeTo } from '../ec2/routes';
import { findPeeringSecurityGroup, securityGroupDrift, type SecurityGroupDrift } from '../ec2/security-groups';
import { type SideRole as Side } from '../../domain/peering/types';
import { type InspectPeeringInput } from '../../domain/drill/types';

/*
 * The drill's read-only checks of one side of a peering. Each lists what differs from what the
 * setup made, with the one call that would put it back where that is safe without a person.
 */

/** One side's findings for one check. */
export interface Finding {
  detail: string;
  drift: DriftItem[];
  /** The check could not be made at all (as opposed to finding drift). */
  unknown?: boolean;
}

function describePermission(direction: 'ingress' | 'egress', p: SgPermission): string {
  const ports = p.protocol === 'icmp' ? `type ${p.fromPort} code ${p.toPort}` : `${p.fromPort}-${p.toPort}`;
  return `${direction} rule ${p.protocol} ${ports} ${direction === 'ingress' ? 'from' : 'to'} ${p.cidrBlock}`;
}

/**
 * Rules the plan can never contain (group references, prefix lists): reported, never auto-removed.
 * CIDR rules, IPv4 or IPv6, are compared with the plan itself.
 */
function foreignRules(perms: IpPermission[] | undefined): string[] {
  return (perms ?? []).flatMap((p) => [
    ...(p.UserIdGroupPairs ?? []).map((g) => `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} with ${g.GroupId}`),
    ...(p.PrefixListIds ?? []).map(
      (l) => `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} with ${l.PrefixListId}`,
    ),
  ]);
}

export async function checkDns(
  input: InspectPeeringInput,
  side: Side,
  ec2: EC2Client,
  region: string,
): Promise<Finding> {
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

export async function checkRoutes(
  input: InspectPeeringInput,
  side: Side,
  ec2: EC2Client,
  region: string,
  vpcId: string,
  peerCidrs: SideCidrs,
): Promise<Finding> {
  const pcxId = input.locator.peeringConnectionId;
  const destinations = cidrList(peerCidrs);
  const tables = await collect(
    paginateDescribeRouteTables({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    (p) => p.RouteTables,
  );
  const byId = new Map(tables.filter((t) => t.VpcId === vpcId).map((t) => [t.RouteTableId!, t] as const));
  const wanted = input[side]?.routeTableIds ?? [...byId.keys()].sort();
  const drift: DriftItem[] = [];
  const routed = destinations.join(', ');
  for (const id of wanted) {
    const table: RouteTable | undefined = byId.get(id);
    if (!table) {
      drift.push({
        resource: id,
        region,
        what: `route table of ${vpcId}`,
        expected: `exists with routes to ${routed} via ${pcxId}`,
        actual: 'route table not found',
      });
      continue;
    }
    for (const peerCidr of destinations) drift.push(...routeDrift(table, peerCidr, pcxId, region));
  }
  const lacking = new Set(drift.map((d) => d.resource)).size;
  const detail = drift.length
    ? `${region}: ${lacking} of ${wanted.length} table(s) lack a working route to ${routed} via ${pcxId}`
    : `${region}: ${wanted.length} table(s) route ${routed} via ${pcxId}`;
  return { detail, drift };
}

/** One table's route to one peer CIDR: missing, pointing elsewhere, or a blackhole. */
function routeDrift(table: RouteTable, peerCidr: string, pcxId: string, region: string): DriftItem[] {
  const id = table.RouteTableId!;
  const what = `route to ${peerCidr}`;
  const route = routeTo(table, peerCidr);
  if (!route) {
    const repair = {
      kind: 'create-route' as const,
      routeTableId: id,
      destinationCidrBlock: peerCidr,
      peeringConnectionId: pcxId,
    };
    return [{ resource: id, region, what, expected: `via ${pcxId}`, actual: 'missing', repair }];
  }
  const target =
    route.VpcPeeringConnectionId ??
    route.GatewayId ??
    route.NatGatewayId ??
    route.TransitGatewayId ??
    route.NetworkInterfaceId ??
    'another target';
  // Someone points it elsewhere on purpose or by mistake; replacing it could cut their traffic.
  if (route.VpcPeeringConnectionId !== pcxId)
    return [{ resource: id, region, what, expected: `via ${pcxId}`, actual: `via ${target}` }];
  if (route.State === 'blackhole')
    return [{ resource: id, region, what, expected: `via ${pcxId}, active`, actual: 'blackhole' }];
  return [];
}

export async function checkSecurityGroup(
  input: InspectPeeringInput,
  ec2: EC2Client,
  region: string,
  vpcId: string,
  ownCidr: SideCidrs,
  peerCidr: SideCidrs,
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
      drift: [{ resource: name, region, what: `security group in ${vpcId}`, expected: 'exists', actual: 'not found' }],
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

export async function checkNacls(
  input: InspectPeeringInput,
  side: Side,
  ec2: EC2Client,
  region: string,
  vpcId: string,
  ownCidr: SideCidrs,
  peerCidr: SideCidrs,
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
