/** Pure helpers: medians, EC2 call classification and what a workflow history says about time. */

export interface AwsCall {
  service: string;
  region: string;
  operation: string;
}

export interface CallCount {
  total: number;
  mutating: number;
  readOnly: number;
  byOperation: Record<string, number>;
}

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** EC2 names its reads Describe*, Get* and List*; everything else changes something. */
export const isReadOnly = (operation: string): boolean => /^(Describe|Get|List)/.test(operation);

export function countCalls(calls: AwsCall[]): CallCount {
  const ec2 = calls.filter((c) => c.service === 'ec2');
  const byOperation: Record<string, number> = {};
  for (const c of ec2) byOperation[c.operation] = (byOperation[c.operation] ?? 0) + 1;
  const readOnly = ec2.filter((c) => isReadOnly(c.operation)).length;
  return { total: ec2.length, mutating: ec2.length - readOnly, readOnly, byOperation };
}

/** The element-wise median of several counts: the figure reported per setup. */
export function medianCount(counts: CallCount[]): CallCount {
  const ops = [...new Set(counts.flatMap((c) => Object.keys(c.byOperation)))].sort();
  return {
    total: median(counts.map((c) => c.total)),
    mutating: median(counts.map((c) => c.mutating)),
    readOnly: median(counts.map((c) => c.readOnly)),
    byOperation: Object.fromEntries(ops.map((op) => [op, median(counts.map((c) => c.byOperation[op] ?? 0))])),
  };
}

/** Operations whose counts differ between two call lists, as `op: a vs b`. Empty when they match. */
export function callDifference(a: CallCount, b: CallCount): string[] {
  const ops = [...new Set([...Object.keys(a.byOperation), ...Object.keys(b.byOperation)])].sort();
  return ops
    .filter((op) => (a.byOperation[op] ?? 0) !== (b.byOperation[op] ?? 0))
    .map((op) => `${op}: ${a.byOperation[op] ?? 0} vs ${b.byOperation[op] ?? 0}`);
}

/**
 * Where two runs' EC2 calls first part ways, region by region, as `region #n: a vs b`. Within one
 * region the order is fixed; across regions the sides run at once, so their interleaving is not.
 */
export function sequenceDifference(a: AwsCall[], b: AwsCall[]): string[] {
  const ec2 = (calls: AwsCall[], region: string) =>
    calls.filter((c) => c.service === 'ec2' && c.region === region).map((c) => c.operation);
  const regions = [...new Set([...a, ...b].filter((c) => c.service === 'ec2').map((c) => c.region))].sort();
  return regions.flatMap((region) => {
    const [x, y] = [ec2(a, region), ec2(b, region)];
    const at = x.findIndex((op, i) => op !== y[i]);
    const first = at === -1 && x.length !== y.length ? Math.min(x.length, y.length) : at;
    return first === -1 ? [] : [`${region} call ${first + 1}: ${x[first] ?? '(none)'} vs ${y[first] ?? '(none)'}`];
  });
}

/** The few fields of a history event the bench reads; structural, so no proto import is needed. */
interface Timestamp {
  seconds?: { toString(): string } | number | null;
  nanos?: number | null;
}
type HistoryEvent = Record<string, unknown> & { eventId?: unknown; eventTime?: Timestamp | null };

export interface HistoryStats {
  events: number;
  byType: Record<string, number>;
  workflowTasks: number;
  activities: number;
  /** First to last event. */
  durationMs: number;
  /** Per activity type: median ms from scheduled to started (queueing) and started to closed (running). */
  activityTimes: Record<string, { count: number; queuedMs: number; runMs: number }>;
  /** Sum over workflow tasks of scheduled to completed. */
  workflowTaskMs: number;
  /** Of that, the sum of scheduled to started: waiting for a worker to poll the task. */
  workflowTaskQueuedMs: number;
  /** Time no activity was scheduled, started or running: what orchestration alone costs. */
  idleMs: number;
}

const toMs = (t: Timestamp | null | undefined): number =>
  t ? Number(String(t.seconds ?? 0)) * 1000 + (t.nanos ?? 0) / 1e6 : NaN;

/** `activityTaskScheduledEventAttributes` → `ActivityTaskScheduled`. */
function eventType(e: HistoryEvent): string {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k] != null);
  return key ? key[0]!.toUpperCase() + key.slice(1, -'EventAttributes'.length) : 'Unknown';
}

export function historyStats(history: { events?: readonly object[] | null }): HistoryStats {
  const events = (history.events ?? []) as HistoryEvent[];
  const byType: Record<string, number> = {};
  const scheduled = new Map<string, { type: string; at: number }>();
  const started = new Map<string, number>();
  const perActivity: Record<string, { queued: number[]; run: number[] }> = {};
  const busy: Array<[number, number]> = [];
  const wftScheduled = new Map<string, number>();
  let workflowTaskMs = 0;
  let workflowTaskQueuedMs = 0;
  for (const e of events) {
    const type = eventType(e);
    byType[type] = (byType[type] ?? 0) + 1;
    const at = toMs(e.eventTime);
    const attrs = (e[`${type[0]!.toLowerCase()}${type.slice(1)}EventAttributes`] ?? {}) as {
      activityType?: { name?: string };
      scheduledEventId?: { toString(): string };
    };
    const id = String(e.eventId);
    if (type === 'ActivityTaskScheduled') scheduled.set(id, { type: attrs.activityType?.name ?? '?', at });
    if (type === 'ActivityTaskStarted') started.set(String(attrs.scheduledEventId), at);
    if (/^ActivityTask(Completed|Failed|TimedOut|Canceled)$/.test(type)) {
      const sid = String(attrs.scheduledEventId);
      const s = scheduled.get(sid);
      const st = started.get(sid) ?? at;
      if (s) {
        const entry = (perActivity[s.type] ??= { queued: [], run: [] });
        entry.queued.push(st - s.at);
        entry.run.push(at - st);
        busy.push([s.at, at]);
      }
    }
    if (type === 'WorkflowTaskScheduled') wftScheduled.set(id, at);
    if (type === 'WorkflowTaskStarted') {
      const s = wftScheduled.get(String(attrs.scheduledEventId));
      if (s !== undefined) workflowTaskQueuedMs += at - s;
    }
    if (type === 'WorkflowTaskCompleted') {
      const sid = String(attrs.scheduledEventId);
      const s = wftScheduled.get(sid);
      if (s !== undefined) workflowTaskMs += at - s;
    }
  }
  const first = toMs(events[0]?.eventTime);
  const last = toMs(events.at(-1)?.eventTime);
  return {
    events: events.length,
    byType,
    workflowTasks: byType.WorkflowTaskCompleted ?? 0,
    activities: byType.ActivityTaskScheduled ?? 0,
    durationMs: last - first,
    activityTimes: Object.fromEntries(
      Object.entries(perActivity).map(([name, t]) => [
        name,
        { count: t.run.length, queuedMs: median(t.queued), runMs: median(t.run) },
      ]),
    ),
    workflowTaskMs,
    workflowTaskQueuedMs,
    idleMs: last - first - unionLength(busy),
  };
}

function unionLength(intervals: Array<[number, number]>): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

export interface HistorySummary {
  runs: number;
  events: number;
  durationMs: number;
  maxDurationMs: number;
  workflowTasks: number;
  workflowTaskMs: number;
  workflowTaskQueuedMs: number;
  activities: number;
  idleMs: number;
  eventsByType: Record<string, number>;
  /** Timeouts and failures summed over all runs: rare, so a median would hide them. */
  failureEvents: Record<string, number>;
  activityTimes: Record<string, { count: number; queuedMs: number; runMs: number; maxQueuedMs: number }>;
}

/** Medians over several runs' histories (max where named so). */
export function summarizeHistories(stats: HistoryStats[]): HistorySummary {
  const med = (pick: (h: HistoryStats) => number) => Math.round(median(stats.map(pick)) * 10) / 10;
  const types = [...new Set(stats.flatMap((h) => Object.keys(h.byType)))];
  const names = [...new Set(stats.flatMap((h) => Object.keys(h.activityTimes)))];
  return {
    runs: stats.length,
    events: med((h) => h.events),
    durationMs: med((h) => h.durationMs),
    maxDurationMs: Math.round(Math.max(...stats.map((h) => h.durationMs))),
    workflowTasks: med((h) => h.workflowTasks),
    workflowTaskMs: med((h) => h.workflowTaskMs),
    workflowTaskQueuedMs: med((h) => h.workflowTaskQueuedMs),
    activities: med((h) => h.activities),
    idleMs: med((h) => h.idleMs),
    eventsByType: Object.fromEntries(types.map((t) => [t, med((h) => h.byType[t] ?? 0)]).filter(([, v]) => v !== 0)),
    failureEvents: Object.fromEntries(
      types
        .filter((t) => /TimedOut|Failed|Canceled|Terminated/.test(t))
        .map((t) => [t, stats.reduce((sum, h) => sum + (h.byType[t] ?? 0), 0)]),
    ),
    activityTimes: Object.fromEntries(
      names.map((name) => {
        const per = stats.map((h) => h.activityTimes[name]).filter((t) => t !== undefined);
        return [
          name,
          {
            count: median(per.map((t) => t.count)),
            queuedMs: Math.round(median(per.map((t) => t.queuedMs))),
            runMs: Math.round(median(per.map((t) => t.runMs))),
            maxQueuedMs: Math.round(Math.max(...per.map((t) => t.queuedMs))),
          },
        ];
      }),
    ),
  };
}
