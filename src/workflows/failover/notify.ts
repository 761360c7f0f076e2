import { ActivityCancellationType, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { noticeOf } from '../../domain/failover/decisions';
import { NON_RETRYABLE_FAILURES } from '../../domain/failure-types';
import { explain } from '../failures';
import type { Activities } from '../activity-options';
import type { FailoverRun } from './run';

/** A few quick tries: a notice that cannot go out is a warning, and must not hold up the failover. */
const NOTIFY = {
  startToCloseTimeout: '20 seconds',
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumAttempts: 3,
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
  },
} as const satisfies ActivityOptions;

const sns = proxyActivities<Activities>(NOTIFY);

/**
 * With `notify`: publishes that the run waits for a decision, or how it ended, with the findings,
 * the RTO and the RPO. A publish that fails is a warning in the report, never a failed failover.
 */
export async function notify(run: FailoverRun, when: 'waiting' | 'ended'): Promise<void> {
  const notice = noticeOf(run.req, run.report, when, workflowInfo().workflowId);
  if (!notice) return;
  try {
    await sns.publishFailoverNotice.executeWithOptions(
      { summary: `Notify ${notice.topicArn}: ${when === 'waiting' ? 'decision needed' : run.report.outcome}` },
      [notice],
    );
  } catch (err) {
    run.report.warnings?.push(
      `notify: the ${when === 'waiting' ? '"decision needed"' : 'outcome'} notice to ${notice.topicArn} was not published: ${explain(err)}`,
    );
  }
}
