/**
 * The protection's decisions on what AWS answered, before anything is changed: whether the source
 * can be replicated, where the replica goes, what its group admits, and whether its names are free.
 * Pure, so each refusal is unit-tested; every refusal names the request field and the reason.
 */
import type { SetupRecord } from '../peering/types';
import type { InvalidField } from '../validation';
import { securityGroupName, subnetGroupName } from './names';
import type {
  DatabaseFacts,
  FoundResource,
  NetworkFacts,
  ProtectionInventory,
  ProtectionRequest,
  ReplicaSpec,
} from './types';

/** The engines whose instances RDS replicates across regions as read replicas. */
export const REPLICATED_ENGINES = ['mysql', 'mariadb', 'postgres'];

export interface ProtectionPlan {
  sourceArn: string;
  engine: string;
  port: number;
  vpcId: string;
  subnetIds: string[];
  /** What the replica's group admits on `port`. */
  allowFrom: string[];
  dbInstanceClass: string;
  kmsKeyId?: string;
  subnetGroupName: string;
  securityGroupName: string;
}

/** The network a setup gives the replica: its VPC in the replica's region, its subnets there, and its peer's CIDRs. */
export interface SetupNetwork {
  vpcId: string;
  subnetIds: string[];
  peerCidrs: string[];
}

type Decision<T> = { ok: true; value: T } | { ok: false; error: InvalidField };
const refuse = <T>(field: string, reason: string): Decision<T> => ({ ok: false, error: { field, reason } });

export function setupNetwork(record: SetupRecord, region: string): Decision<SetupNetwork> {
  const field = 'replica.network.setupWorkflowId';
  const id = record.locator.setupId ?? '(setup)';
  const result = record.result;
  if (!result) return refuse(field, `setup ${id} has not completed: it has no network to place the replica in`);
  const sides = [result.requester, result.accepter];
  const here = sides.filter((s) => s.region === region);
  if (here.length !== 1)
    return refuse(
      field,
      here.length
        ? `setup ${id} has both sides in ${region}; name the VPC and subnets with { vpcId, subnetIds }`
        : `setup ${id} has no side in ${region} (its sides are in ${sides.map((s) => s.region).join(' and ')})`,
    );
  const own = here[0]!;
  const peer = sides.find((s) => s !== own)!;
  const subnetIds = result.created.filter((r) => r.type === 'subnet' && r.region === region).map((r) => r.id);
  if (!subnetIds.length)
    return refuse(
      field,
      `setup ${id} made no subnets in ${region} (its VPC ${own.vpcId} was ${
        record.request[own === result.requester ? 'requester' : 'accepter'].vpcId ? 'given' : 'made without subnets'
      }); name subnets with { vpcId, subnetIds }`,
    );
  return { ok: true, value: { vpcId: own.vpcId, subnetIds, peerCidrs: peer.cidrBlocks ?? [peer.cidrBlock] } };
}

function sourceProblem(req: ProtectionRequest, source: DatabaseFacts | null): InvalidField | undefined {
  const { region, dbInstanceIdentifier: id } = req.source;
  const field = 'source.dbInstanceIdentifier';
  if (!source) return { field, reason: `no DB instance ${id} in ${region}` };
  if (source.status !== 'available')
    return { field, reason: `${id} is ${source.status}; it must be available to be replicated` };
  if (!REPLICATED_ENGINES.includes(source.engine))
    return {
      field,
      reason: `${id} runs ${source.engine}; cross-region read replicas are made of ${REPLICATED_ENGINES.join(', ')} instances`,
    };
  if (source.backupRetentionPeriod <= 0)
    return {
      field,
      reason: `${id} has automated backups off (BackupRetentionPeriod 0); RDS replicates only a source with backups on`,
    };
  if (source.encrypted && !req.replica.kmsKeyId)
    return {
      field: 'replica.kmsKeyId',
      reason: `${id} is encrypted; give a KMS key of ${req.replica.region} for the replica`,
    };
  if (!source.encrypted && req.replica.kmsKeyId)
    return { field: 'replica.kmsKeyId', reason: `${id} is not encrypted, so its replica cannot be` };
  if (!source.port) return { field, reason: `${id} reports no endpoint port` };
  return undefined;
}

function networkProblem(replica: ReplicaSpec, network: NetworkFacts, subnetIds: string[]): InvalidField | undefined {
  return networkProblemOf('vpcId' in replica.network, network, subnetIds);
}

/** The network's problem, if any; `named`: the request named the VPC and subnets (else a setup gave them). */
export function networkProblemOf(named: boolean, network: NetworkFacts, subnetIds: string[]): InvalidField | undefined {
  const field = named ? 'replica.network.subnetIds' : 'replica.network.setupWorkflowId';
  if (!network.found)
    return {
      field: named ? 'replica.network.vpcId' : field,
      reason: `VPC ${network.vpcId} not found in ${network.region}`,
    };
  if (network.missingSubnets.length)
    return { field, reason: `${network.missingSubnets.join(', ')} not found in ${network.region}` };
  const outside = network.subnets.filter((s) => s.vpcId !== network.vpcId).map((s) => s.subnetId);
  if (outside.length) return { field, reason: `${outside.join(', ')} not in ${network.vpcId}` };
  const zones = [
    ...new Set(network.subnets.filter((s) => subnetIds.includes(s.subnetId)).map((s) => s.availabilityZone)),
  ];
  if (zones.length < 2)
    return {
      field,
      reason: `the subnets are all in ${zones[0] ?? 'no zone'}; RDS needs subnets in at least two Availability Zones`,
    };
  return undefined;
}

/** What to make, or the request field that stops it. */
export function planProtection(
  req: ProtectionRequest,
  source: DatabaseFacts | null,
  network: NetworkFacts,
  where: { subnetIds: string[]; peerCidrs: string[] },
): Decision<ProtectionPlan> {
  const problem = sourceProblem(req, source) ?? networkProblem(req.replica, network, where.subnetIds);
  if (problem || !source) return { ok: false, error: problem ?? { field: 'source', reason: 'not found' } };
  const allowFrom = req.replica.allowFrom ?? [...new Set([...network.cidrBlocks, ...where.peerCidrs])];
  return {
    ok: true,
    value: {
      sourceArn: source.arn,
      engine: source.engine,
      port: source.port!,
      vpcId: network.vpcId,
      subnetIds: where.subnetIds,
      allowFrom,
      dbInstanceClass: req.replica.dbInstanceClass ?? source.dbInstanceClass,
      ...(req.replica.kmsKeyId ? { kmsKeyId: req.replica.kmsKeyId } : {}),
      subnetGroupName: subnetGroupName(req.replica.dbInstanceIdentifier),
      securityGroupName: securityGroupName(req.replica.dbInstanceIdentifier),
    },
  };
}

const whose = (found: FoundResource) => (found.owner ? `protection ${found.owner}` : 'no protection');

/**
 * A name already taken by something this protection did not make: said before any change. Its own
 * earlier work (the same workflow id) is not a conflict: the run carries on with it.
 */
export function protectionConflict(inventory: ProtectionInventory): string | undefined {
  const { replica, subnetGroup, securityGroup } = inventory;
  if (replica && !replica.ours)
    return `DB instance ${replica.ref.id} already exists in ${replica.ref.region} and was made by ${whose(replica)}; this protection will not touch it`;
  if (subnetGroup && !subnetGroup.ours)
    return `DB subnet group ${subnetGroup.ref.id} already exists in ${subnetGroup.ref.region} and was made by ${whose(subnetGroup)}`;
  if (securityGroup && !securityGroup.ours)
    return `security group ${securityGroup.ref.id} in ${securityGroup.ref.region} already has the replica's group name and was made by ${whose(securityGroup)}`;
  return undefined;
}
