import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';
import { FailureTypes, NON_RETRYABLE_FAILURES } from '../domain/failure-types';

export type { Activities } from '../activities';

const NON_RETRYABLE = [...NON_RETRYABLE_FAILURES];

/**
 * A single EC2 call or a short read-check-write. Waiting for a cancelled activity to finish means a
 * resource it was creating exists (and is found by its tag) before compensation looks for it. The
 * short timeout is what notices a crashed worker, since these calls do not heartbeat.
 */
export const EC2_CALL = {
  startToCloseTimeout: '30 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
} as const satisfies ActivityOptions;

/**
 * Several EC2 calls in one activity (a VPC with its subnets, a side's routes, group and NACL
 * entries, an inventory): on AWS, with throttling and eventual consistency, that can take minutes.
 * The activity heartbeats every few seconds while it runs, so a lost worker is noticed within the
 * heartbeat timeout rather than at the end of the long start-to-close.
 *
 * Its retries are bounded by time, not attempts: every attempt lost with its worker counts as one,
 * and a retry that waits out tag lag takes longer than a churning worker lives (the chaos run lost
 * a setup after ten such attempts in eight minutes). Errors past retrying are non-retryable anyway.
 */
export const COMPOSITE = {
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: EC2_CALL.retry.initialInterval,
    backoffCoefficient: EC2_CALL.retry.backoffCoefficient,
    maximumInterval: EC2_CALL.retry.maximumInterval,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
} as const satisfies ActivityOptions;

/** Polling AWS for a state change; heartbeats every poll so a lost worker is noticed quickly. */
export const LONG_WAIT = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '45 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 6,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
} as const satisfies ActivityOptions;

/** Deletes: bounded, so a stuck delete is reported rather than retried forever. */
export const CLEANUP = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '40 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
} as const satisfies ActivityOptions;

/** Promoting an RDS replica: minutes on AWS. The wait heartbeats, so a lost worker is noticed. */
export const PROMOTION = {
  startToCloseTimeout: '35 minutes',
  heartbeatTimeout: '1 minute',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
} as const satisfies ActivityOptions;

/**
 * The DNS switch once a replica may have been promoted: there is no going back, so transient
 * Route 53 errors are retried for longer than other calls (about 15 minutes in all).
 */
export const DNS_SWITCH = {
  startToCloseTimeout: '12 minutes',
  heartbeatTimeout: '1 minute',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
} as const satisfies ActivityOptions;

/**
 * Scaling a group or service and waiting until the capacity is in service: instances boot and pass
 * health checks in minutes. The wait heartbeats, so a lost worker is noticed.
 */
export const SCALE = {
  ...PROMOTION,
  startToCloseTimeout: '20 minutes',
  retry: { ...PROMOTION.retry, maximumAttempts: 3 },
} as const satisfies ActivityOptions;

/**
 * Waiting for the application's health signals after the switch. Each call sets its timeouts from
 * the request's `recoveryTimeout` (recovered.ts); the wait heartbeats every poll, and a retry after
 * a lost worker waits only until the same deadline.
 */
export const RECOVERY = {
  startToCloseTimeout: '16 minutes',
  // Short, as heartbeats go: the SDK sends details at most every 80% of it, and they are what the
  // Web UI and `failover --wait` show of the signals while the wait runs.
  heartbeatTimeout: '20 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
} as const satisfies ActivityOptions;

/**
 * Cost Explorer: every request is billed ($0.01), so a failed one is retried only a few times, and
 * a throttled one (LimitExceededException) after a longer pause.
 */
export const COST_EXPLORER = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [...NON_RETRYABLE, FailureTypes.CostReportTooLarge],
  },
} as const satisfies ActivityOptions;
