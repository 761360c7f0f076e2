/**
 * An Aurora global database as the layer keeps it (moto's global clusters are unusable: a cluster
 * made from an existing cluster lists no writer, failover answers HTTP 500, switchover is
 * missing), and its XML in RDS's shape. The regional clusters themselves stay in moto.
 */
import { randomBytes } from 'node:crypto';
import { escapeXml } from '../fault-proxy/xml';

export interface Member {
  arn: string;
  region: string;
  /** The cluster identifier in its region. */
  id: string;
  writer: boolean;
  /** Re-added after an unplanned failover: `pending-resync` until then, `connected` after. */
  resyncUntil?: number;
  /** An old primary waiting to rejoin: when the failover away from it began (its snapshot's time). */
  failedAt?: number;
}

export interface Operation {
  kind: 'failover' | 'switchover';
  fromArn: string;
  toArn: string;
  allowDataLoss: boolean;
  at: number;
}

export interface GlobalDbSettings {
  engine: string;
  engineVersion: string;
  storageEncrypted: boolean;
  deletionProtection: boolean;
  databaseName?: string;
}

export class GlobalDb {
  readonly resourceId = `cluster-${randomBytes(8).toString('hex')}`;
  members: Member[] = [];
  operation?: Operation;
  /** Old primaries of an unplanned failover, waiting for their region to answer again. */
  rejoining: Member[] = [];

  constructor(
    readonly id: string,
    readonly account: string,
    /** Whose key the layer signs its own moto calls with, for this account. */
    readonly accessKeyId: string | undefined,
    readonly settings: GlobalDbSettings,
  ) {}

  get arn(): string {
    return `arn:aws:rds::${this.account}:global-cluster:${this.id}`;
  }

  member(arnOrId: string): Member | undefined {
    return this.members.find((m) => m.arn === arnOrId || m.id === arnOrId);
  }

  get writer(): Member | undefined {
    return this.members.find((m) => m.writer);
  }

  /** The operation's FailoverState status at `now`, given how long each phase lasts. */
  phase(now: number, pendingMs: number): 'pending' | 'failing-over' {
    return now - (this.operation?.at ?? now) < pendingMs ? 'pending' : 'failing-over';
  }
}

const bool = (b: boolean) => (b ? 'true' : 'false');

export function globalClusterXml(db: GlobalDb, now: number, pendingMs: number): string {
  const s = db.settings;
  const op = db.operation;
  const status = op ? (op.kind === 'switchover' ? 'switching-over' : 'failing-over') : 'available';
  const readers = db.members.filter((m) => !m.writer).map((m) => m.arn);
  const members = db.members
    .map((m) => {
      const reads = m.writer ? readers.map((r) => `<member>${escapeXml(r)}</member>`).join('') : '';
      const sync = m.resyncUntil !== undefined && now < m.resyncUntil ? 'pending-resync' : 'connected';
      return (
        `<GlobalClusterMember><DBClusterArn>${escapeXml(m.arn)}</DBClusterArn><Readers>${reads}</Readers>` +
        `<IsWriter>${bool(m.writer)}</IsWriter>` +
        (m.writer ? '' : '<GlobalWriteForwardingStatus>disabled</GlobalWriteForwardingStatus>') +
        `<SynchronizationStatus>${sync}</SynchronizationStatus></GlobalClusterMember>`
      );
    })
    .join('');
  const failover = op
    ? `<FailoverState><Status>${db.phase(now, pendingMs)}</Status><FromDbClusterArn>${escapeXml(op.fromArn)}</FromDbClusterArn>` +
      `<ToDbClusterArn>${escapeXml(op.toArn)}</ToDbClusterArn><IsDataLossAllowed>${bool(op.allowDataLoss)}</IsDataLossAllowed></FailoverState>`
    : '';
  return (
    `<GlobalCluster><GlobalClusterIdentifier>${escapeXml(db.id)}</GlobalClusterIdentifier>` +
    `<GlobalClusterResourceId>${db.resourceId}</GlobalClusterResourceId><GlobalClusterArn>${escapeXml(db.arn)}</GlobalClusterArn>` +
    `<Status>${status}</Status><Engine>${escapeXml(s.engine)}</Engine><EngineVersion>${escapeXml(s.engineVersion)}</EngineVersion>` +
    (s.databaseName ? `<DatabaseName>${escapeXml(s.databaseName)}</DatabaseName>` : '') +
    `<StorageEncrypted>${bool(s.storageEncrypted)}</StorageEncrypted><DeletionProtection>${bool(s.deletionProtection)}</DeletionProtection>` +
    `<GlobalClusterMembers>${members}</GlobalClusterMembers>` +
    `<Endpoint>${escapeXml(db.id)}.global-${db.resourceId.slice(8, 16)}.global.rds.amazonaws.com</Endpoint>` +
    `${failover}<TagList/></GlobalCluster>`
  );
}

/** `rds:unplanned-global-failover-<cluster>-<yyyy-mm-dd-hh-mm>`, the name AWS gives the old volume's snapshot. */
export function unplannedFailoverSnapshotId(clusterId: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 16).replace(/[T:]/g, '-');
  return `rds:unplanned-global-failover-${clusterId}-${stamp}`;
}
