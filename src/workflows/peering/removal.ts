import { proxyActivities } from '@temporalio/workflow';
import { accessForRef, type RemovalSide, type SideAccess } from '../../domain/aws/access';
import { deletionOrder, PHASES, type ResourceRef, type DeleteFailure } from '../../domain/aws/resource-ref';
import { CLEANUP, type Activities } from '../activity-options';

const { deleteResources } = proxyActivities<Activities>(CLEANUP);

export interface RemovalReport {
  deleted: ResourceRef[];
  alreadyGone: ResourceRef[];
  failed: DeleteFailure[];
}

/** A phase's refs, one group per region and account, in the order they first appear. */
function groupsOf(refs: ResourceRef[], sides: RemovalSide[]) {
  const groups = new Map<string, { region: string; access: SideAccess; refs: ResourceRef[] }>();
  for (const ref of refs) {
    const access = accessForRef(ref, sides);
    const key = `${ref.region}|${access.roleArn ?? ''}|${access.externalId ?? ''}`;
    const group = groups.get(key) ?? { region: ref.region, access, refs: [] };
    group.refs.push(ref);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Removes resources phase by phase, every region (and account) of a phase in parallel, each ref
 * through the side that reaches its account (`sides`, in request order). A phase that fails is
 * reported and the next phases are still tried, so one stuck rule does not leave VPCs behind.
 */
export async function removeResources(refs: ResourceRef[], sides: RemovalSide[] = []): Promise<RemovalReport> {
  const report: RemovalReport = { deleted: [], alreadyGone: [], failed: [] };
  const ordered = deletionOrder(refs);
  for (const phase of PHASES) {
    const groups = groupsOf(
      ordered.filter((r) => phase.includes(r.type)),
      sides,
    );
    const results = await Promise.allSettled(
      groups.map((g) =>
        deleteResources.executeWithOptions({ summary: `Delete ${g.refs.length} ${phase.join('/')} in ${g.region}` }, [
          { region: g.region, refs: g.refs, ...g.access },
        ]),
      ),
    );
    results.forEach((res, i) => {
      if (res.status === 'fulfilled') {
        report.deleted.push(...res.value.deleted);
        report.alreadyGone.push(...res.value.alreadyGone);
        report.failed.push(...res.value.failed);
      } else {
        const reason = res.reason as Error & { cause?: Error };
        const message = reason.cause?.message ?? reason.message ?? String(res.reason);
        for (const ref of groups[i]!.refs) report.failed.push({ ref, error: message });
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
