import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DeleteFailure } from '../activities/cleanup';
import { deletionOrder, PHASES } from '../domain/resource-ref';
import type { ResourceRef } from '../domain/types';
import { CLEANUP } from './profiles';

const { deleteResources } = proxyActivities<ReturnType<typeof createActivities>>(CLEANUP);

export interface RemovalReport {
  deleted: ResourceRef[];
  alreadyGone: ResourceRef[];
  failed: DeleteFailure[];
}

/**
 * Removes resources phase by phase, both regions of a phase in parallel. A phase that fails is
 * reported and the next phases are still tried, so one stuck rule does not leave VPCs behind.
 */
export async function removeResources(
  refs: ResourceRef[],
  roleArns: Record<string, string | undefined> = {},
): Promise<RemovalReport> {
  const report: RemovalReport = { deleted: [], alreadyGone: [], failed: [] };
  const ordered = deletionOrder(refs);
  for (const phase of PHASES) {
    const inPhase = ordered.filter((r) => phase.includes(r.type));
    const regions = [...new Set(inPhase.map((r) => r.region))];
    const results = await Promise.allSettled(
      regions.map((region) => {
        const roleArn = roleArns[region];
        return deleteResources.executeWithOptions(
          { summary: `Delete ${inPhase.filter((r) => r.region === region).length} ${phase.join('/')} in ${region}` },
          [{ region, refs: inPhase.filter((r) => r.region === region), ...(roleArn ? { roleArn } : {}) }],
        );
      }),
    );
    results.forEach((res, i) => {
      if (res.status === 'fulfilled') {
        report.deleted.push(...res.value.deleted);
        report.alreadyGone.push(...res.value.alreadyGone);
        report.failed.push(...res.value.failed);
      } else {
        const reason = res.reason as Error & { cause?: Error };
        const message = reason.cause?.message ?? reason.message ?? String(res.reason);
        for (const ref of inPhase.filter((r) => r.region === regions[i])) report.failed.push({ ref, error: message });
      }
    });
  }
  return report;
}

export function summarizeRemoval(r: RemovalReport): string {
  const failed = r.failed.length
    ? `, FAILED to delete ${r.failed.length}: ${r.failed.map((f) => `${f.ref.type} ${f.ref.id} (${f.error})`).join('; ')}`
    : '';
  return `deleted ${r.deleted.length}, ${r.alreadyGone.length} already gone${failed}`;
}
