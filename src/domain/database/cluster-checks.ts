/**
 * The Aurora protection's decisions on what AWS answered, before anything is changed: whether the
 * source cluster can lead a global database, which global cluster it joins, where the secondary
 * goes and what its group admits. Pure; each refusal names the request field and the reason.
 */
import type { InvalidField } from '../validation';
import {
  type ClusterFacts,
  type ClusterProtectionRequest,
  defaultGlobalClusterId,
  DEFAULT_READER_CLASS,
  type GlobalClusterFacts,
  readerInstanceId,
} from './cluster-types';
import { securityGroupName, subnetGroupName } from './names';
import type { NetworkFacts } from './types';
import { networkProblemOf } from './checks';

export interface ClusterProtectionPlan {
  sourceArn: string;
  engine: string;
  engineVersion: string;
  port: number;
  globalClusterIdentifier: string;
  /** False: the protection makes the global cluster from the source. */
  globalExists: boolean;
  vpcId: string;
  subnetIds: string[];
  allowFrom: string[];
  readerInstanceIdentifier: string;
  dbInstanceClass: string;
  subnetGroupName: string;
  securityGroupName: string;
}

type Decision<T> = { ok: true; value: T } | { ok: false; error: InvalidField };

function sourceProblem(req: ClusterProtectionRequest, source: ClusterFacts | null): InvalidField | undefined {
  const { region, dbClusterIdentifier: id } = req.source;
  const field = 'source.dbClusterIdentifier';
  if (!source) return { field, reason: `no DB cluster ${id} in ${region}` };
  if (!source.engine.startsWith('aurora'))
    return { field, reason: `${id} runs ${source.engine}; a global database is made of Aurora clusters` };
  if (source.status !== 'available')
    return { field, reason: `${id} is ${source.status}; it must be available to lead a global database` };
  if (!source.members.some((m) => m.writer)) return { field, reason: `${id} has no writer instance` };
  if (!source.port) return { field, reason: `${id} reports no endpoint port` };
  return undefined;
}

/**
 * The global cluster the source joins: the one it is in, or the named (or default) one, which
 * must not exist yet unless it already holds the source. Every member runs the same engine version.
 */
function globalProblem(
  req: ClusterProtectionRequest,
  source: ClusterFacts,
  global: GlobalClusterFacts | null,
  members: ClusterFacts[],
): InvalidField | undefined {
  const field = 'globalClusterIdentifier';
  const wanted = req.globalClusterIdentifier;
  if (source.globalClusterIdentifier && wanted && wanted !== source.globalClusterIdentifier)
    return { field, reason: `${source.dbClusterIdentifier} is already a member of ${source.globalClusterIdentifier}` };
  if (!global) return undefined;
  const isMember = global.members.some((m) => m.arn === source.arn);
  if (!isMember)
    return {
      field,
      reason: `global cluster ${global.globalClusterIdentifier} exists without ${source.dbClusterIdentifier}; name another one`,
    };
  const writer = global.members.find((m) => m.writer);
  if (writer?.arn !== source.arn)
    return {
      field: 'source.dbClusterIdentifier',
      reason: `${source.dbClusterIdentifier} is a secondary of ${global.globalClusterIdentifier}; protect from its writer`,
    };
  const versions = [global.engineVersion, source.engineVersion, ...members.map((m) => m.engineVersion)];
  const differ = members.find((m) => m.engineVersion !== source.engineVersion);
  if (global.engineVersion !== source.engineVersion || differ)
    return {
      field: 'source.dbClusterIdentifier',
      reason: `the engine versions of ${global.globalClusterIdentifier} differ (${[...new Set(versions)].join(', ')}); finish the upgrade first`,
    };
  return undefined;
}

/** What to make, or the request field that stops it. */
export function planClusterProtection(
  req: ClusterProtectionRequest,
  facts: { source: ClusterFacts | null; global: GlobalClusterFacts | null; members: ClusterFacts[] },
  network: NetworkFacts,
  where: { subnetIds: string[]; peerCidrs: string[] },
): Decision<ClusterProtectionPlan> {
  const { source, global } = facts;
  const problem =
    sourceProblem(req, source) ??
    (source ? globalProblem(req, source, global, facts.members) : undefined) ??
    networkProblemOf('vpcId' in req.replica.network, network, where.subnetIds);
  if (problem || !source) return { ok: false, error: problem ?? { field: 'source', reason: 'not found' } };
  const id = req.replica.dbClusterIdentifier;
  return {
    ok: true,
    value: {
      sourceArn: source.arn,
      engine: source.engine,
      engineVersion: source.engineVersion,
      port: source.port!,
      globalClusterIdentifier:
        source.globalClusterIdentifier ??
        req.globalClusterIdentifier ??
        defaultGlobalClusterId(source.dbClusterIdentifier),
      globalExists: global !== null,
      vpcId: network.vpcId,
      subnetIds: where.subnetIds,
      allowFrom: req.replica.allowFrom ?? [...new Set([...network.cidrBlocks, ...where.peerCidrs])],
      readerInstanceIdentifier: readerInstanceId(id),
      dbInstanceClass: req.replica.dbInstanceClass ?? DEFAULT_READER_CLASS,
      subnetGroupName: subnetGroupName(id),
      securityGroupName: securityGroupName(id),
    },
  };
}

/** The global cluster to read before planning: the source's, or the named (or default) one. */
export const globalToRead = (req: ClusterProtectionRequest, source: ClusterFacts | null): string =>
  source?.globalClusterIdentifier ??
  req.globalClusterIdentifier ??
  defaultGlobalClusterId(req.source.dbClusterIdentifier);
