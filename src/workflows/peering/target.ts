import { proxyActivities } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failure-types';
import type { PeeringTarget, SetupLocator, SetupRecord } from '../../domain/peering/types';
import { failureType } from '../failures';
import { COMPOSITE, EC2_CALL, type Activities } from '../activity-options';

const records = proxyActivities<Activities>(EC2_CALL);
const inventory = proxyActivities<Activities>(COMPOSITE);

/** A peering as a drill or a cost report acts on it: where it is, and the setup behind it when known. */
export interface ResolvedPeering {
  locator: SetupLocator;
  /** Absent when the setup made none (it failed, or was torn down). */
  peeringConnectionId?: string;
  /** The setup's request and result, read back from its own history. */
  record?: SetupRecord;
}

/**
 * The one resolver of a `PeeringTarget`. A setup is read back from its own history (SetupNotFound
 * is thrown as the activity raised it), and its peering taken from its result or found by its tag.
 * A peering given by id needs nothing read, unless `findSetup` asks for the setup that its tag names
 * (none, or a peering not made by a setup, leaves `record` unset).
 */
export async function resolvePeeringTarget(target: PeeringTarget, findSetup = false): Promise<ResolvedPeering> {
  if ('setupWorkflowId' in target) {
    const record = await readSetup(target.setupWorkflowId);
    const peeringConnectionId = record.result?.peeringConnectionId ?? (await setupPeering(record));
    return { locator: record.locator, record, ...(peeringConnectionId ? { peeringConnectionId } : {}) };
  }
  const { peeringConnectionId, requesterRegion, accepterRegion } = target;
  const locator = { peeringConnectionId, requesterRegion, accepterRegion };
  if (!findSetup) return { locator, peeringConnectionId };
  let setupId: string | undefined;
  try {
    setupId = (
      await inventory.findSetupResources.executeWithOptions(
        { summary: `Find the setup that made ${peeringConnectionId}` },
        [locator],
      )
    ).setupId;
  } catch (err) {
    if (failureType(err) !== FailureTypes.NotCreatedBySetup) throw err;
  }
  if (!setupId) return { locator, peeringConnectionId };
  const record = await readSetup(setupId);
  return { locator: { ...record.locator, peeringConnectionId }, record, peeringConnectionId };
}

function readSetup(setupId: string): Promise<SetupRecord> {
  return records.readSetupRecord.executeWithOptions({ summary: `Read setup ${setupId}'s request and result` }, [
    setupId,
  ]);
}

async function setupPeering(record: SetupRecord): Promise<string | undefined> {
  const found = await inventory.findSetupResources.executeWithOptions(
    { summary: `Find the peering of setup ${record.locator.setupId ?? ''}` },
    [record.locator],
  );
  return found.peeringConnectionId;
}
