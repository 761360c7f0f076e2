/**
 * THE CALLS THIS RELEASE'S CODE WILL MAKE, NOT YET RECORDED: src/ does not fail over Aurora or tag
 * what a failover promotes yet, and no recorded run here creates a mesh VPC (protect, unprotect,
 * re-protect, the promotion rehearsal, the recovery reads and a setup's table claims are recorded
 * from real runs in test/iam/policy-evaluation.test.ts; the KMS calls RDS makes for an encrypted
 * replica stay here). Their request contexts are built from the shapes of shared CONTRACT.md: the
 * ARNs it names, everything a protection creates tagged `vpc-peering:protection-id=<workflow id>`,
 * the primary opted in with `vpc-peering:managed=true`. When the code lands, replace each entry
 * with the calls a recorded run makes (recorder.ts), and empty this table.
 */
import type { Context, IamRequest } from './requests';
import { requestTags } from './requests';

export const ACCOUNT = '123456789012';
const PRIMARY = 'us-east-1';
const DR = 'eu-west-1';
const db = (region: string, id: string) => `arn:aws:rds:${region}:${ACCOUNT}:db:${id}`;
const rds = (region: string, kind: string, id: string) => `arn:aws:rds:${region}:${ACCOUNT}:${kind}:${id}`;
const GLOBAL = `arn:aws:rds::${ACCOUNT}:global-cluster:abc-aurora-global`;
const OPTED_IN = { 'aws:ResourceTag/vpc-peering:managed': 'true' };
const tagged = (id: string): Context => ({ 'aws:ResourceTag/vpc-peering:protection-id': id });
const creating = (id: string) => requestTags({ 'vpc-peering:protection-id': id, Project: 'abc-dr' });

export interface ComingCall extends IamRequest {
  /** The contract step it serves. */
  why: string;
}

function call(why: string, action: string, resource: string, context: Context = {}): ComingCall {
  return { why, action, resource, resourceAccount: ACCOUNT, context: { 'aws:PrincipalAccount': ACCOUNT, ...context } };
}

/** The placeholders an operator of ABC Corp's DR fills in (README, "IAM"). */
export const COMING_PLACEHOLDERS = { '<NOTIFY_TOPIC_ARN>': `arn:aws:sns:us-west-2:${ACCOUNT}:abc-dr-events` };

const P = 'abc-db-protection';
const R = 'abc-db-reprotection';
const A = 'abc-aurora-protection';
export const COMING_CALLS: ComingCall[] = [
  // ProtectDatabase of an encrypted source: RDS uses the DR region's key with the caller's permissions
  // (forward access), never src/ itself, so no recorded run on moto shows these two calls.
  call(
    'protect: KMS key in the DR region (by RDS)',
    'kms:CreateGrant',
    `arn:aws:kms:${DR}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    {
      'kms:ViaService': `rds.${DR}.amazonaws.com`,
      'kms:GrantIsForAWSResource': 'true',
    },
  ),
  call(
    'protect: KMS key described (by RDS)',
    'kms:DescribeKey',
    `arn:aws:kms:${DR}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    {
      'kms:ViaService': `rds.${DR}.amazonaws.com`,
    },
  ),
  // FailoverToRegion, the data side and recovery.
  call('failover: promote the replica', 'rds:PromoteReadReplica', db(DR, 'abc-db-replica'), tagged(P)),
  call('failover: mark it promoted', 'rds:AddTagsToResource', db(DR, 'abc-db-replica'), {
    ...tagged(P),
    ...requestTags({ 'vpc-peering:promoted-by': 'abc-failover', 'vpc-peering:promoted-from': PRIMARY }),
  }),
  // A mesh's VPC: its default ACL claimed with the mesh tag as well. src/ makes this claim
  // (ensureVpc), but no recorded run here creates a mesh VPC; a setup's own claims are recorded.
  call(
    'mesh: claim its VPC default ACL',
    'ec2:CreateTags',
    `arn:aws:ec2:${DR}:${ACCOUNT}:network-acl/acl-0123456789abcdef0`,
    requestTags({ 'vpc-peering:setup-id': 'abc-mesh', 'vpc-peering:mesh-id': 'abc-mesh' }),
  ),
];

/**
 * Aurora Global Database: src/ makes these calls now (src/activities/database/cluster-*.ts,
 * src/activities/failover/global-cluster.ts; test/database/aurora-*.test.ts and
 * test/failover/aurora-failover.test.ts run them behind the layer), but they are still evaluated
 * from the contract's shapes, not recorded: the layer keeps no tags on a global cluster (moto has
 * none, and the layer serves global clusters itself), so a recorded call would show none of the
 * resource tags the policy's conditions read. abc-aurora (opted in) with a secondary abc-aurora-dr.
 */
export const AURORA_CALLS: ComingCall[] = [
  call('aurora: global cluster', 'rds:CreateGlobalCluster', GLOBAL, creating(A)),
  call('aurora: from the source cluster', 'rds:CreateGlobalCluster', rds(PRIMARY, 'cluster', 'abc-aurora'), {
    ...creating(A),
    ...OPTED_IN,
  }),
  call('aurora: its tags', 'rds:AddTagsToResource', GLOBAL, creating(A)),
  call('aurora: secondary cluster', 'rds:CreateDBCluster', rds(DR, 'cluster', 'abc-aurora-dr'), creating(A)),
  call('aurora: secondary in the global cluster', 'rds:CreateDBCluster', GLOBAL, { ...creating(A), ...tagged(A) }),
  call('aurora: secondary in its subnet group', 'rds:CreateDBCluster', rds(DR, 'subgrp', 'abc-aurora-dr-subnets'), {
    ...creating(A),
    ...tagged(A),
  }),
  call('aurora: reader', 'rds:CreateDBInstance', db(DR, 'abc-aurora-dr-reader'), creating(A)),
  call('aurora: reader in the secondary', 'rds:CreateDBInstance', rds(DR, 'cluster', 'abc-aurora-dr'), {
    ...creating(A),
    ...tagged(A),
  }),
  call('aurora: read', 'rds:DescribeGlobalClusters', GLOBAL),
  call('aurora: read', 'rds:DescribeDBClusters', rds(DR, 'cluster', 'abc-aurora-dr')),
  call('aurora: unplanned failover', 'rds:FailoverGlobalCluster', GLOBAL, tagged(A)),
  call('aurora: to the secondary', 'rds:FailoverGlobalCluster', rds(DR, 'cluster', 'abc-aurora-dr'), tagged(A)),
  call('aurora: planned back', 'rds:SwitchoverGlobalCluster', GLOBAL, tagged(A)),
  call(
    'aurora: to the opted-in source',
    'rds:SwitchoverGlobalCluster',
    rds(PRIMARY, 'cluster', 'abc-aurora'),
    OPTED_IN,
  ),
  call(
    'aurora reprotect: snapshots read',
    'rds:DescribeDBClusterSnapshots',
    rds(PRIMARY, 'cluster-snapshot', 'rds:unplanned-global-failover-abc-aurora-2026-12-07-00-00'),
  ),
  call(
    'aurora reprotect: keep the lost writes',
    'rds:CopyDBClusterSnapshot',
    rds(PRIMARY, 'cluster-snapshot', 'rds:unplanned-global-failover-abc-aurora-2026-12-07-00-00'),
    creating(R),
  ),
  call(
    'aurora reprotect: the copy',
    'rds:CopyDBClusterSnapshot',
    rds(PRIMARY, 'cluster-snapshot', 'lost-writes-abc-aurora-2026-12-07-00-00'),
    creating(R),
  ),
  call('aurora unprotect: leave the global cluster', 'rds:RemoveFromGlobalCluster', GLOBAL, tagged(A)),
  call(
    'aurora unprotect: the secondary',
    'rds:RemoveFromGlobalCluster',
    rds(DR, 'cluster', 'abc-aurora-dr'),
    tagged(A),
  ),
  call('aurora unprotect: delete it', 'rds:DeleteDBCluster', rds(DR, 'cluster', 'abc-aurora-dr'), tagged(A)),
  call('aurora unprotect: its reader', 'rds:DeleteDBInstance', db(DR, 'abc-aurora-dr-reader'), tagged(A)),
  call('aurora rollback: the global cluster it made', 'rds:DeleteGlobalCluster', GLOBAL, tagged(A)),
  call(
    'aurora rollback: the source leaves it',
    'rds:RemoveFromGlobalCluster',
    rds(PRIMARY, 'cluster', 'abc-aurora'),
    OPTED_IN,
  ),
];

/** Actions the policy grants for these coming calls: the IAM test's static check expects them unused until then. */
export const COMING_ACTIONS = [...new Set(COMING_CALLS.map((c) => c.action))]
  .filter((a) => !a.startsWith('ec2:'))
  .sort();
