import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { InspectPeeringInput } from '../activities/peering-inspection';
import type { SetupRecord } from '../activities/setup-lookup';
import type { DrillRequest } from '../domain/drill-types';
import type { PeeringRole } from '../domain/failover-types';
import type { SetupLocator } from '../domain/types';
import { explain, failureType } from './failures';
import { COMPOSITE, EC2_CALL } from './profiles';

type Activities = ReturnType<typeof createActivities>;
const inspection = proxyActivities<Activities>(COMPOSITE);
const setupRecords = proxyActivities<Activities>(EC2_CALL);

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
  const readRecord = async (setupId: string): Promise<SetupRecord | string> => {
    try {
      return await setupRecords.readSetupRecord.executeWithOptions(
        { summary: `Read setup ${setupId}'s request and result` },
        [setupId],
      );
    } catch (err) {
      if (failureType(err) === 'SetupNotFound')
        return `${explain(err)} (its history may be past the namespace's retention)`;
      throw err;
    }
  };

  if ('setupWorkflowId' in req.peering) {
    const setupId = req.peering.setupWorkflowId;
    const record = await readRecord(setupId);
    if (typeof record === 'string')
      return { expected: {}, problem: `${record}; drill by peeringConnectionId with "expect" instead` };
    let pcx = record.result?.peeringConnectionId;
    if (!pcx) {
      const inventory = await inspection.findSetupResources.executeWithOptions(
        { summary: `Find the peering of setup ${setupId}` },
        [record.locator],
      );
      pcx = inventory.peeringConnectionId;
    }
    if (!pcx)
      return { expected: {}, problem: `setup ${setupId} has no peering connection (it failed, or was torn down)` };
    return { locator: { ...record.locator, peeringConnectionId: pcx }, expected: fromRecord(record) };
  }

  const { peeringConnectionId, requesterRegion, accepterRegion } = req.peering;
  const locator = { peeringConnectionId, requesterRegion, accepterRegion };
  if (fromExpect) return { locator, expected: fromExpect };
  // The peering's setup tag leads to the setup, whose request holds the allowed rules.
  let setupId: string | undefined;
  try {
    setupId = (
      await inspection.findSetupResources.executeWithOptions(
        { summary: `Find the setup that made ${peeringConnectionId}` },
        [locator],
      )
    ).setupId;
  } catch (err) {
    if (failureType(err) !== 'NotCreatedBySetup') throw err;
  }
  if (!setupId)
    return {
      locator,
      expected: {
        allowUnknownReason: `${peeringConnectionId} was not made by a setup (or is gone); give "expect" in the drill request`,
      },
    };
  const record = await readRecord(setupId);
  if (typeof record === 'string')
    return { locator, expected: { allowUnknownReason: `${record}; give "expect" in the drill request` } };
  return { locator: { ...record.locator, peeringConnectionId }, expected: fromRecord(record) };
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
