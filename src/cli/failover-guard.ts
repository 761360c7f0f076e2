import type { Client } from '@temporalio/client';
import type { FailoverRequest } from '../domain/failover/types';
import { failoverDefaultId } from './default-ids';

/**
 * The run on the same record the other way round (a failback while the failover runs, or the
 * reverse), found by its default id: starting one against the other would leave the record to
 * whichever switches last. Only default ids are known here; `--id` runs are the caller's to watch.
 */
export async function oppositeRunning(client: Client, req: FailoverRequest): Promise<string | undefined> {
  const id = failoverDefaultId({ ...req, from: req.to, to: req.from });
  const info = await client.workflow
    .getHandle(id)
    .describe()
    .catch(() => undefined);
  return info?.status.name === 'RUNNING' ? id : undefined;
}
