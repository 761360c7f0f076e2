import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  waitUntilResourceRecordSetsChanged,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { normalizeRecordName, sameRecordValue } from '../../domain/failover/dns-names';
import type { HostedZoneInfo, RecordKey, RecordRead } from '../../domain/failover/reads';
import type { RecordSnapshot } from '../../domain/failover/types';
import type { AwsClients } from '../aws/clients';
import { activityInfo } from '../activity-context';
import { AwsErrors, isNamed, nonRetryable } from '../aws/errors';
import { probe } from '../aws/reachability';
import { STEP_WAIT, waitWithHeartbeat } from '../aws/waiting';
import { FailureTypes } from '../../domain/failure-types';

export interface UpsertRecordInput extends RecordKey {
  value: string;
  ttl: number;
  /** Shown in Route 53's change history. */
  comment: string;
}

export interface ChangeResult {
  changeId: string;
  status: string;
  /** Which attempt of the activity made the change; above 1 means it was retried. */
  attempt: number;
}

export interface DrillRecordInput extends UpsertRecordInput {
  /** Values that mark the record as the drill's own; any other value means the name is in use. */
  ownValues: string[];
}

/** Route 53 takes 30-60 s to reach INSYNC on AWS; ten minutes means something is wrong. */
const INSYNC_MAX_WAIT_SECONDS = 600;

export const bareZoneId = (id: string) => id.replace(/^\/hostedzone\//, '');

export function currentAttempt(): number {
  return activityInfo()?.attempt ?? 1;
}

export function toSnapshot(set: ResourceRecordSet): RecordSnapshot {
  const values = (set.ResourceRecords ?? []).map((r) => r.Value ?? '');
  return {
    name: normalizeRecordName(set.Name ?? ''),
    type: set.Type ?? '',
    ...(set.TTL === undefined ? {} : { ttl: set.TTL }),
    value: values.join(', '),
    values,
  };
}

/**
 * ListResourceRecordSets starts at the given name and type and runs on through the zone, so the
 * answer is checked for an exact match in code.
 */
export async function readRecordSets(r53: Route53Client, key: RecordKey): Promise<ResourceRecordSet[]> {
  const name = normalizeRecordName(key.recordName);
  const out = await r53.send(
    new ListResourceRecordSetsCommand({
      HostedZoneId: bareZoneId(key.hostedZoneId),
      StartRecordName: name,
      StartRecordType: key.recordType,
      MaxItems: 10,
    }),
  );
  return (out.ResourceRecordSets ?? []).filter(
    (s) => normalizeRecordName(s.Name ?? '') === name && s.Type === key.recordType,
  );
}

function interpret(sets: ResourceRecordSet[], key: RecordKey): RecordRead {
  const [first] = sets;
  if (!first) return { record: null };
  if (sets.length > 1)
    return {
      record: toSnapshot(first),
      unsupported: `${sets.length} ${key.recordType} record sets are named ${normalizeRecordName(key.recordName)}`,
    };
  if (first.AliasTarget)
    return {
      record: toSnapshot(first),
      unsupported: `is an alias record to ${first.AliasTarget.DNSName}; only simple records are switched`,
    };
  if (first.SetIdentifier)
    return {
      record: toSnapshot(first),
      unsupported: `has a routing policy (set identifier ${first.SetIdentifier}); only simple records are switched`,
    };
  return { record: toSnapshot(first) };
}

export async function waitInSync(r53: Route53Client, changeId: string): Promise<void> {
  await waitWithHeartbeat({ changeId }, (abortSignal) =>
    waitUntilResourceRecordSetsChanged(
      {
        client: r53,
        ...STEP_WAIT,
        maxWaitTime: INSYNC_MAX_WAIT_SECONDS,
        ...(abortSignal ? { abortSignal } : {}),
      },
      { Id: changeId },
    ),
  );
}

/**
 * `bounded`: read through a probe client, as the preflight does. Route 53's control plane lives in
 * us-east-1, the region a failover may be leaving; no answer then fails at once with `Unreachable`.
 */
export interface BoundedRead {
  bounded?: boolean;
}

export function createRoute53Activities(clients: AwsClients) {
  const r53 = () => clients.route53();
  const read = <T>(input: BoundedRead, check: string, fn: (client: Route53Client) => Promise<T>): Promise<T> =>
    input.bounded
      ? probe({ region: 'us-east-1', service: 'route53', check }, () => fn(clients.probe.route53()))
      : fn(r53());

  async function getHostedZone(input: { hostedZoneId: string } & BoundedRead): Promise<HostedZoneInfo | null> {
    try {
      const id = bareZoneId(input.hostedZoneId);
      const out = await read(input, `hosted zone ${id}`, (client) => client.send(new GetHostedZoneCommand({ Id: id })));
      const zone = out.HostedZone!;
      return {
        id: bareZoneId(zone.Id ?? input.hostedZoneId),
        name: normalizeRecordName(zone.Name ?? ''),
        privateZone: zone.Config?.PrivateZone ?? false,
      };
    } catch (err) {
      if (isNamed(err, AwsErrors.NoSuchHostedZone)) return null;
      throw err;
    }
  }

  async function readRecord(key: RecordKey & BoundedRead): Promise<RecordRead> {
    const check = `record ${normalizeRecordName(key.recordName)} ${key.recordType}`;
    return interpret(await read(key, check, (client) => readRecordSets(client, key)), key);
  }

  /**
   * UPSERT, never CREATE: a CREATE retried after a lost response fails on AWS and adds a duplicate
   * on moto, while an UPSERT of the same value is a no-op. Waits until the change is INSYNC.
   */
  async function upsertRecord(input: UpsertRecordInput): Promise<ChangeResult> {
    const client = r53();
    const out = await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: bareZoneId(input.hostedZoneId),
        ChangeBatch: {
          Comment: input.comment,
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: normalizeRecordName(input.recordName),
                Type: input.recordType,
                TTL: input.ttl,
                ResourceRecords: [{ Value: input.value }],
              },
            },
          ],
        },
      }),
    );
    const changeId = out.ChangeInfo!.Id!;
    if (out.ChangeInfo?.Status !== 'INSYNC') await waitInSync(client, changeId);
    return { changeId, status: 'INSYNC', attempt: currentAttempt() };
  }

  /** Creates (or resets) the drill's own record; refuses a name that holds anything else. */
  async function createDrillRecord(input: DrillRecordInput): Promise<ChangeResult> {
    const found = interpret(await readRecordSets(r53(), input), input);
    if (found.unsupported)
      throw nonRetryable(
        FailureTypes.DrillRecordInUse,
        `${input.recordName} ${found.unsupported}; choose another drillRecordName`,
      );
    if (found.record && !input.ownValues.some((v) => sameRecordValue(input.recordType, v, found.record!.value))) {
      throw nonRetryable(
        FailureTypes.DrillRecordInUse,
        `${input.recordName} already exists with value ${found.record.value}, which is not the drill's; it is left alone. Choose another drillRecordName`,
      );
    }
    return upsertRecord(input);
  }

  /**
   * Deletes the drill record if it is still there with one of the drill's values. DELETE needs the
   * exact record set, so it is read first; a record already gone counts as deleted.
   */
  async function deleteDrillRecord(
    input: RecordKey & { ownValues: string[] },
  ): Promise<{ deleted: boolean; detail: string }> {
    const client = r53();
    const sets = await readRecordSets(client, input);
    if (!sets.length) return { deleted: false, detail: `${normalizeRecordName(input.recordName)} was already gone` };
    const foreign = sets.filter(
      (s) =>
        !input.ownValues.some((v) =>
          (s.ResourceRecords ?? []).some((r) => sameRecordValue(input.recordType, v, r.Value ?? '')),
        ),
    );
    if (foreign.length) {
      return {
        deleted: false,
        detail: `${normalizeRecordName(input.recordName)} holds ${toSnapshot(foreign[0]!).value}, not a drill value; it is not the drill's and is left alone`,
      };
    }
    try {
      const out = await client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: bareZoneId(input.hostedZoneId),
          ChangeBatch: {
            Comment: 'FailoverToRegion drill cleanup',
            Changes: sets.map((s) => ({ Action: 'DELETE' as const, ResourceRecordSet: s })),
          },
        }),
      );
      if (out.ChangeInfo?.Status !== 'INSYNC') await waitInSync(client, out.ChangeInfo!.Id!);
    } catch (err) {
      // A DELETE retried after a lost response finds nothing to delete.
      if (
        isNamed(err, AwsErrors.InvalidChangeBatch) &&
        /not found/i.test((err as Error).message) &&
        !(await readRecordSets(client, input)).length
      ) {
        return { deleted: true, detail: `deleted ${normalizeRecordName(input.recordName)}` };
      }
      throw err;
    }
    return {
      deleted: true,
      detail: `deleted ${normalizeRecordName(input.recordName)} (${sets.length} record set${sets.length > 1 ? 's' : ''})`,
    };
  }

  return { getHostedZone, readRecord, upsertRecord, createDrillRecord, deleteDrillRecord };
}
