import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { locatorAccess, type SideAccess } from '../domain/access';
import type { DrillPeering } from '../domain/drill-types';
import type { AllowRule } from '../domain/types';
import { EC2_CALL } from './profiles';

type Activities = ReturnType<typeof createActivities>;
const lookups = proxyActivities<Activities>(EC2_CALL);

/** The region pair a cost report is about, and what is known of the peering between them. */
export interface CostTarget {
  /** `[requester, accepter]`. */
  regions: [string, string];
  requesterRoleArn?: string;
  accepterRoleArn?: string;
  /** How each side's account is reached (its role, external ID and session), for a setup's sides. */
  access?: { requester: SideAccess; accepter: SideAccess };
  peeringConnectionId: string | null;
  setupWorkflowId?: string;
  /** The setup's allowed rules, to count replies under their service port; empty for a bare peering. */
  allow: AllowRule[];
}

/** A setup is read back from its own history; a peering given by id needs nothing read. */
export async function resolveCostTarget(peering: DrillPeering): Promise<CostTarget> {
  if (!('setupWorkflowId' in peering)) {
    return {
      regions: [peering.requesterRegion, peering.accepterRegion],
      peeringConnectionId: peering.peeringConnectionId,
      allow: [],
    };
  }
  const setupId = peering.setupWorkflowId;
  const record = await lookups.readSetupRecord.executeWithOptions(
    { summary: `Read setup ${setupId}'s regions and peering` },
    [setupId],
  );
  let pcx = record.result?.peeringConnectionId;
  if (!pcx) {
    const inventory = await lookups.findSetupResources.executeWithOptions(
      { summary: `Find the peering of setup ${setupId}` },
      [record.locator],
    );
    pcx = inventory.peeringConnectionId;
  }
  const { requesterRoleArn, accepterRoleArn } = record.locator;
  return {
    regions: [record.locator.requesterRegion, record.locator.accepterRegion],
    ...(requesterRoleArn ? { requesterRoleArn } : {}),
    ...(accepterRoleArn ? { accepterRoleArn } : {}),
    access: {
      requester: locatorAccess(record.locator, 'requester'),
      accepter: locatorAccess(record.locator, 'accepter'),
    },
    peeringConnectionId: pcx ?? null,
    setupWorkflowId: setupId,
    allow: record.request.allow,
  };
}
