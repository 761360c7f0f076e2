/** How a workflow run failed, for tests that expect it to. */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** The ApplicationFailure `result` (a run's result) rejected with; the test fails if it was anything else. */
export async function applicationFailureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const err: unknown = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
