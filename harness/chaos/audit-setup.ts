/**
 * The audit right after a setup completed: exactly one VPC per side, one live peering, one
 * security group per VPC, and the routes, group rules and NACL entries the result claims, all
 * really there.
 */
import { type Tag } from '@aws-sdk/client-ec2';
import { entryMatches, findEntry } from '../../src/activities/ec2/network-acls';
import { hasDrift, securityGroupDrift } from '../../src/activities/ec2/security-groups';
import { naclPlan, securityGroupPlan } from '../../src/domain/peering/rules-plan';
import { SETUP_ID_TAG, SIDE_TAG, securityGroupName } from '../../src/domain/aws/tags';
import type { PeeringResult } from '../../src/domain/peering/types';
import type { AuditedRun, Finding, FindingKind } from './audit';
import { dedupe, GONE_PEERING, groupBy, tagOf, type RegionSnapshot } from './audit-snapshot';

export interface SetupAudit {
  findings: Finding[];
  vpcIds: string[];
  peeringIds: string[];
}

/** `snaps`: the requester's region, then the accepter's. */
export function auditSetup(run: AuditedRun & { result: PeeringResult }, snaps: RegionSnapshot[]): SetupAudit {
  const { setupId, request, result } = run;
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
