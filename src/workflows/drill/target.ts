import type { DrillRequest } from '../../domain/drill/types';
import type { PeeringRole } from '../../domain/failover/types';
import type { SetupLocator } from '../../domain/peering/types';
import { explain, failureType } from '../failures';
import { resolvePeeringTarget, type ResolvedPeering } from '../peering/target';
import { type SetupRecord } from '../../domain/peering/types';
import { type InspectPeeringInput } from '../../domain/drill/types';
import { FailureTypes } from '../../domain/failure-types';

/** What the drill is about to check, or why it cannot check anything. */
export interface Target {
  locator?: SetupLocator & { peeringConnectionId: string };
  expected: Omit<InspectPeeringInput, 'locator'>;
  problem?: string;
}

/** The peering to drill and the rules it should hold: from the setup's own history, or from `expect`. */
export async function resolveTarget(req: DrillRequest): Promise<Target> {
  const fromExpect = req.expect
    ? {
        allow: req.expect.allow,
        dnsResolution: req.expect.dnsResolution ?? true,
        ...(req.expect.naclRuleBase ? { naclRuleBase: req.expect.naclRuleBase } : {}),
      }
    : undefined;
  const fromRecord = (record: SetupRecord): Target['expected'] => {
    const side = (role: 'requester' | 'accepter') => {
      const made = record.result?.[role];
      const routeTableIds = made?.routeTableIds ?? record.request[role].routeTableIds;
      const networkAclIds = made?.networkAclIds;
      // What the setup routed: results from before secondary CIDRs routed the primary one only.
      const cidrBlocks = made ? (made.cidrBlocks ?? [made.cidrBlock]) : undefined;
      return {
        ...(routeTableIds ? { routeTableIds } : {}),
        ...(networkAclIds ? { networkAclIds } : {}),
        ...(cidrBlocks ? { cidrBlocks } : {}),
        ...(made?.ipv6CidrBlocks ? { ipv6CidrBlocks: made.ipv6CidrBlocks } : {}),
      };
    };
    return {
      allow: record.request.allow,
      // An adopted peering's DNS options are its owner's, never the setup's to check or repair.
      dnsResolution: record.request.dnsResolution !== false && !record.request.peeringConnectionId,
      ...(record.request.naclRuleBase ? { naclRuleBase: record.request.naclRuleBase } : {}),
      ...(record.request.ipv6 ? { ipv6: true } : {}),
      requester: side('requester'),
      accepter: side('accepter'),
      ...fromExpect,
    };
  };
  const missing = (err: unknown): string | undefined =>
    failureType(err) === FailureTypes.SetupNotFound
      ? `${explain(err)} (its history may be past the namespace's retention)`
      : undefined;

  if ('setupWorkflowId' in req.peering) {
    const setupId = req.peering.setupWorkflowId;
    let found: ResolvedPeering;
    try {
      found = await resolvePeeringTarget(req.peering);
    } catch (err) {
      const reason = missing(err);
      if (!reason) throw err;
      return { expected: {}, problem: `${reason}; drill by peeringConnectionId with "expect" instead` };
    }
    const { record, peeringConnectionId: pcx } = found;
    if (!pcx || !record)
      return { expected: {}, problem: `setup ${setupId} has no peering connection (it failed, or was torn down)` };
    return { locator: { ...record.locator, peeringConnectionId: pcx }, expected: fromRecord(record) };
  }

  const { peeringConnectionId, requesterRegion, accepterRegion } = req.peering;
  const locator = { peeringConnectionId, requesterRegion, accepterRegion };
  if (fromExpect) return { locator, expected: fromExpect };
  // The peering's setup tag leads to the setup, whose request holds the allowed rules.
  let found: ResolvedPeering;
  try {
    found = await resolvePeeringTarget(req.peering, true);
  } catch (err) {
    const reason = missing(err);
    if (!reason) throw err;
    return { locator, expected: { allowUnknownReason: `${reason}; give "expect" in the drill request` } };
  }
  if (!found.record)
    return {
      locator,
      expected: {
        allowUnknownReason: `${peeringConnectionId} was not made by a setup (or is gone); give "expect" in the drill request`,
      },
    };
  return { locator: { ...found.record.locator, peeringConnectionId }, expected: fromRecord(found.record) };
}

/** The setup's side roles, for the rehearsal's peering check in each side's own account. */
export function peeringRolesOf(locator: SetupLocator): { peeringRoles?: PeeringRole[] } {
  const roles: PeeringRole[] = [];
  if (locator.requesterRoleArn) {
    const { requesterRoleArn: roleArn, requesterExternalId: externalId } = locator;
    roles.push({ region: locator.requesterRegion, roleArn, ...(externalId ? { externalId } : {}) });
  }
  if (locator.accepterRoleArn && locator.accepterRegion !== locator.requesterRegion) {
    const { accepterRoleArn: roleArn, accepterExternalId: externalId } = locator;
    roles.push({ region: locator.accepterRegion, roleArn, ...(externalId ? { externalId } : {}) });
  }
  return roles.length ? { peeringRoles: roles } : {};
}
