/**
 * Destructive calls on what this tool neither made nor was given: another team's database, group,
 * service, route table, network ACL, zone, record or role. The code never makes them, so their
 * contexts are written here, in the shape iam-requests.ts gives real calls; each must be denied.
 */
import { ACCOUNT } from './coming';
import { requestTags, type Context, type IamRequest, type PolicyName } from './requests';

export interface OutOfScope extends IamRequest {
  what: string;
  policy: PolicyName;
}

const PARTNER = '222222222222';
const UNTAGGED = {};
const OPTED_IN = { 'aws:ResourceTag/vpc-peering:managed': 'true' };
const OTHER_TEAM = { 'aws:ResourceTag/Team': 'payments' };
const db = (id: string) => `arn:aws:rds:eu-west-1:${ACCOUNT}:db:${id}`;
const group = `arn:aws:autoscaling:eu-west-1:${ACCOUNT}:autoScalingGroup:1b2c3d4e-1111-2222-3333-444455556666:autoScalingGroupName/payments-web`;
const service = `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/payments/api`;
const cluster = { 'ecs:cluster': `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/payments` };

function denied(
  what: string,
  action: string,
  resource: string,
  context: Context,
  policy: PolicyName = 'worker',
  account = ACCOUNT,
): OutOfScope {
  return {
    what,
    policy,
    action,
    resource,
    resourceAccount: account,
    context: { 'aws:PrincipalAccount': account, ...context },
  };
}

/** The DR zone and record the operator configured for the worker (the placeholders' values). */
export const DR_ZONE = 'Z0123456789ABCDEFGHIJ';
export const DR_RECORD = 'app.abc.example';
const change = (zone: string, names: string[], types: string[], actions = ['UPSERT']) =>
  denied('', 'route53:ChangeResourceRecordSets', `arn:aws:route53:::hostedzone/${zone}`, {
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': names,
    'route53:ChangeResourceRecordSetsRecordTypes': types,
    'route53:ChangeResourceRecordSetsActions': actions,
  });

export const OUT_OF_SCOPE: OutOfScope[] = [
  denied('promote an untagged database', 'rds:PromoteReadReplica', db('payroll-db'), UNTAGGED),
  denied('delete an untagged database', 'rds:DeleteDBInstance', db('payroll-db'), UNTAGGED),
  denied('rename an untagged database', 'rds:ModifyDBInstance', db('payroll-db'), UNTAGGED),
  denied('stop an untagged database', 'rds:StopDBInstance', db('payroll-db'), UNTAGGED),
  denied('stop an opted-in primary that was never retired', 'rds:StopDBInstance', db('abc-db'), OPTED_IN),
  denied('delete an opted-in database', 'rds:DeleteDBInstance', db('abc-db'), OPTED_IN),
  denied('delete an opted-in database that also carries a protection tag', 'rds:DeleteDBInstance', db('abc-db'), {
    ...OPTED_IN,
    'aws:ResourceTag/vpc-peering:protection-id': 'claimed',
  }),
  denied('claim an opted-in database as a protection', 'rds:AddTagsToResource', db('abc-db'), {
    ...OPTED_IN,
    ...requestTags({ 'vpc-peering:protection-id': 'claimed' }),
  }),
  denied(
    'mark an untagged database promoted',
    'rds:AddTagsToResource',
    db('payroll-db'),
    requestTags({ 'vpc-peering:promoted-by': 'x' }),
  ),
  denied(
    'create a replica without the protection tag',
    'rds:CreateDBInstanceReadReplica',
    db('copy-of-payroll'),
    requestTags({ Project: 'x' }),
  ),
  denied('create a publicly accessible replica', 'rds:CreateDBInstanceReadReplica', db('abc-db-replica'), {
    ...requestTags({ 'vpc-peering:protection-id': 'p' }),
    'rds:PubliclyAccessible': 'true',
  }),
  denied(
    'delete a subnet group the tool did not make',
    'rds:DeleteDBSubnetGroup',
    `arn:aws:rds:eu-west-1:${ACCOUNT}:subgrp:payroll-subnets`,
    UNTAGGED,
  ),
  denied(
    'delete an untagged Aurora cluster',
    'rds:DeleteDBCluster',
    `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:payroll-aurora`,
    UNTAGGED,
  ),
  denied(
    'fail over an untagged global cluster',
    'rds:FailoverGlobalCluster',
    `arn:aws:rds::${ACCOUNT}:global-cluster:payroll-global`,
    UNTAGGED,
  ),
  denied("scale another team's Auto Scaling group", 'autoscaling:SetDesiredCapacity', group, OTHER_TEAM),
  denied("resize another team's Auto Scaling group", 'autoscaling:UpdateAutoScalingGroup', group, {
    ...OTHER_TEAM,
    'autoscaling:MaxSize': '10',
  }),
  denied('swap the launch configuration of an opted-in group', 'autoscaling:UpdateAutoScalingGroup', group, {
    ...OPTED_IN,
    'autoscaling:LaunchConfigurationName': 'miner',
  }),
  denied("scale another team's ECS service", 'ecs:UpdateService', service, { ...OTHER_TEAM, ...cluster }),
  denied('swap the task definition of an opted-in service', 'ecs:UpdateService', service, {
    ...OPTED_IN,
    ...cluster,
    'ecs:task-definition': `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/miner:1`,
  }),
  denied('turn on ECS Exec in an opted-in service', 'ecs:UpdateService', service, {
    ...OPTED_IN,
    ...cluster,
    'ecs:enable-execute-command': 'true',
  }),
  denied(
    'add a route to a table not opted in',
    'ec2:CreateRoute',
    `arn:aws:ec2:eu-west-1:${ACCOUNT}:route-table/rtb-0payments000000001`,
    OTHER_TEAM,
  ),
  denied(
    'delete a route from a table not opted in',
    'ec2:DeleteRoute',
    `arn:aws:ec2:eu-west-1:${ACCOUNT}:route-table/rtb-0payments000000001`,
    UNTAGGED,
  ),
  denied(
    'delete an entry of a network ACL not opted in',
    'ec2:DeleteNetworkAclEntry',
    `arn:aws:ec2:eu-west-1:${ACCOUNT}:network-acl/acl-0payments000000001`,
    UNTAGGED,
  ),
  denied(
    'claim a table another setup claimed',
    'ec2:CreateTags',
    `arn:aws:ec2:eu-west-1:${ACCOUNT}:route-table/rtb-0other00000000001`,
    {
      'aws:ResourceTag/vpc-peering:setup-id': 'other-setup',
      ...requestTags({ 'vpc-peering:setup-id': 'mine' }),
    },
  ),
  denied(
    'opt a table in by itself',
    'ec2:CreateTags',
    `arn:aws:ec2:eu-west-1:${ACCOUNT}:route-table/rtb-0payments000000001`,
    requestTags({ 'vpc-peering:managed': 'true' }),
  ),
  denied(
    'delete a route from a partner table not opted in, through the requester role',
    'ec2:DeleteRoute',
    `arn:aws:ec2:us-east-1:${PARTNER}:route-table/rtb-0partner000000001`,
    UNTAGGED,
    'requester',
    PARTNER,
  ),
  denied(
    'add an ACL entry to a partner ACL not opted in, through the accepter role',
    'ec2:CreateNetworkAclEntry',
    `arn:aws:ec2:eu-west-1:${PARTNER}:network-acl/acl-0partner000000001`,
    UNTAGGED,
    'accepter',
    PARTNER,
  ),
  { ...change('Z9OTHERZONE00000000', [DR_RECORD], ['CNAME']), what: 'change a record in another hosted zone' },
  { ...change(DR_ZONE, ['payments.abc.example'], ['CNAME']), what: 'change another name in the DR zone' },
  {
    ...change(DR_ZONE, [DR_RECORD, 'payments.abc.example'], ['CNAME']),
    what: 'change another name along with the DR record',
  },
  { ...change(DR_ZONE, [DR_RECORD], ['TXT']), what: 'change a TXT record of the DR name' },
  denied('assume a role outside role/vpc-peering-*', 'sts:AssumeRole', `arn:aws:iam::${PARTNER}:role/payments-admin`, {
    'sts:RoleSessionName': 'vpc-peering-x',
    'sts:ExternalId': 'x',
  }),
  denied(
    'publish to a topic the operator did not name',
    'sns:Publish',
    `arn:aws:sns:us-west-2:${ACCOUNT}:payments-alerts`,
    UNTAGGED,
  ),
  denied(
    'grant on a KMS key outside RDS',
    'kms:CreateGrant',
    `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    { 'kms:GrantIsForAWSResource': 'false' },
  ),
];
