/**
 * The chaos run's audit: direct EC2 calls to moto (never through the fault proxy) in every region
 * a run used, checked right after each setup (chaos-audit-setup.ts) and for leaks after every run
 * (chaos-audit-leaks.ts).
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import { auditLeaks } from './audit-leaks';
import { auditSetup, type SetupAudit } from './audit-setup';
import { snapshotRegion, type RegionSnapshot } from './audit-snapshot';

export type FindingKind =
  | 'duplicate'
  | 'leak'
  | 'leftover'
  | 'wrong-state'
  // The data runs' (audit-data.ts).
  | 'second-replica'
  | 'lost-report'
  | 'deleted-database'
  | 'double-switch'
  | 'unreported-promotion';

export interface Finding {
  run: string;
  kind: FindingKind;
  what: string;
  ids: string[];
}

/** What the audit knows about one run. */
export interface AuditedRun {
  setupId: string;
  request: PeeringRequest;
  result?: PeeringResult;
  /** Peering ids seen for this setup at any point (including duplicates), for leak checks. */
  seenPeeringIds: string[];
  /** Its teardown completed, or its setup failed and rolled back: nothing of it may remain. */
  finished: boolean;
}

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export class MotoAuditor {
  private readonly clients = new Map<string, EC2Client>();

  constructor(private readonly motoUrl: string) {}

  private ec2(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = new EC2Client({ region, endpoint: this.motoUrl, credentials: CREDENTIALS, maxAttempts: 5 });
      this.clients.set(region, client);
    }
    return client;
  }

  async snapshot(region: string): Promise<RegionSnapshot> {
    return snapshotRegion(this.ec2(region), region);
  }

  async auditSetup(run: AuditedRun & { result: PeeringResult }): Promise<SetupAudit> {
    const { request } = run;
    const snaps = await Promise.all([request.requester.region, request.accepter.region].map((r) => this.snapshot(r)));
    return auditSetup(run, snaps);
  }

  async auditLeaks(runs: AuditedRun[]): Promise<Finding[]> {
    const regions = [...new Set(runs.flatMap((r) => [r.request.requester.region, r.request.accepter.region]))].sort();
    return auditLeaks(runs, await Promise.all(regions.map((r) => this.snapshot(r))));
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy();
  }
}
