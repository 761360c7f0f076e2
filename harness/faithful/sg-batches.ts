/**
 * Security-group batches as AWS applies them: all or nothing. moto adds the permissions of an
 * AuthorizeSecurityGroupIngress/Egress call one by one and stops at the first duplicate, keeping
 * those before it. AWS checks the whole request first and adds nothing when it refuses:
 * - a rule that already exists in the group: `InvalidPermission.Duplicate`, worded `the specified
 *   rule "peer: 10.0.0.0/16, TCP, from port: 443, to port: 443, ALLOW" already exists` (`"peer:
 *   0.0.0.0/0, ALL, ALLOW"` for all traffic), as AWS answers in hashicorp/terraform#1874,
 *   terraform-aws-modules/terraform-aws-security-group#351 and lucidsoftware/cumulus#101;
 * - the same rule twice in one request: `InvalidParameterValue: The same permission must not
 *   appear multiple times` (aws/aws-sdk-go#1340, hashicorp/terraform-provider-aws#2587 and #29492);
 * - a request that would pass the quota of rules per group and direction:
 *   `RulesPerSecurityGroupLimitExceeded` (EC2 error codes; Amazon VPC quotas: 60 inbound and 60
 *   outbound rules per security group).
 * The EC2 error codes page (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)
 * lists the three codes.
 */
import { DescribeSecurityGroupsCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { ec2Error } from './ec2-error';
import { Refusal } from './refusal';
import { groupRules, requestedRules, ruleKey, type RuleEntry } from './params';

const AUTHORIZE = /^AuthorizeSecurityGroup(Ingress|Egress)$/;

function describeRule(rule: RuleEntry): string {
  if (rule.protocol === '-1') return `peer: ${rule.source}, ALL, ALLOW`;
  return `peer: ${rule.source}, ${rule.protocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW`;
}

export class SecurityGroupBatches extends Refusal {
  async refuse(call: AwsCall): Promise<Answer | undefined> {
    const direction = AUTHORIZE.exec(call.action)?.[1];
    const groupId = call.params.get('GroupId');
    if (call.service !== 'ec2' || !direction || !groupId) return undefined;
    const group = await this.group(call, groupId);
    if (!group) return undefined; // moto answers InvalidGroup.NotFound
    const existing = groupRules(direction === 'Ingress' ? group.IpPermissions : group.IpPermissionsEgress);
    const have = new Set(existing.map(ruleKey));
    const seen = new Set<string>();
    for (const rule of requestedRules(call.params)) {
      const key = ruleKey(rule);
      if (seen.has(key)) {
        this.ctx.inject('batch-duplicate');
        return ec2Error('InvalidParameterValue', 'The same permission must not appear multiple times');
      }
      if (have.has(key)) {
        this.ctx.inject('batch-duplicate');
        return ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(rule)}" already exists`);
      }
      seen.add(key);
    }
    if (existing.length + seen.size > this.quotas.rulesPerGroupDirection) {
      this.ctx.inject('quota');
      return ec2Error(
        'RulesPerSecurityGroupLimitExceeded',
        'The maximum number of rules per security group has been reached.',
      );
    }
    return undefined;
  }

  private async group(call: AwsCall, groupId: string): Promise<SecurityGroup | undefined> {
    const ec2 = await this.moto.asCaller(call.region, call.accessKeyId);
    try {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      return out.SecurityGroups?.find((g) => g.GroupId === groupId);
    } catch {
      return undefined;
    }
  }
}
