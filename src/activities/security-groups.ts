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
import type { SgPermission, SgPlan } from '../domain/rules-plan';
import { securityGroupName } from '../domain/tags';
import type { ResourceRef } from '../domain/types';
import type { AwsClients } from './aws-clients';
import { tagSpec } from './ec2-helpers';
import { AwsErrors, isNamed } from './errors';

export interface EnsureSecurityGroupInput {
  region: string;
  roleArn?: string;
  vpcId: string;
  peeringConnectionId: string;
  plan: SgPlan;
  tags: Record<string, string>;
}

export interface SecurityGroupDrift {
  missingIngress: SgPermission[];
  extraIngress: SgPermission[];
  missingEgress: SgPermission[];
  extraEgress: SgPermission[];
}

const key = (p: SgPermission) => `${p.protocol}|${p.fromPort}|${p.toPort}|${p.cidrBlock}`;

/** AWS returns one IpPermission per port range with many CIDRs; flatten to one entry per CIDR. */
function flatten(perms: IpPermission[] | undefined): SgPermission[] {
  return (perms ?? []).flatMap((p) =>
    (p.IpRanges ?? []).map((r) => ({
      protocol: (p.IpProtocol === '-1' ? 'all' : p.IpProtocol) as SgPermission['protocol'],
      fromPort: p.FromPort ?? -1,
      toPort: p.ToPort ?? -1,
      cidrBlock: r.CidrIp!,
      ...(r.Description ? { description: r.Description } : {}),
    })),
  );
}

function toIpPermissions(perms: SgPermission[]): IpPermission[] {
  return perms.map((p) => ({
    IpProtocol: (p.protocol as string) === 'all' ? '-1' : p.protocol,
    ...((p.protocol as string) === 'all' ? {} : { FromPort: p.fromPort, ToPort: p.toPort }),
    IpRanges: [{ CidrIp: p.cidrBlock, ...(p.description ? { Description: p.description } : {}) }],
  }));
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

/** Brings the group's rules to exactly the plan. Duplicates and already-revoked rules count as done. */
export async function applySecurityGroupPlan(
  ec2: EC2Client,
  groupId: string,
  drift: SecurityGroupDrift,
): Promise<void> {
  const tolerate = (name: string) => (err: unknown) => {
    if (!isNamed(err, name)) throw err;
  };
  const GroupId = groupId;
  if (drift.extraEgress.length) {
    await ec2
      .send(new RevokeSecurityGroupEgressCommand({ GroupId, IpPermissions: toIpPermissions(drift.extraEgress) }))
      .catch(tolerate(AwsErrors.PermissionNotFound));
  }
  if (drift.extraIngress.length) {
    await ec2
      .send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: toIpPermissions(drift.extraIngress) }))
      .catch(tolerate(AwsErrors.PermissionNotFound));
  }
  if (drift.missingIngress.length) {
    await ec2
      .send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: toIpPermissions(drift.missingIngress) }))
      .catch(tolerate(AwsErrors.PermissionDuplicate));
  }
  if (drift.missingEgress.length) {
    await ec2
      .send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: toIpPermissions(drift.missingEgress) }))
      .catch(tolerate(AwsErrors.PermissionDuplicate));
  }
}

export function createSecurityGroupActivities(clients: AwsClients) {
  /**
   * Creates `peering-<pcx>` in the side's VPC, or finds the one an earlier attempt made, and gives
   * it exactly the planned rules. The default allow-all egress rule is removed.
   */
  async function ensurePeeringSecurityGroup(
    input: EnsureSecurityGroupInput,
  ): Promise<{ securityGroupId: string; created: ResourceRef[] }> {
    const ec2 = clients.ec2(input.region, input.roleArn);
    let group = await findPeeringSecurityGroup(ec2, input.vpcId, input.peeringConnectionId);
    if (!group) {
      try {
        const out = await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: securityGroupName(input.peeringConnectionId),
            Description: `Traffic over VPC peering ${input.peeringConnectionId}`,
            VpcId: input.vpcId,
            TagSpecifications: tagSpec('security-group', {
              ...input.tags,
              Name: securityGroupName(input.peeringConnectionId),
            }),
          }),
        );
        // A new group has only the default egress rule; no need to read it back.
        group = {
          GroupId: out.GroupId!,
          IpPermissions: [],
          IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        };
      } catch (err) {
        if (!isNamed(err, AwsErrors.GroupDuplicate)) throw err;
        group = await findPeeringSecurityGroup(ec2, input.vpcId, input.peeringConnectionId);
        if (!group) throw err;
      }
    }
    const drift = securityGroupDrift(group, input.plan);
    if (hasDrift(drift)) await applySecurityGroupPlan(ec2, group.GroupId!, drift);
    return {
      securityGroupId: group.GroupId!,
      created: [{ type: 'security-group', region: input.region, id: group.GroupId! }],
    };
  }

  return { ensurePeeringSecurityGroup };
}
