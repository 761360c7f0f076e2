import { ChangeResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { normalizeRecordName, sameRecordValue } from '../../domain/failover/dns-names';
import type { RecordKey } from '../../domain/failover/reads';
import type { RecordSnapshot } from '../../domain/failover/types';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { AwsErrors, isNamed, nonRetryable } from '../aws/errors';
import { bareZoneId, currentAttempt, readRecordSets, toSnapshot, waitInSync, type ChangeResult } from './route53';

export interface ReplaceRecordInput extends RecordKey {
  /** The record exactly as preflight read it: the batch DELETEs this, so it applies only if nothing moved since. */
  expected: RecordSnapshot;
  value: string;
  ttl: number;
  /** Shown in Route 53's change history. */
  comment: string;
}

export interface ReplaceResult extends ChangeResult {
  /** The status Route 53 answered the batch with (PENDING on AWS), before the wait for INSYNC. */
  submittedStatus: string;
  /** A retry found its earlier attempt's change applied (the answer to it was lost). */
  foundApplied: boolean;
}

const describe = (s: RecordSnapshot) => `${s.values.join(', ')}${s.ttl === undefined ? '' : ` (TTL ${s.ttl})`}`;

/**
 * The switch as one change batch: DELETE of the record as preflight read it, CREATE of the new one.
 * Route 53 applies a batch whole or not at all, so it lands only while the record still holds what
 * preflight saw: of two runs racing on one record, one switches and the other gets InvalidChangeBatch,
 * which is `RecordChanged` here (non-retryable, nothing changed in DNS). A retry after a lost
 * response also gets InvalidChangeBatch (its DELETE no longer matches): it reads the record, and
 * finding it already holding exactly the new value, counts the change as its own and succeeds.
 */
export function createRecordSwitchActivities(clients: AwsClients) {
  async function current(client: Route53Client, key: RecordKey): Promise<RecordSnapshot | null> {
    const [set] = await readRecordSets(client, key);
    return set ? toSnapshot(set) : null;
  }

  async function replaceRecord(input: ReplaceRecordInput): Promise<ReplaceResult> {
    const client = clients.route53();
    const name = normalizeRecordName(input.recordName);
    const attempt = currentAttempt();
    const { expected } = input;
    let out;
    try {
      out = await client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: bareZoneId(input.hostedZoneId),
          ChangeBatch: {
            Comment: input.comment,
            Changes: [
              {
                Action: 'DELETE',
                ResourceRecordSet: {
                  Name: name,
                  Type: input.recordType,
                  ...(expected.ttl === undefined ? {} : { TTL: expected.ttl }),
                  ResourceRecords: expected.values.map((Value) => ({ Value })),
                },
              },
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: name,
                  Type: input.recordType,
                  TTL: input.ttl,
                  ResourceRecords: [{ Value: input.value }],
                },
              },
            ],
          },
        }),
      );
    } catch (err) {
      if (!isNamed(err, AwsErrors.InvalidChangeBatch)) throw err;
      const now = await current(client, input);
      const applied =
        now !== null &&
        now.values.length === 1 &&
        sameRecordValue(input.recordType, now.value, input.value) &&
        now.ttl === input.ttl;
      // Only a retry (the activity's, or the SDK's within this attempt after a lost answer) may count
      // the new value as its own: on a first send it is another run's switch.
      const sentBefore = attempt > 1 || ((err as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) > 1;
      if (applied && sentBefore)
        return { changeId: '', status: 'INSYNC', submittedStatus: '', attempt, foundApplied: true };
      throw nonRetryable(
        FailureTypes.RecordChanged,
        `${name} ${input.recordType} no longer holds what preflight read (${describe(expected)}): it holds ${now ? describe(now) : 'no record'}. Route 53 refused the switch (${(err as Error).message}); DNS was not changed`,
      );
    }
    const changeId = out.ChangeInfo!.Id!;
    const submittedStatus = out.ChangeInfo?.Status ?? '';
    if (submittedStatus !== 'INSYNC') await waitInSync(client, changeId);
    return { changeId, status: 'INSYNC', submittedStatus, attempt, foundApplied: false };
  }

  return { replaceRecord };
}
