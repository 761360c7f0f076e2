/**
 * An RDS instance's transitions as AWS shows them, where moto jumps to the end state at once:
 * - CreateDBInstance / CreateDBInstanceReadReplica: `creating`, with no endpoint yet, then
 *   `available` (CreateDBCluster likewise: the cluster `creating`);
 * - ModifyDBInstance with NewDBInstanceIdentifier: `renaming` under the old name, the new name
 *   NotFound, then the instance under its new name only. A new name that is taken is
 *   `DBInstanceAlreadyExists` (moto overwrites that instance!);
 * - StopDBInstance: `stopping`, then `stopped`;
 * - DeleteDBInstance: still listed, `deleting`, then DBInstanceNotFound;
 * - while an instance is in one of these, Modify / Stop / Start / Reboot / Promote / a replica of it
 *   are `InvalidDBInstanceState`, a second Delete too, and a create under a name still being
 *   deleted or renamed away is `DBInstanceAlreadyExists` (moto also overwrites an existing replica).
 * Sources: RDS user guide, "Viewing Amazon RDS DB instance status" (creating: "The instance is
 * being created. The instance is inaccessible while it is being created"; renaming, stopping,
 * stopped, deleting); "Renaming a DB instance" ("you can't use the old name… until the rename
 * completes"; the endpoint changes with the name); ModifyDBInstance API reference, errors
 * DBInstanceAlreadyExists ("The user already has a DB instance with the given identifier") and
 * InvalidDBInstanceState ("The DB instance isn't in a valid state"); DeleteDBInstance ("the DB
 * instance's status is deleting until the deletion is complete").
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { type MotoReader } from './moto-reader';
import {
  dropElement,
  field,
  instanceBlocks,
  locate,
  mapInstances,
  parseRdsArn,
  rdsError,
  rdsResult,
  renameBlock,
  setField,
} from './rds-xml';
import { type RdsTiming } from './timing';

type Kind = 'creating' | 'renaming' | 'stopping' | 'deleting';

interface Phase {
  kind: Kind;
  at: number;
  /** renaming: the new name (moto already has the instance under it). */
  to?: string;
  /** deleting: the instance as it was last shown (moto no longer has it). */
  ghost?: string;
}

/** Calls that act on an instance which must be `available` (or `stopped`, for Start). */
const NEEDS_SETTLED = new Set([
  'ModifyDBInstance',
  'StopDBInstance',
  'StartDBInstance',
  'RebootDBInstance',
  'PromoteReadReplica',
  'DeleteDBInstance',
]);
const CREATES = new Set(['CreateDBInstance', 'CreateDBInstanceReadReplica']);
const DB_CLUSTER = /<DBCluster>[\s\S]*?<\/DBCluster>/g;

export class RdsLifecycle implements ProxyBehaviour {
  /** `<account>|<region>|<id>` → the transition under way. */
  private readonly phases = new Map<string, Phase>();
  private readonly creatingClusters = new Map<string, number>();

  constructor(
    private readonly ctx: BehaviourContext,
    private readonly moto: MotoReader,
    /** Read on every call, so a test may change it. */
    readonly timing: RdsTiming,
  ) {}

  /** These are AWS state, not something a fault rule armed. */
  reset(): void {}

  async refuse(call: AwsCall): Promise<Answer | undefined> {
    if (call.service !== 'rds') return undefined;
    const id = call.params.get('DBInstanceIdentifier')?.toLowerCase();
    if (!id) return undefined;
    const account = await this.moto.accountOf(call.accessKeyId);
    const region = call.region ?? 'us-east-1';
    const phase = this.active(account, region, id);
    const renamedAway = this.oldNameOf(account, region, id);
    if (renamedAway !== undefined && call.action !== 'CreateDBInstance')
      return this.refused(rdsError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404));
    if (CREATES.has(call.action)) return this.refuseCreate(call, account, region, id, phase);
    if (NEEDS_SETTLED.has(call.action) && phase) {
      const message =
        phase.kind === 'deleting' ? `Instance ${id} is already being deleted.` : `DB instance ${id} is ${phase.kind}.`;
      if (call.action === 'DeleteDBInstance' && phase.kind === 'creating') return undefined;
      return this.refused(rdsError('InvalidDBInstanceState', message));
    }
    const newId = call.params.get('NewDBInstanceIdentifier')?.toLowerCase();
    if (call.action === 'ModifyDBInstance' && newId && newId !== id) {
      const taken = this.active(account, region, newId) ?? (await this.inMoto(call, region, newId));
      if (taken) return this.refused(rdsError('DBInstanceAlreadyExists', 'DB instance already exists'));
    }
    return undefined;
  }

  /** DescribeDBInstances of an instance being deleted or renamed: what AWS still shows. */
  async serve(call: AwsCall): Promise<Answer | undefined> {
    const id = call.params.get('DBInstanceIdentifier')?.toLowerCase();
    if (call.service !== 'rds' || call.action !== 'DescribeDBInstances' || !id) return undefined;
    const account = await this.moto.accountOf(call.accessKeyId);
    const phase = this.active(account, call.region ?? 'us-east-1', id);
    if (phase?.kind === 'deleting' && phase.ghost)
      return rdsResult('DescribeDBInstances', `<DBInstances>${phase.ghost}</DBInstances>`);
    if (phase?.kind === 'renaming' && phase.to) {
      // moto's view under the new name; afterUpstream shows it under the old one.
      const found = await this.moto.rds(call.region ?? 'us-east-1', call.accessKeyId, {
        Action: 'DescribeDBInstances',
        DBInstanceIdentifier: phase.to,
      });
      return xmlAnswer(found.status, found.text);
    }
    return undefined;
  }

  async afterUpstream(call: AwsCall, answer: Answer): Promise<Answer> {
    if (call.service !== 'rds' || answer.status !== 200) return answer;
    const account = await this.moto.accountOf(call.accessKeyId);
    const region = call.region ?? 'us-east-1';
    this.record(call, account, region, answer);
    let out = mapInstances(answer, (block) => this.present(account, region, block));
    if (call.action === 'DescribeDBInstances' && !call.params.get('DBInstanceIdentifier'))
      out = this.withGhosts(out, account, region, call.params.has('Filters.Filter.1.Name'));
    if (call.action === 'DescribeDBClusters' || call.action === 'CreateDBCluster')
      out = this.clustersPresented(out, account, region);
    return out;
  }

  private async refuseCreate(
    call: AwsCall,
    account: string,
    region: string,
    id: string,
    phase: Phase | undefined,
  ): Promise<Answer | undefined> {
    if (phase?.kind === 'deleting' || phase?.kind === 'renaming' || (await this.inMoto(call, region, id)))
      return this.refused(rdsError('DBInstanceAlreadyExists', 'DB instance already exists'));
    const source = call.params.get('SourceDBInstanceIdentifier');
    if (call.action !== 'CreateDBInstanceReadReplica' || !source) return undefined;
    const at = locate(source, region);
    const busy = this.active(parseRdsArn(source)?.account ?? account, at.region, at.id.toLowerCase());
    if (!busy) return undefined;
    return this.refused(rdsError('InvalidDBInstanceState', `DB instance ${at.id} is ${busy.kind}.`));
  }

  /** Starts the transition a successful call begins. */
  private record(call: AwsCall, account: string, region: string, answer: Answer): void {
    const key = (id: string) => `${account}|${region}|${id.toLowerCase()}`;
    const block = instanceBlocks(answer.body.toString('utf8'))[0] ?? '';
    const shownId = field(block, 'DBInstanceIdentifier') ?? '';
    const now = Date.now();
    const requested = call.params.get('DBInstanceIdentifier')?.toLowerCase() ?? '';
    if (CREATES.has(call.action) && shownId) this.phases.set(key(shownId), { kind: 'creating', at: now });
    if (call.action === 'StopDBInstance' && shownId) this.phases.set(key(shownId), { kind: 'stopping', at: now });
    if (call.action === 'DeleteDBInstance' && shownId)
      this.phases.set(key(shownId), { kind: 'deleting', at: now, ghost: this.present(account, region, block) });
    if (call.action === 'ModifyDBInstance' && shownId && shownId !== requested)
      this.phases.set(key(requested), { kind: 'renaming', at: now, to: shownId });
    if (call.action === 'CreateDBCluster') {
      const cluster = field(answer.body.toString('utf8'), 'DBClusterIdentifier');
      if (cluster) this.creatingClusters.set(key(cluster), now);
    }
  }

  /** One DBInstance block as AWS would show it now. */
  private present(account: string, region: string, block: string): string {
    const id = field(block, 'DBInstanceIdentifier') ?? '';
    const old = this.oldNameOf(account, region, id);
    if (old !== undefined) {
      this.ctx.inject('rds-lifecycle');
      return setField(renameBlock(block, id, old), 'DBInstanceStatus', 'renaming');
    }
    const phase = this.active(account, region, id.toLowerCase());
    if (!phase || phase.kind === 'renaming') return block;
    this.ctx.inject('rds-lifecycle');
    const shown = setField(block, 'DBInstanceStatus', phase.kind);
    if (phase.kind === 'creating') return dropElement(dropElement(shown, 'Endpoint'), 'StatusInfos');
    return phase.kind === 'deleting' ? dropElement(shown, 'StatusInfos') : shown;
  }

  /** A list of instances also shows those still being deleted (unless filtered: the layer cannot match filters). */
  private withGhosts(answer: Answer, account: string, region: string, filtered: boolean): Answer {
    if (filtered) return answer;
    const prefix = `${account}|${region}|`;
    const ghosts = [...this.phases.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => this.active(account, region, k.slice(prefix.length)))
      .flatMap((p) => (p?.kind === 'deleting' && p.ghost ? [p.ghost] : []));
    if (!ghosts.length) return answer;
    const xml = answer.body.toString('utf8');
    const out = xml.includes('<DBInstances/>')
      ? xml.replace('<DBInstances/>', `<DBInstances>${ghosts.join('')}</DBInstances>`)
      : xml.replace('</DBInstances>', `${ghosts.join('')}</DBInstances>`);
    return { ...answer, body: Buffer.from(out, 'utf8') };
  }

  private clustersPresented(answer: Answer, account: string, region: string): Answer {
    const xml = answer.body.toString('utf8');
    const out = xml.replace(DB_CLUSTER, (block) => {
      const key = `${account}|${region}|${(field(block, 'DBClusterIdentifier') ?? '').toLowerCase()}`;
      const at = this.creatingClusters.get(key);
      if (at === undefined) return block;
      if (Date.now() - at >= this.timing.creatingMs) {
        this.creatingClusters.delete(key);
        return block;
      }
      this.ctx.inject('rds-lifecycle');
      // The cluster's own <Status> comes before its members' and groups' in moto's answer.
      return block.replace(/<Status>available<\/Status>/, '<Status>creating</Status>');
    });
    return out === xml ? answer : { ...answer, body: Buffer.from(out, 'utf8') };
  }

  private active(account: string, region: string, id: string): Phase | undefined {
    const key = `${account}|${region}|${id}`;
    const phase = this.phases.get(key);
    if (!phase) return undefined;
    if (Date.now() - phase.at < this.duration(phase.kind)) return phase;
    this.phases.delete(key);
    return undefined;
  }

  /** The old name of an instance whose rename to `id` is still under way. */
  private oldNameOf(account: string, region: string, id: string): string | undefined {
    const prefix = `${account}|${region}|`;
    for (const [key, phase] of [...this.phases]) {
      if (phase.kind !== 'renaming' || phase.to !== id.toLowerCase() || !key.startsWith(prefix)) continue;
      if (this.active(account, region, key.slice(prefix.length))) return key.slice(prefix.length);
    }
    return undefined;
  }

  private duration(kind: Kind): number {
    const t = this.timing;
    return { creating: t.creatingMs, renaming: t.renamingMs, stopping: t.stoppingMs, deleting: t.deletingMs }[kind];
  }

  private async inMoto(call: AwsCall, region: string, id: string): Promise<boolean> {
    const found = await this.moto.rds(region, call.accessKeyId, {
      Action: 'DescribeDBInstances',
      DBInstanceIdentifier: id,
    });
    return found.status === 200;
  }

  private refused(answer: Answer): Answer {
    this.ctx.inject('rds-lifecycle');
    return answer;
  }
}
