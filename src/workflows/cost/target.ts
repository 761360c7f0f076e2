import { type SideAccess } from '../../domain/aws/access';
import type { AllowRule } from '../../domain/peering/types';
import { resolvePeeringTarget } from '../peering/target';
import { locatorAccess, type PeeringTarget } from '../../domain/peering/types';

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
export async function resolveCostTarget(peering: PeeringTarget): Promise<CostTarget> {
  const { locator, record, peeringConnectionId } = await resolvePeeringTarget(peering);
  const { requesterRoleArn, accepterRoleArn } = locator;
  return {
    regions: [locator.requesterRegion, locator.accepterRegion],
    ...(requesterRoleArn ? { requesterRoleArn } : {}),
    ...(accepterRoleArn ? { accepterRoleArn } : {}),
    ...(record
      ? {
          access: { requester: locatorAccess(locator, 'requester'), accepter: locatorAccess(locator, 'accepter') },
          setupWorkflowId: 'setupWorkflowId' in peering ? peering.setupWorkflowId : locator.setupId,
        }
      : {}),
    peeringConnectionId: peeringConnectionId ?? null,
    allow: record?.request.allow ?? [],
  };
}
