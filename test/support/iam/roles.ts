/**
 * The side roles' policies (policy/requester-role-policy.json, accepter-role-policy.json) against
 * the calls really made through each role: a setup where the requester's VPC is created and the
 * accepter's exists, one the other way round, their teardowns, and a mesh plan over both roles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MeshRequest } from '../../../src/domain/mesh/types';
import type { PeeringRequest } from '../../../src/domain/peering/types';
import { CreateTagsCommand, DescribeNetworkAclsCommand, DescribeRouteTablesCommand } from '@aws-sdk/client-ec2';
import { ec2In, partnerRoles, PARTNER_ACCOUNT } from '../accounts';
import { uniqueId, type TestWorker } from '../harness';
import { existingNetwork } from '../real-networks';
import { runSetup, runTeardown } from '../setup-runs';
import { ROOT } from '../../../harness/stack';

export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export const ROLE_POLICIES = {
  requester: 'requester-role-policy.json',
  accepter: 'accepter-role-policy.json',
} as const;

export const EXTERNAL_ID = 'iam-test-5b1e0c77';
const SETUP_TAG = 'vpc-peering:setup-id';
const OWN = '${aws:PrincipalAccount}';
const PARTNER = { requester: '<ACCEPTER_ACCOUNT_ID>', accepter: '<REQUESTER_ACCOUNT_ID>' } as const;

/**
 * Allowed though these runs do not make them, each for a reason a test elsewhere exercises; each
 * must still be a call the code makes (the static scan finds it).
 */
const ALSO_POSSIBLE: Record<string, string> = {
  'ec2:AssociateVpcCidrBlock': 'an IPv6 setup run again over a VPC it made without IPv6 (setup-ipv6.test.ts)',
  'ec2:RevokeSecurityGroupIngress': 'a drift repair revoking a rule added out of band (dr-drill.test.ts)',
  'logs:FilterLogEvents': "a cost report reading the side's flow logs in its account (cost-report.test.ts)",
  'servicequotas:GetAWSDefaultServiceQuota':
    "AWS's default, read where the account never changed a quota (NoSuchResourceException, service-quotas.ts)",
};
/**
 * Authorized with another call: tag-on-create as CreateTags (EC2) and TagResource (a log group's
 * tags), and PassRole with CreateFlowLogs (the delivery role).
 */
const IMPLIED = new Set(['ec2:CreateTags', 'logs:TagResource', 'iam:PassRole']);
const CREATES = ['ec2:CreateVpc', 'ec2:CreateSubnet', 'ec2:CreateSecurityGroup', 'ec2:CreateVpcPeeringConnection'];
const DELETES = ['ec2:DeleteVpc', 'ec2:DeleteSubnet', 'ec2:DeleteSecurityGroup', 'ec2:DeleteVpcPeeringConnection'];
const PEERING = [
  'ec2:AcceptVpcPeeringConnection',
  'ec2:ModifyVpcPeeringConnectionOptions',
  'ec2:CreateVpcPeeringConnection',
];

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

export function rolePolicy(side: keyof typeof ROLE_POLICIES): Statement[] {
  const file = path.join(ROOT, 'policy', ROLE_POLICIES[side]);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { Statement: Statement[] }).Statement;
}

/** Both directions, and the scopes: what the role is missing, what it grants unused, what is not scoped. */
export function rolePolicyFindings(
  side: keyof typeof ROLE_POLICIES,
  recorded: Set<string>,
  statics: Map<string, string[]>,
): { missing: string[]; unused: string[]; unscoped: string[] } {
  const statements = rolePolicy(side);
  const allowed = new Set(statements.flatMap((s) => list(s.Action)));
  const missing = [...recorded].filter((op) => !allowed.has(op)).sort();
  const unused = [...allowed]
    .filter((a) => !recorded.has(a) && !IMPLIED.has(a) && !(ALSO_POSSIBLE[a] && statics.has(a)))
    .sort();
  const unscoped: string[] = [];
  for (const s of statements) {
    const actions = list(s.Action);
    if (actions.some((a) => a.includes('*'))) unscoped.push(`${s.Sid}: a wildcard action`);
    for (const r of list(s.Resource)) {
      const readOnly = actions.every((a) => /:(Describe|Get)/.test(a));
      if (
        r === '*'
          ? !readOnly
          : !r.includes(`:${OWN}:`) && !r.includes(`:${PARTNER[side]}:`) && !r.includes(':*:vpc-peering-connection/')
      )
        unscoped.push(`${s.Sid}: resource ${r} is not the role's own account or its partner's`);
    }
    const has = (key: string) => s.Condition?.Null?.[key] === 'false';
    // A VPC is named as a create's parent (or peer); what is created must carry the setup tag.
    const created = list(s.Resource).some((r) => !r.endsWith(':vpc/*'));
    if (actions.some((a) => CREATES.includes(a)) && created && !has(`aws:RequestTag/${SETUP_TAG}`))
      unscoped.push(`${s.Sid}: creates without the setup tag`);
    if (actions.some((a) => DELETES.includes(a)) && !has(`aws:ResourceTag/${SETUP_TAG}`))
      unscoped.push(`${s.Sid}: deletes what no setup tagged`);
    if (
      actions.some((a) => PEERING.includes(a)) &&
      list(s.Resource).some((r) => r.includes(':vpc-peering-connection/'))
    ) {
      const arn = s.Condition?.ArnLike;
      const own = side === 'accepter' ? arn?.['ec2:AccepterVpc'] : arn?.['ec2:RequesterVpc'];
      const peer = side === 'accepter' ? arn?.['ec2:RequesterVpc'] : arn?.['ec2:AccepterVpc'];
      if (own !== `arn:aws:ec2:*:${OWN}:vpc/*` || peer !== `arn:aws:ec2:*:${PARTNER[side]}:vpc/*`)
        unscoped.push(`${s.Sid}: a peering not limited to its own VPC and the partner account's`);
    }
  }
  return { missing, unused, unscoped };
}

/**
 * The operator's opt-in (README, "IAM"): the VPC's main route table and default network ACL tagged
 * `vpc-peering:managed=true`.
 */
export async function optInTables(region: string, vpcId: string, account?: string): Promise<void> {
  const ec2 = ec2In(region, account);
  const filters = (extra: string) => [
    { Name: 'vpc-id', Values: [vpcId] },
    { Name: extra, Values: ['true'] },
  ];
  const [tables, acls] = await Promise.all([
    ec2.send(new DescribeRouteTablesCommand({ Filters: filters('association.main') })),
    ec2.send(new DescribeNetworkAclsCommand({ Filters: filters('default') })),
  ]);
  const ids = [
    ...(tables.RouteTables ?? []).filter((t) => t.VpcId === vpcId).map((t) => t.RouteTableId!),
    ...(acls.NetworkAcls ?? []).filter((a) => a.VpcId === vpcId).map((a) => a.NetworkAclId!),
  ];
  if (ids.length !== 2)
    throw new Error(`${vpcId}: expected a main route table and a default ACL, found ${ids.join(', ')}`);
  await ec2.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: 'vpc-peering:managed', Value: 'true' }] }));
}

/**
 * Both roles in the partner account, used the two ways a side can be (a VPC created, a VPC given),
 * torn down, and read by a mesh plan. Answers the roles' ARNs. With `optIn`, the given VPCs' tables
 * are opted in first, as an operator of a scoped side role does.
 */
export async function crossAccountRuns(
  w: TestWorker,
  optIn = false,
): Promise<Record<keyof typeof ROLE_POLICIES, string>> {
  const roles = await partnerRoles(uniqueId('iam'), EXTERNAL_ID);
  const existing = {
    requester: await existingNetwork({ region: 'us-east-1', cidrBlock: '10.92.0.0/16', account: PARTNER_ACCOUNT }),
    accepter: await existingNetwork({ region: 'eu-west-1', cidrBlock: '10.93.0.0/16', account: PARTNER_ACCOUNT }),
  };
  if (optIn) {
    await optInTables('us-east-1', existing.requester.vpcId, PARTNER_ACCOUNT);
    await optInTables('eu-west-1', existing.accepter.vpcId, PARTNER_ACCOUNT);
  }
  const through = (role: keyof typeof roles) => ({ roleArn: roles[role], externalId: EXTERNAL_ID });
  const allow: PeeringRequest['allow'] = [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }];
  // The first with flow logs, delivered by a role of the partner account (each side's own).
  const delivery = `arn:aws:iam::${PARTNER_ACCOUNT}:role/vpc-peering-flow-logs`;
  const runs: PeeringRequest[] = [
    {
      flowLogs: true,
      flowLogsRoleArn: delivery,
      requester: {
        region: 'us-east-1',
        cidrBlock: '10.94.0.0/16',
        subnets: [{ cidrBlock: '10.94.1.0/24', availabilityZone: 'us-east-1a' }],
        ...through('requester'),
      },
      accepter: { region: 'eu-west-1', vpcId: existing.accepter.vpcId, ...through('accepter') },
      allow,
    },
    {
      requester: { region: 'us-east-1', vpcId: existing.requester.vpcId, ...through('requester') },
      accepter: {
        region: 'eu-west-1',
        cidrBlock: '10.95.0.0/16',
        subnets: [{ cidrBlock: '10.95.1.0/24', availabilityZone: 'eu-west-1a' }],
        ...through('accepter'),
      },
      allow,
    },
  ];
  for (const request of runs) {
    const { id } = await runSetup(w, request);
    await runTeardown(w, { setupWorkflowId: id });
  }
  const mesh: MeshRequest = {
    vpcs: {
      primary: { region: 'us-east-1', vpcId: existing.requester.vpcId, ...through('requester') },
      dr: { region: 'eu-west-1', vpcId: existing.accepter.vpcId, ...through('accepter') },
    },
    topology: 'full-mesh',
    allow,
  };
  await w.client.workflow.execute('PlanPeeringMesh', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('iam-mesh-roles'),
    args: [mesh],
  });
  return roles;
}
