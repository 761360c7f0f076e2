/**
 * Aurora Global Database as AWS runs it, served by the layer (moto 5.2.1's is unusable: a global
 * cluster made from an existing cluster lists no writer, FailoverGlobalCluster answers HTTP 500,
 * SwitchoverGlobalCluster is missing). The regional clusters stay in moto; membership, the writer
 * and failovers are kept here, the same from every region of the account:
 * - CreateGlobalCluster from SourceDBClusterIdentifier (an ARN) makes that cluster the writer;
 *   CreateDBCluster with GlobalClusterIdentifier in another region adds a secondary (its instances
 *   readers);
 * - FailoverGlobalCluster (AllowDataLoss) and SwitchoverGlobalCluster move the writer after a
 *   FailoverState `pending`, then `failing-over`; a switchover keeps the old primary as a secondary,
 *   and needs every member's region to answer;
 * - after an unplanned failover the old primary leaves the global cluster; once its region answers
 *   again, a system snapshot `rds:unplanned-global-failover-<cluster>-<time>` of its old volume is
 *   taken (DescribeDBClusterSnapshots SnapshotType `system`; CopyDBClusterSnapshot keeps it) and it
 *   is re-added as a secondary, `pending-resync` for a while, then `connected`;
 * - RemoveFromGlobalCluster detaches a secondary, which is `promoting`, then a standalone cluster;
 *   DeleteDBCluster of a member is refused until it is removed.
 * Sources: Aurora user guide, "Using switchover or failover in Amazon Aurora Global Database"
 * (quoted in global-cluster-rules.ts and above: "As soon as that old primary Region is healthy and
 * available again, Aurora automatically adds it back to the global cluster as a secondary Region…
 * Aurora tries to take a snapshot of the old storage volume at the point of failure… named
 * rds:unplanned-global-failover-name-of-old-primary-DB-cluster-timestamp… a system snapshot");
 * FailoverGlobalCluster, SwitchoverGlobalCluster, RemoveFromGlobalCluster and FailoverState API
 * references (FailoverState.Status "pending | failing-over | cancelling").
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { GlobalClusterRules } from './global-cluster-rules';
import { type GlobalDb, globalClusterXml, type Member, unplannedFailoverSnapshotId } from './global-cluster-model';
import { type MotoReader } from './moto-reader';
import { append, dropElement, field, hasElement, parseRdsArn, rdsError, rdsResult, setField } from './rds-xml';
import { type GlobalClusterTiming } from './timing';

const DB_CLUSTER = /<DBCluster>[\s\S]*?<\/DBCluster>/g;
const SNAPSHOT = /<DBClusterSnapshot>[\s\S]*?<\/DBClusterSnapshot>/g;
const SERVED = new Set([
  'CreateGlobalCluster',
  'DescribeGlobalClusters',
  'FailoverGlobalCluster',
  'SwitchoverGlobalCluster',
  'RemoveFromGlobalCluster',
  'DeleteGlobalCluster',
]);

export class GlobalClusters implements ProxyBehaviour {
  /** `<account>|<global id>` → the global database. */
  readonly dbs = new Map<string, GlobalDb>();
  /** Cluster ARN → until when it shows `promoting` after RemoveFromGlobalCluster. */
  readonly promoting = new Map<string, number>();
  /** `<account>|<region>|<snapshot id>` of the system snapshots the layer took. */
  private readonly systemSnapshots = new Set<string>();
  private readonly rules: GlobalClusterRules;

  constructor(
    private readonly ctx: BehaviourContext,
    private readonly moto: MotoReader,
    /** Read on every call, so a test may change it. */
    readonly timing: GlobalClusterTiming,
  ) {
    this.rules = new GlobalClusterRules(this, moto, timing, (region) => this.answers(region));
  }

  /** Global databases are AWS state, not something a fault rule armed. */
  reset(): void {}

  /** Deleting a member, or making a secondary of an unknown global cluster, is refused before moto. */
  async refuse(call: AwsCall): Promise<Answer | undefined> {
    if (call.service !== 'rds') return undefined;
    const account = await this.moto.accountOf(call.accessKeyId);
    await this.advance(account);
    const answer = await this.rules.refuse(call, account);
    if (answer) this.ctx.inject('global-cluster');
    return answer;
  }

  async serve(call: AwsCall): Promise<Answer | undefined> {
    if (call.service !== 'rds' || !SERVED.has(call.action)) return undefined;
    const account = await this.moto.accountOf(call.accessKeyId);
    this.ctx.inject('global-cluster');
    return this.rules.serve(call, account);
  }

  upstreamParams(call: AwsCall, params: URLSearchParams): URLSearchParams {
    if (call.service !== 'rds' || call.action !== 'DescribeDBClusterSnapshots') return params;
    if (params.get('SnapshotType') !== 'system') return params;
    // moto has no system snapshots; the layer picks its own out of everything moto has.
    const out = new URLSearchParams(params);
    out.delete('SnapshotType');
    return out;
  }

  async afterUpstream(call: AwsCall, answer: Answer): Promise<Answer> {
    if (call.service !== 'rds' || answer.status !== 200) return answer;
    const account = await this.moto.accountOf(call.accessKeyId);
    const xml = answer.body.toString('utf8');
    if (call.action === 'CreateDBCluster') this.rules.joined(call, account, xml);
    if (call.action === 'DeleteDBCluster') this.rules.left(account, field(xml, 'DBClusterArn') ?? '');
    let out = xml.replace(DB_CLUSTER, (block) => this.presentCluster(account, block));
    if (call.action === 'DescribeDBClusterSnapshots' || call.action === 'CopyDBClusterSnapshot')
      out = this.presentSnapshots(account, call, out);
    return out === xml ? answer : { ...answer, body: Buffer.from(out, 'utf8') };
  }

  globalsOf(account: string): GlobalDb[] {
    return [...this.dbs.values()].filter((db) => db.account === account);
  }

  /** The global database `arn` is a member of (or an old primary waiting to rejoin). */
  membershipOf(account: string, arn: string): { db: GlobalDb; member?: Member } | undefined {
    for (const db of this.globalsOf(account)) {
      const member = db.members.find((m) => m.arn === arn);
      if (member) return { db, member };
      if (db.rejoining.some((m) => m.arn === arn)) return { db };
    }
    return undefined;
  }

  /** Moves every operation and rejoin of `account` on to where it is now. */
  async advance(account: string): Promise<void> {
    const now = Date.now();
    const t = this.timing;
    for (const db of this.globalsOf(account)) {
      const op = db.operation;
      if (op && now - op.at >= t.pendingMs + t.failingOverMs) {
        db.operation = undefined;
        const from = db.member(op.fromArn);
        const to = db.member(op.toArn);
        if (to) to.writer = true;
        if (from && op.kind === 'failover') {
          db.members = db.members.filter((m) => m !== from);
          db.rejoining.push({ ...from, writer: false, failedAt: op.at });
        } else if (from) from.writer = false;
      }
      for (const old of [...db.rejoining]) {
        if (!this.answers(old.region)) continue;
        db.rejoining = db.rejoining.filter((m) => m !== old);
        await this.rejoin(db, old);
      }
    }
  }

  /** The old primary's region answers again: snapshot its old volume, then make it a secondary. */
  private async rejoin(db: GlobalDb, old: Member): Promise<void> {
    const id = unplannedFailoverSnapshotId(old.id, new Date(old.failedAt ?? Date.now()));
    const made = await this.moto.rds(old.region, db.accessKeyId, {
      Action: 'CreateDBClusterSnapshot',
      DBClusterIdentifier: old.id,
      DBClusterSnapshotIdentifier: id,
    });
    // The old cluster is gone (deleted meanwhile): nothing to snapshot, nothing to re-add.
    if (made.status === 404) return;
    if (made.status !== 200) {
      db.rejoining.push(old);
      return;
    }
    this.systemSnapshots.add(`${db.account}|${old.region}|${id}`);
    const { failedAt: _failedAt, ...member } = old;
    db.members.push({ ...member, writer: false, resyncUntil: Date.now() + this.timing.resyncMs });
  }

  answers(region: string): boolean {
    const probe: AwsCall = {
      service: 'rds',
      region,
      action: 'DescribeDBClusters',
      pcxIds: [],
      filtered: false,
      params: new URLSearchParams(),
    };
    return !this.ctx.book.holds(probe, 'unreachable');
  }

  describeXml(db: GlobalDb, tag = 'GlobalCluster'): string {
    const xml = globalClusterXml(db, Date.now(), this.timing.pendingMs);
    return tag === 'GlobalCluster'
      ? xml
      : `<${tag}>${xml.slice('<GlobalCluster>'.length, -'</GlobalCluster>'.length)}</${tag}>`;
  }

  result(action: string, db: GlobalDb): Answer {
    return rdsResult(action, this.describeXml(db));
  }

  /** A DB cluster as AWS shows it: its global cluster, its role in it, `promoting` once removed. */
  private presentCluster(account: string, block: string): string {
    const arn = field(block, 'DBClusterArn') ?? '';
    const membership = this.membershipOf(account, arn);
    let out = dropElement(block, 'GlobalClusterIdentifier');
    if (membership) {
      out = append(out, 'DBCluster', `<GlobalClusterIdentifier>${membership.db.id}</GlobalClusterIdentifier>`);
      // A secondary's instances are all readers; only the primary has a writer.
      if (!membership.member?.writer)
        out = out.replace(/<IsClusterWriter>true<\/IsClusterWriter>/g, '<IsClusterWriter>false</IsClusterWriter>');
    }
    const until = this.promoting.get(arn);
    if (until !== undefined && Date.now() < until)
      out = out.replace(/<Status>available<\/Status>/, '<Status>promoting</Status>');
    return out;
  }

  private presentSnapshots(account: string, call: AwsCall, xml: string): string {
    const region = call.region ?? 'us-east-1';
    const wanted = call.params.get('SnapshotType');
    return xml.replace(SNAPSHOT, (block) => {
      const system = this.systemSnapshots.has(
        `${account}|${region}|${field(block, 'DBClusterSnapshotIdentifier') ?? ''}`,
      );
      if (wanted && (wanted === 'system') !== system) return '';
      return system && hasElement(block, 'SnapshotType') ? setField(block, 'SnapshotType', 'system') : block;
    });
  }

  notFound(id: string): Answer {
    return rdsError('GlobalClusterNotFoundFault', `Global cluster ${id} not found.`, 404);
  }

  /** The cluster `arn` in moto, raw, or undefined when moto does not have it. */
  async cluster(accessKeyId: string | undefined, arn: string): Promise<string | undefined> {
    const at = parseRdsArn(arn);
    if (!at) return undefined;
    const found = await this.moto.rds(at.region, accessKeyId, {
      Action: 'DescribeDBClusters',
      DBClusterIdentifier: at.id,
    });
    return found.status === 200 ? /<DBCluster>[\s\S]*?<\/DBCluster>/.exec(found.text)?.[0] : undefined;
  }
}
