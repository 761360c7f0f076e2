/**
 * The calls of an Aurora global database and what AWS refuses (global-clusters.ts holds the state):
 * - CreateGlobalCluster: a taken name is GlobalClusterAlreadyExistsFault; a source cluster that is
 *   missing is DBClusterNotFoundFault, one already in a global cluster InvalidDBClusterStateFault,
 *   and Engine given with a source InvalidParameterCombination ("don't specify values for the
 *   following settings because Amazon Aurora uses the values from the specified source DB cluster");
 * - Failover/Switchover: an unknown member DBClusterNotFoundFault; the writer itself, or an
 *   operation already under way, InvalidGlobalClusterStateFault; a headless target (no instance)
 *   InvalidDBClusterStateFault ("Before you can perform a switchover or failover to a headless
 *   secondary Aurora DB cluster, you must add a DB instance to it"); FailoverGlobalCluster without
 *   AllowDataLoss is a switchover ("If you don't specify AllowDataLoss, the global database cluster
 *   operation defaults to a switchover"), which "is designed to be used on an Aurora global database
 *   where all the Aurora clusters… are in a healthy state": refused while a member's region does
 *   not answer;
 * - RemoveFromGlobalCluster of the primary while secondaries remain, DeleteGlobalCluster of a
 *   global cluster with members: InvalidGlobalClusterStateFault;
 * - DeleteDBCluster of a member: a secondary "This cluster is a part of a global cluster, please
 *   remove it from globalcluster first" (InvalidDBClusterStateFault); the primary while others remain
 *   "Unable to delete cluster that is a primary member of global cluster while there are other
 *   global cluster members" (InvalidGlobalClusterStateFault), both as AWS answers them
 *   (terraform-provider-aws#8186 and #26236).
 */
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { GlobalDb } from './global-cluster-model';
import { type GlobalClusters } from './global-clusters';
import { type MotoReader } from './moto-reader';
import { field, parseRdsArn, rdsError, rdsResult } from './rds-xml';
import { type GlobalClusterTiming } from './timing';

const STATE = 'InvalidGlobalClusterStateFault';

export class GlobalClusterRules {
  constructor(
    private readonly globals: GlobalClusters,
    private readonly moto: MotoReader,
    private readonly timing: GlobalClusterTiming,
    private readonly answers: (region: string) => boolean,
  ) {}

  async refuse(call: AwsCall, account: string): Promise<Answer | undefined> {
    const p = call.params;
    const globalId = p.get('GlobalClusterIdentifier');
    if (call.action === 'CreateDBCluster' && globalId && !this.find(account, globalId))
      return this.globals.notFound(globalId);
    if (call.action !== 'DeleteDBCluster') return undefined;
    const arn = `arn:aws:rds:${call.region}:${account}:cluster:${(p.get('DBClusterIdentifier') ?? '').toLowerCase()}`;
    const membership = this.globals.membershipOf(account, arn);
    if (membership?.member?.writer && membership.db.members.length > 1)
      return rdsError(
        STATE,
        'Unable to delete cluster that is a primary member of global cluster while there are other global cluster members',
      );
    if (membership && !membership.member?.writer)
      return rdsError(
        'InvalidDBClusterStateFault',
        'This cluster is a part of a global cluster, please remove it from globalcluster first',
      );
    const until = this.globals.promoting.get(arn);
    if (until !== undefined && Date.now() < until && p.get('SkipFinalSnapshot') !== 'true')
      return rdsError(
        'InvalidDBClusterStateFault',
        `Can't create a snapshot because the database cluster ${p.get('DBClusterIdentifier')} isn't currently in the available state`,
      );
    return undefined;
  }

  async serve(call: AwsCall, account: string): Promise<Answer> {
    await this.globals.advance(account);
    const p = call.params;
    const id = (p.get('GlobalClusterIdentifier') ?? '').toLowerCase();
    if (call.action === 'CreateGlobalCluster') return this.create(call, account, id);
    if (call.action === 'DescribeGlobalClusters') {
      const dbs = id ? [this.find(account, id)] : this.globals.globalsOf(account);
      if (dbs.some((db) => !db)) return this.globals.notFound(id);
      const items = dbs.map((db) => this.globals.describeXml(db!, 'GlobalClusterMember')).join('');
      return rdsResult('DescribeGlobalClusters', `<GlobalClusters>${items}</GlobalClusters>`);
    }
    const db = this.find(account, id);
    if (!db) return this.globals.notFound(id);
    if (call.action === 'FailoverGlobalCluster' || call.action === 'SwitchoverGlobalCluster')
      return this.failover(call, db);
    if (call.action === 'RemoveFromGlobalCluster') {
      const member = db.member(p.get('DbClusterIdentifier') ?? '');
      if (!member)
        return rdsError('DBClusterNotFoundFault', `DBCluster ${p.get('DbClusterIdentifier')} not found.`, 404);
      if (member.writer && db.members.length > 1)
        return rdsError(
          STATE,
          `The primary cluster ${member.arn} can't be removed while global cluster ${db.id} has secondary clusters.`,
        );
      db.members = db.members.filter((m) => m !== member);
      if (!member.writer) this.globals.promoting.set(member.arn, Date.now() + this.timing.promotingMs);
      return this.globals.result('RemoveFromGlobalCluster', db);
    }
    if (db.members.length || db.rejoining.length) return rdsError(STATE, `Global Cluster ${db.arn} is not empty`);
    this.globals.dbs.delete(`${account}|${db.id}`);
    return this.globals.result('DeleteGlobalCluster', db);
  }

  /** CreateDBCluster with GlobalClusterIdentifier went through: the first member writes, the others read. */
  joined(call: AwsCall, account: string, xml: string): void {
    const db = this.find(account, call.params.get('GlobalClusterIdentifier') ?? '');
    const arn = field(xml, 'DBClusterArn');
    const at = arn ? parseRdsArn(arn) : undefined;
    if (!db || !arn || !at || db.member(arn)) return;
    db.members.push({ arn, region: at.region, id: at.id, writer: db.members.length === 0 });
  }

  /** DeleteDBCluster went through: a sole primary leaves its global cluster with it. */
  left(account: string, arn: string): void {
    const membership = this.globals.membershipOf(account, arn);
    if (membership) membership.db.members = membership.db.members.filter((m) => m.arn !== arn);
  }

  private async create(call: AwsCall, account: string, id: string): Promise<Answer> {
    const p = call.params;
    if (this.find(account, id))
      return rdsError('GlobalClusterAlreadyExistsFault', `Global cluster ${id} already exists`);
    const source = p.get('SourceDBClusterIdentifier');
    if (!source) {
      const engine = p.get('Engine');
      if (!engine)
        return rdsError(
          'InvalidParameterValue',
          'When creating standalone global cluster, value for engineName should be specified',
        );
      return this.made(account, call, id, [], {
        engine,
        engineVersion: p.get('EngineVersion') ?? '',
        storageEncrypted: p.get('StorageEncrypted') === 'true',
        deletionProtection: p.get('DeletionProtection') === 'true',
        ...(p.get('DatabaseName') ? { databaseName: p.get('DatabaseName')! } : {}),
      });
    }
    const at = parseRdsArn(source);
    if (!at || at.kind !== 'cluster') return rdsError('InvalidParameterValue', `Malformed db cluster arn ${source}`);
    if (p.get('Engine') || p.get('EngineVersion') || p.get('StorageEncrypted') || p.get('DatabaseName'))
      return rdsError(
        'InvalidParameterCombination',
        'When creating global cluster from existing db cluster, value for engineName should not be specified since it will be inherited from source cluster',
      );
    const block = await this.globals.cluster(call.accessKeyId, source);
    if (!block) return rdsError('DBClusterNotFoundFault', `DBCluster ${at.id} not found.`, 404);
    const arn = field(block, 'DBClusterArn') ?? source;
    const taken = this.globals.membershipOf(account, arn);
    if (taken)
      return rdsError(
        'InvalidDBClusterStateFault',
        `DB cluster ${arn} is already a member of global cluster ${taken.db.id}.`,
      );
    const member = { arn, region: at.region, id: at.id, writer: true };
    return this.made(account, call, id, [member], {
      engine: field(block, 'Engine') ?? '',
      engineVersion: field(block, 'EngineVersion') ?? '',
      storageEncrypted: field(block, 'StorageEncrypted') === 'true',
      deletionProtection: p.get('DeletionProtection') === 'true',
      ...(field(block, 'DatabaseName') ? { databaseName: field(block, 'DatabaseName')! } : {}),
    });
  }

  private made(
    account: string,
    call: AwsCall,
    id: string,
    members: GlobalDb['members'],
    settings: GlobalDb['settings'],
  ): Answer {
    const db = new GlobalDb(id, account, call.accessKeyId, settings);
    db.members = members;
    this.globals.dbs.set(`${account}|${id}`, db);
    return this.globals.result('CreateGlobalCluster', db);
  }

  private async failover(call: AwsCall, db: GlobalDb): Promise<Answer> {
    const p = call.params;
    const allowDataLoss = p.get('AllowDataLoss') === 'true';
    if (allowDataLoss && p.get('Switchover') === 'true')
      return rdsError('InvalidParameterCombination', 'AllowDataLoss and Switchover cannot be specified together.');
    const kind = call.action === 'FailoverGlobalCluster' && allowDataLoss ? 'failover' : 'switchover';
    if (db.operation)
      return rdsError(
        STATE,
        `Global cluster ${db.id} is already ${db.operation.kind === 'failover' ? 'failing' : 'switching'} over.`,
      );
    const target = db.member(p.get('TargetDbClusterIdentifier') ?? '');
    if (!target)
      return rdsError('DBClusterNotFoundFault', `DBCluster ${p.get('TargetDbClusterIdentifier')} not found.`, 404);
    if (target.writer)
      return rdsError(STATE, `The DB cluster ${target.arn} is already the primary cluster of global cluster ${db.id}.`);
    const block = await this.globals.cluster(db.accessKeyId, target.arn);
    if (block && !block.includes('<DBClusterMember>'))
      return rdsError(
        'InvalidDBClusterStateFault',
        `DB cluster ${target.id} has no DB instance; add one before it can be the primary.`,
      );
    const down = db.members.find((m) => !this.answers(m.region));
    if (kind === 'switchover' && down)
      return rdsError(
        STATE,
        `Global cluster ${db.id} cannot switch over while ${down.arn} does not answer; fail over with AllowDataLoss.`,
      );
    db.operation = { kind, fromArn: db.writer?.arn ?? '', toArn: target.arn, allowDataLoss, at: Date.now() };
    return this.globals.result(call.action, db);
  }

  private find(account: string, id: string): GlobalDb | undefined {
    return this.globals.dbs.get(`${account}|${id.toLowerCase()}`);
  }
}
