/** Reading what the Web UI shows from a run's history: the user metadata of its events. */
import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];
type Payload = NonNullable<HistoryEvent['userMetadata']>['summary'];

/** A `json/plain` string payload, as the SDK writes summaries. */
export function payloadText(payload: Payload | null | undefined): string | undefined {
  if (!payload?.data) return undefined;
  const text = Buffer.from(payload.data).toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : text;
  } catch {
    return text;
  }
}

/** Every scheduled activity, with the summary its call gave (undefined when it gave none). */
export function activitySummaries(history: History): Array<{ activityType: string; summary: string | undefined }> {
  return (history.events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => ({
      activityType: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
      summary: payloadText(e.userMetadata?.summary),
    }));
}

/** Identities of the workers that started the run's activity tasks. */
export function activityWorkers(history: History): string[] {
  return (history.events ?? [])
    .map((e) => e.activityTaskStartedEventAttributes?.identity)
    .filter((i): i is string => !!i);
}
