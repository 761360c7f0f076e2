import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import { isIpv6Cidr } from '../../domain/net/cidr6';
import type { SgPermission, SgPlan } from '../../domain/peering/rules-plan';
import { securityGroupName } from '../../domain/aws/tags';
import type { AwsClients } from '../aws/clients';
import { tagSpec } from './helpers';
import { AwsErrors, isNamed } from '../aws/errors';
import { findEarlierWork, retryNotFound, type ConsistencyWindows } from '../aws/waiting';
import { type ResourceRef } from '../../domain/aws/resource-ref';

export interface EnsureSecurityGroupInput extends SideAccess {
  region: string;
  vpcId: string;
  peeringConnectionId: string;
  plan: SgPlan;
  tags: Record<string, string>;
  /**
   * The VPC has an IPv6 block, so a new group also starts with AWS's allow-all `::/0` egress rule,
   * which is revoked like the IPv4 one.
   * @default false
   */
  vpcHasIpv6?: boolean;
}

export interface SecurityGroupDrift {
  missingIngress: SgPermission[];
  extraIngress: SgPermission[];
  missingEgress: SgPermission[];
  extraEgress: SgPermission[];
}

const key = (p: SgPermission) => `${p.protocol}|${p.fromPort}|${p.toPort}|${p.cidrBlock}`;

/**
 * AWS returns one IpPermission per port range with many CIDRs, IPv4 and IPv6 apart; flatten to
 * one entry per CIDR of either kind.
 */
function flatten(perms: IpPermission[] | undefined): SgPermission[] {
  return (perms ?? []).flatMap((p) => {
    const one = (cidrBlock: string, description: string | undefined): SgPermission => ({
      protocol: (p.IpProtocol === '-1' ? 'all' : p.IpProtocol) as SgPermission['protocol'],
      fromPort: p.FromPort ?? -1,
      toPort: p.ToPort ?? -1,
      cidrBlock,
      ...(description ? { description } : {}),
    });
    return [
      ...(p.IpRanges ?? []).map((r) => one(r.CidrIp!, r.Description)),
      ...(p.Ipv6Ranges ?? []).map((r) => one(r.CidrIpv6!, r.Description)),
    ];
  });
}

/** The plan's permissions as EC2 takes them (the bench's bare script sends the same). */
export function toIpPermissions(perms: SgPermission[]): IpPermission[] {
  return perms.map((p) => {
    const range = { ...(p.description ? { Description: p.description } : {}) };
    return {
      IpProtocol: (p.protocol as string) === 'all' ? '-1' : p.protocol,
      ...((p.protocol as string) === 'all' ? {} : { FromPort: p.fromPort, ToPort: p.toPort }),
      ...(isIpv6Cidr(p.cidrBlock)
        ? { Ipv6Ranges: [{ CidrIpv6: p.cidrBlock, ...range }] }
        : { IpRanges: [{ CidrIp: p.cidrBlock, ...range }] }),
    };
  });
}

function diff(actual: SgPermission[], wanted: SgPermission[]): { missing: SgPermission[]; extra: SgPermission[] } {
  const have = new Set(actual.map(key));
  const want = new Set(wanted.map(key));
  return { missing: wanted.filter((p) => !have.has(key(p))), extra: actual.filter((p) => !want.has(key(p))) };
}

export function securityGroupDrift(group: SecurityGroup, plan: SgPlan): SecurityGroupDrift {
  const ingress = diff(flatten(group.IpPermissions), plan.ingress);
  const egress = diff(flatten(group.IpPermissionsEgress), plan.egress);
  return {
    missingIngress: ingress.missing,
    extraIngress: ingress.extra,
    missingEgress: egress.missing,
    extraEgress: egress.extra,
  };
}

export function hasDrift(d: SecurityGroupDrift): boolean {
  return d.missingIngress.length + d.extraIngress.length + d.missingEgress.length + d.extraEgress.length > 0;
}

export async function findPeeringSecurityGroup(
  ec2: EC2Client,
  vpcId: string,
  pcx: string,
): Promise<SecurityGroup | undefined> {
  const out = await ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [securityGroupName(pcx)] },
      ],
    }),
  );
  return out.SecurityGroups?.find((g) => g.VpcId === vpcId && g.GroupName === securityGroupName(pcx));
}

type Change = 'authorize' | 'revoke';
type Direction = 'ingress' | 'egress';

function sendChange(
  ec2: EC2Client,
  change: Change,
  direction: Direction,
  GroupId: string,
  perms: SgPermission[],
): Promise<unknown> {
  const input = { GroupId, IpPermissions: toIpPermissions(perms) };
  if (change === 'authorize') {
    return direction === 'ingress'
      ? ec2.send(new AuthorizeSecurityGroupIngressCommand(input))
      : ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
  }
  return direction === 'ingress'
    ? ec2.send(new RevokeSecurityGroupIngressCommand(input))
    : ec2.send(new RevokeSecurityGroupEgressCommand(input));
}

async function describeGroup(ec2: EC2Client, groupId: string): Promise<SecurityGroup | undefined> {
  return (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
}

/**
 * Authorizes or revokes `perms` in one call. AWS refuses such a batch whole when one permission in
 * it is already there (InvalidPermission.Duplicate) or already gone (InvalidPermission.NotFound),
 * and then applies none of the others: so that answer is never taken as done. The group is read
 * again and what is still missing (or still there) is changed one permission at a time, where the
 * same answer does speak for that one permission alone.
 */
async function changeRules(
  ec2: EC2Client,
  groupId: string,
  change: Change,
  direction: Direction,
  perms: SgPermission[],
  notFoundSeconds: number,
): Promise<void> {
  if (!perms.length) return;
  const answered = change === 'authorize' ? AwsErrors.PermissionDuplicate : AwsErrors.PermissionNotFound;
  // A group created moments ago may be NotFound for a while (InvalidGroup.NotFound).
  const send = (batch: SgPermission[]) =>
    retryNotFound(notFoundSeconds, () => sendChange(ec2, change, direction, groupId, batch));
  try {
    await send(perms);
    return;
  } catch (err) {
    if (!isNamed(err, answered)) throw err;
    if (perms.length === 1) return;
  }
  const group = await describeGroup(ec2, groupId);
  const present = new Set(
    flatten(direction === 'ingress' ? group?.IpPermissions : group?.IpPermissionsEgress).map(key),
  );
  const left = perms.filter((p) => (change === 'authorize' ? !present.has(key(p)) : present.has(key(p))));
  for (const p of left) {
    await send([p]).catch((err: unknown) => {
      if (!isNamed(err, answered)) throw err;
    });
  }
}

/** Brings the group's rules to exactly the plan: revokes what is extra, then authorizes what is missing. */
export async function applySecurityGroupPlan(
  ec2: EC2Client,
  groupId: string,
  drift: SecurityGroupDrift,
  notFoundSeconds = 0,
): Promise<void> {
  await changeRules(ec2, groupId, 'revoke', 'egress', drift.extraEgress, notFoundSeconds);
  await changeRules(ec2, groupId, 'revoke', 'ingress', drift.extraIngress, notFoundSeconds);
  await changeRules(ec2, groupId, 'authorize', 'ingress', drift.missingIngress, notFoundSeconds);
  await changeRules(ec2, groupId, 'authorize', 'egress', drift.missingEgress, notFoundSeconds);
}

export function createSecurityGroupActivities(clients: AwsClients, windows: ConsistencyWindows) {
  /**
   * Creates `peering-<pcx>` in the side's VPC, or finds the one an earlier attempt made (a group
   * name is unique in a VPC, so a lost create answers InvalidGroup.Duplicate on the retry), and
   * gives it exactly the planned rules. The default allow-all egress rules are removed: `0.0.0.0/0`,
   * and `::/0` in a VPC with an IPv6 block.
   */
  async function ensurePeeringSecurityGroup(
    input: EnsureSecurityGroupInput,
  ): Promise<{ securityGroupId: string; created: ResourceRef[] }> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    let group = await findPeeringSecurityGroup(ec2, input.vpcId, input.peeringConnectionId);
    if (!group) {
      try {
        const out = await retryNotFound(windows.notFoundSeconds, () =>
          ec2.send(
            new CreateSecurityGroupCommand({
              GroupName: securityGroupName(input.peeringConnectionId),
              Description: `Traffic over VPC peering ${input.peeringConnectionId}`,
              VpcId: input.vpcId,
              TagSpecifications: tagSpec('security-group', {
                ...input.tags,
                Name: securityGroupName(input.peeringConnectionId),
              }),
            }),
          ),
        );
        // A new group has only the default egress rule (for IPv6 too, in a VPC with an IPv6 block).
        group = {
          GroupId: out.GroupId!,
          IpPermissions: [],
          IpPermissionsEgress: [
            {
              IpProtocol: '-1',
              IpRanges: [{ CidrIp: '0.0.0.0/0' }],
              ...(input.vpcHasIpv6 ? { Ipv6Ranges: [{ CidrIpv6: '::/0' }] } : {}),
            },
          ],
        };
      } catch (err) {
        if (!isNamed(err, AwsErrors.GroupDuplicate)) throw err;
        group = await findEarlierWork(windows.tagLagSeconds, () =>
          findPeeringSecurityGroup(ec2, input.vpcId, input.peeringConnectionId),
        );
        if (!group) throw err;
      }
    }
    const drift = securityGroupDrift(group, input.plan);
    if (hasDrift(drift)) await applySecurityGroupPlan(ec2, group.GroupId!, drift, windows.notFoundSeconds);
    return {
      securityGroupId: group.GroupId!,
      created: [{ type: 'security-group', region: input.region, id: group.GroupId! }],
    };
  }

  return { ensurePeeringSecurityGroup };
}
