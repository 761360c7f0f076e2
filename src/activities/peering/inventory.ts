import { paginateDescribeVpcPeeringConnections, type EC2Client, type VpcPeeringConnection } from '@aws-sdk/client-ec2';
import type { Client } from '@temporalio/client';
import { sameAccess, type SideAccess } from '../../domain/aws/access';
import { refKey, type ResourceRef } from '../../domain/aws/resource-ref';
import { NACL_RECORD_TAG, NACL_RULES_TAG, SETUP_ID_TAG } from '../../domain/aws/tags';
import type { PeeringRequest, SetupLocator } from '../../domain/peering/types';
import type { AwsClients } from '../aws/clients';
import { keepAlive } from '../activity-context';
import { collect, hasSetupTag, setupFilter, tagValue } from '../ec2/helpers';
import { nonRetryable } from '../aws/errors';
import {
  LIVE,
  parseRuleRange,
  recordedNaclEntries,
  routesThrough,
  setupOfPeeringGroups,
  spanNaclEntries,
  taggedInRegion,
} from './inventory-searches';
import { describePeering } from '../ec2/peering-connection';
import { locatorOf } from '../history/setup-lookup';
import { readWorkflowStart } from '../history/workflow-start';
import { FailureTypes } from '../../domain/failure-types';
import { locatorAccess } from '../../domain/peering/types';
import { PeeringWorkflows } from '../../domain/peering/types';

export interface Inventory {
  setupId?: string;
  peeringConnectionId?: string;
  /** In deletion order: NACL entries, routes, flow logs, security groups, the peering, subnets, VPCs, log groups. */
  refs: ResourceRef[];
  /** The setup adopted this peering rather than made it: it is never among `refs`. */
  adoptedPeeringId?: string;
  /** How each side was reached: the locator's roles, or those read from the setup the peering names. */
  access?: { requester: SideAccess; accepter: SideAccess };
}

export function createInventoryActivities(clients: AwsClients, temporal?: Client) {
  async function findPeering(ec2: EC2Client, locator: SetupLocator): Promise<VpcPeeringConnection | undefined> {
    if (locator.peeringConnectionId) return describePeering(ec2, locator.peeringConnectionId);
    const all = await collect(
      paginateDescribeVpcPeeringConnections({ client: ec2 }, { Filters: [setupFilter(locator.setupId!)] }),
      (p) => p.VpcPeeringConnections,
    );
    return (
      all.find((p) => hasSetupTag(p.Tags, locator.setupId!) && LIVE(p)) ??
      all.find((p) => hasSetupTag(p.Tags, locator.setupId!))
    );
  }

  /**
   * Finds everything a setup created. VPCs, subnets and groups carry its tag. Routes and NACL
   * entries cannot be tagged: routes are those through the setup's peering, NACL entries those
   * recorded on each ACL for that peering. Neither needs AWS to still list the peering: its id is
   * known from the request, the setup's result, or its security groups' names.
   */
  /**
   * A peering given by id, with no roles: the setup its tag (or its groups) names may have sides in
   * other accounts, whose roles its recorded request holds.
   */
  async function withSetupRoles(locator: SetupLocator, setupId: string | undefined): Promise<SetupLocator> {
    if (!temporal || !setupId || locator.setupId || locator.requesterRoleArn || locator.accepterRoleArn) return locator;
    const start = await readWorkflowStart<PeeringRequest>(temporal, setupId, PeeringWorkflows.SetupInterRegionPeering);
    if (typeof start === 'string') return locator;
    const { setupId: _own, knownPeeringIds: _known, ...roles } = locatorOf(setupId, start.input);
    return { ...locator, ...roles };
  }

  /**
   * Finds everything a setup created. VPCs, subnets and groups carry its tag. Routes and NACL
   * entries cannot be tagged: routes are those through the setup's peering, NACL entries those
   * recorded on each ACL for that peering. Neither needs AWS to still list the peering: its id is
   * known from the request, the setup's result, or its security groups' names. A peering the setup
   * adopted is never among them. Each side is searched in its own account.
   */
  async function findSetupResources(given: SetupLocator): Promise<Inventory> {
    return keepAlive(async () => {
      const pcx = await findPeering(clients.ec2(given.requesterRegion, locatorAccess(given, 'requester')), given);
      const tagOwner = tagValue(pcx?.Tags, SETUP_ID_TAG);
      const named = pcx?.VpcPeeringConnectionId ?? given.peeringConnectionId;
      const groupOwner =
        !given.setupId && !tagOwner && named
          ? await setupOfPeeringGroups(
              (['requester', 'accepter'] as const).map((side) =>
                clients.ec2(
                  side === 'requester' ? given.requesterRegion : given.accepterRegion,
                  locatorAccess(given, side),
                ),
              ),
              named,
            )
          : undefined;
      const setupId = given.setupId ?? tagOwner ?? groupOwner;
      if (pcx && !setupId) {
        throw nonRetryable(
          FailureTypes.NotCreatedBySetup,
          `${given.peeringConnectionId} has no ${SETUP_ID_TAG} tag, and no setup's group names it; it was not created by a setup and is left alone`,
        );
      }
      const locator = await withSetupRoles(given, setupId);
      const access = { requester: locatorAccess(locator, 'requester'), accepter: locatorAccess(locator, 'accepter') };
      const req = clients.ec2(locator.requesterRegion, access.requester);
      const acc = clients.ec2(locator.accepterRegion, access.accepter);
      // Both sides in one region and account (an intra-region peering): one search finds both.
      const oneSearch =
        locator.requesterRegion === locator.accepterRegion && sameAccess(access.requester, access.accepter);
      const regions = [
        { ec2: req, region: locator.requesterRegion, access: access.requester },
        ...(oneSearch ? [] : [{ ec2: acc, region: locator.accepterRegion, access: access.accepter }]),
      ];
      // A peering the setup did not tag as its own is one it adopted (or none of its business).
      const adopted =
        locator.adoptedPeeringId ?? (pcx && setupId && !hasSetupTag(pcx.Tags, setupId) ? named : undefined);
      const logsOf = (r: (typeof regions)[number]) => clients.logs(r.region, r.access);
      const tagged = setupId
        ? await Promise.all(regions.map((r) => taggedInRegion(r.ec2, logsOf(r), r.region, setupId, locator.knownRefs)))
        : [];
      const pcxIds = [
        ...new Set([named, adopted, ...(locator.knownPeeringIds ?? []), ...tagged.flatMap((t) => t.peeringIds)]),
      ].filter((id): id is string => id !== undefined);

      const lookups = pcxIds.flatMap((id) =>
        regions.flatMap((r) => [recordedNaclEntries(r.ec2, r.region, id), routesThrough(r.ec2, r.region, id)]),
      );
      const range = parseRuleRange(tagValue(pcx?.Tags, NACL_RULES_TAG));
      if (pcx && range && !tagValue(pcx.Tags, NACL_RECORD_TAG)) {
        const reqVpc = pcx.RequesterVpcInfo?.VpcId;
        const accVpc = pcx.AccepterVpcInfo?.VpcId;
        if (reqVpc && pcx.AccepterVpcInfo?.CidrBlock)
          lookups.push(spanNaclEntries(req, locator.requesterRegion, reqVpc, pcx.AccepterVpcInfo.CidrBlock, range));
        if (accVpc && pcx.RequesterVpcInfo?.CidrBlock)
          lookups.push(spanNaclEntries(acc, locator.accepterRegion, accVpc, pcx.RequesterVpcInfo.CidrBlock, range));
      }
      const found = (await Promise.all(lookups)).flat();
      const naclFirst = found.sort(
        (a, b) => Number(b.type === 'network-acl-entry') - Number(a.type === 'network-acl-entry'),
      );
      const seen = new Set<string>();
      const dependents = naclFirst.filter((r) => !seen.has(refKey(r)) && seen.add(refKey(r)));
      // Without a setup tag or a record of its own, nothing through a vanished peering is provably the setup's.
      if (!setupId && !dependents.some((r) => r.type === 'network-acl-entry' && r.target)) {
        return { ...(named ? { peeringConnectionId: named } : {}), refs: [], access };
      }
      const ours = setupId !== undefined && hasSetupTag(pcx?.Tags, setupId) && named !== adopted;
      const pcxRefs: ResourceRef[] =
        pcx && LIVE(pcx) && ours
          ? [
              {
                type: 'peering-connection',
                region: locator.requesterRegion,
                id: pcx.VpcPeeringConnectionId!,
                peerRegion: locator.accepterRegion,
                ...(pcx.RequesterVpcInfo?.OwnerId ? { accountId: pcx.RequesterVpcInfo.OwnerId } : {}),
              },
            ]
          : [];
      const [r, a] = tagged;
      const shownId = named ?? adopted ?? pcxIds[0];
      return {
        ...(setupId ? { setupId } : {}),
        ...(shownId ? { peeringConnectionId: shownId } : {}),
        ...(adopted ? { adoptedPeeringId: adopted } : {}),
        access,
        refs: [
          ...dependents,
          ...(r?.flowLogs ?? []),
          ...(a?.flowLogs ?? []),
          ...(r?.groups ?? []),
          ...(a?.groups ?? []),
          ...pcxRefs,
          ...(r?.subnets ?? []),
          ...(a?.subnets ?? []),
          ...(r?.vpcs ?? []),
          ...(a?.vpcs ?? []),
          ...(r?.logGroups ?? []),
          ...(a?.logGroups ?? []),
        ],
      };
    });
  }

  return { findSetupResources };
}
