import {
  DeleteNetworkAclEntryCommand,
  DeleteRouteCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeNetworkAclsCommand,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  waitUntilVpcPeeringConnectionDeleted,
  type EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import { contains, parseCidr, type Cidr } from '../domain/cidr';
import { refKey } from '../domain/resource-ref';
import { NACL_RULES_TAG, SETUP_ID_TAG } from '../domain/tags';
import type { ResourceRef, SetupLocator } from '../domain/types';
import type { AwsClients } from './aws-clients';
import { activityInfo, activitySignal, collect, hasSetupTag, heartbeat, setupFilter, tagValue } from './ec2-helpers';
import {
  AwsErrors,
  errorName,
  FailureTypes,
  isNamed,
  isNotFound,
  nonRetryable,
  retryable,
  toApplicationFailure,
} from './errors';
import { describeVpcAcls, findEntry } from './network-acls';
import { describePeering } from './peering';

export interface Inventory {
  setupId?: string;
  peeringConnectionId?: string;
  /** In deletion order: NACL entries, routes, security groups, the peering, subnets, VPCs. */
  refs: ResourceRef[];
}

export interface DeleteInput {
  region: string;
  roleArn?: string;
  refs: ResourceRef[];
}

export interface DeleteFailure {
  ref: ResourceRef;
  error: string;
}

export interface DeleteResult {
  deleted: ResourceRef[];
  alreadyGone: ResourceRef[];
  failed: DeleteFailure[];
}

const LIVE = (p: VpcPeeringConnection) => !['deleted', 'rejected', 'expired'].includes(p.Status?.Code ?? '');

function parseRuleRange(text: string | undefined): [number, number] | undefined {
  const m = /^(\d+)-(\d+)$/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function createCleanupActivities(clients: AwsClients) {
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

  /** Routes through the peering, in the tables of the side's VPC. */
  async function peeringRoutes(ec2: EC2Client, region: string, vpcId: string, pcx: string): Promise<ResourceRef[]> {
    const tables = await collect(
      paginateDescribeRouteTables({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
      (p) => p.RouteTables,
    );
    return tables.flatMap((t) =>
      (t.Routes ?? [])
        .filter((r) => r.VpcPeeringConnectionId === pcx && r.DestinationCidrBlock)
        .map((r) => ({
          type: 'route' as const,
          region,
          id: t.RouteTableId!,
          destinationCidrBlock: r.DestinationCidrBlock!,
          target: pcx,
        })),
    );
  }

  /** Entries in the setup's recorded rule range that admit the peer's CIDR. */
  async function peeringNaclEntries(
    ec2: EC2Client,
    region: string,
    vpcId: string,
    peerCidr: string,
    range: [number, number],
  ): Promise<ResourceRef[]> {
    const peer = parseCidr(peerCidr);
    if (typeof peer === 'string') return [];
    const acls = await describeVpcAcls(ec2, vpcId);
    return acls.flatMap((acl) =>
      (acl.Entries ?? [])
        .filter(
          (e) =>
            e.RuleNumber! >= range[0] &&
            e.RuleNumber! <= range[1] &&
            e.CidrBlock &&
            contains(peer, parseCidr(e.CidrBlock) as Cidr),
        )
        .map((e) => ({
          type: 'network-acl-entry' as const,
          region,
          id: acl.NetworkAclId!,
          ruleNumber: e.RuleNumber!,
          egress: Boolean(e.Egress),
        })),
    );
  }

  async function taggedInRegion(ec2: EC2Client, region: string, setupId: string) {
    const filters = { Filters: [setupFilter(setupId)] };
    const [vpcs, subnets, groups] = await Promise.all([
      collect(paginateDescribeVpcs({ client: ec2 }, filters), (p) => p.Vpcs),
      collect(paginateDescribeSubnets({ client: ec2 }, filters), (p) => p.Subnets),
      collect(paginateDescribeSecurityGroups({ client: ec2 }, filters), (p) => p.SecurityGroups),
    ]);
    return {
      vpcs: vpcs
        .filter((v) => hasSetupTag(v.Tags, setupId))
        .map((v) => ({ type: 'vpc' as const, region, id: v.VpcId! })),
      subnets: subnets
        .filter((s) => hasSetupTag(s.Tags, setupId))
        .map((s) => ({ type: 'subnet' as const, region, id: s.SubnetId! })),
      groups: groups
        .filter((g) => hasSetupTag(g.Tags, setupId))
        .map((g) => ({ type: 'security-group' as const, region, id: g.GroupId! })),
    };
  }

  /**
   * Finds everything a setup created, by its tag. Routes and NACL entries cannot be tagged: routes
   * are those through the setup's peering, NACL entries those in the rule range recorded on it.
   */
  async function findSetupResources(locator: SetupLocator): Promise<Inventory> {
    const req = clients.ec2(locator.requesterRegion, locator.requesterRoleArn);
    const acc = clients.ec2(locator.accepterRegion, locator.accepterRoleArn);
    const pcx = await findPeering(req, locator);
    if (locator.peeringConnectionId && !pcx) {
      return { peeringConnectionId: locator.peeringConnectionId, refs: [] };
    }
    const setupId = locator.setupId ?? tagValue(pcx?.Tags, SETUP_ID_TAG);
    if (!setupId) {
      throw nonRetryable(
        FailureTypes.NotCreatedBySetup,
        `${locator.peeringConnectionId} has no ${SETUP_ID_TAG} tag; it was not created by a setup and is left alone`,
      );
    }
    const [reqTagged, accTagged] = await Promise.all([
      taggedInRegion(req, locator.requesterRegion, setupId),
      taggedInRegion(acc, locator.accepterRegion, setupId),
    ]);
    const dependents: ResourceRef[] = [];
    const pcxRefs: ResourceRef[] = [];
    if (pcx) {
      const id = pcx.VpcPeeringConnectionId!;
      const reqVpc = pcx.RequesterVpcInfo?.VpcId;
      const accVpc = pcx.AccepterVpcInfo?.VpcId;
      const range = parseRuleRange(tagValue(pcx.Tags, NACL_RULES_TAG));
      const lookups: Array<Promise<ResourceRef[]>> = [];
      if (reqVpc && range && pcx.AccepterVpcInfo?.CidrBlock)
        lookups.push(peeringNaclEntries(req, locator.requesterRegion, reqVpc, pcx.AccepterVpcInfo.CidrBlock, range));
      if (accVpc && range && pcx.RequesterVpcInfo?.CidrBlock)
        lookups.push(peeringNaclEntries(acc, locator.accepterRegion, accVpc, pcx.RequesterVpcInfo.CidrBlock, range));
      if (reqVpc) lookups.push(peeringRoutes(req, locator.requesterRegion, reqVpc, id));
      if (accVpc) lookups.push(peeringRoutes(acc, locator.accepterRegion, accVpc, id));
      const found = await Promise.all(lookups);
      dependents.push(
        ...found.flat().sort((a, b) => Number(b.type === 'network-acl-entry') - Number(a.type === 'network-acl-entry')),
      );
      if (LIVE(pcx))
        pcxRefs.push({
          type: 'peering-connection',
          region: locator.requesterRegion,
          id,
          peerRegion: locator.accepterRegion,
        });
    }
    return {
      setupId,
      ...(pcx ? { peeringConnectionId: pcx.VpcPeeringConnectionId! } : {}),
      refs: [
        ...dependents,
        ...reqTagged.groups,
        ...accTagged.groups,
        ...pcxRefs,
        ...reqTagged.subnets,
        ...accTagged.subnets,
        ...reqTagged.vpcs,
        ...accTagged.vpcs,
      ],
    };
  }

  /** Deletes one resource; false when it was already gone. Throws when AWS refuses. */
  async function deleteOne(ec2: EC2Client, ref: ResourceRef): Promise<boolean> {
    switch (ref.type) {
      case 'network-acl-entry': {
        // moto answers a missing entry with a bare 500, so look before deleting.
        const acl = await describeAcl(ec2, ref.id);
        if (!acl || !findEntry(acl, { ruleNumber: ref.ruleNumber!, egress: ref.egress! })) return false;
        await ec2.send(
          new DeleteNetworkAclEntryCommand({ NetworkAclId: ref.id, RuleNumber: ref.ruleNumber, Egress: ref.egress }),
        );
        return true;
      }
      case 'route': {
        const tables = await collect(
          paginateDescribeRouteTables({ client: ec2 }, { RouteTableIds: [ref.id] }),
          (p) => p.RouteTables,
        );
        const route = tables[0]?.Routes?.find((r) => r.DestinationCidrBlock === ref.destinationCidrBlock);
        if (!route || (ref.target && route.VpcPeeringConnectionId !== ref.target)) return false;
        await ec2.send(
          new DeleteRouteCommand({ RouteTableId: ref.id, DestinationCidrBlock: ref.destinationCidrBlock }),
        );
        return true;
      }
      case 'security-group':
        await ec2.send(new DeleteSecurityGroupCommand({ GroupId: ref.id }));
        return true;
      case 'peering-connection': {
        const pcx = await describePeering(ec2, ref.id);
        if (!pcx || !LIVE(pcx) || pcx.Status?.Code === 'deleting') return false;
        if (pcx.Status?.Code === 'failed') {
          // AWS removes a failed peering by itself and may refuse the delete; try, but do not wait.
          return ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: ref.id })).then(
            () => true,
            (err: unknown) => {
              if (isNamed(err, AwsErrors.InvalidStateTransition) || isNamed(err, 'OperationNotPermitted')) return false;
              throw err;
            },
          );
        }
        await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: ref.id }));
        await waitUntilVpcPeeringConnectionDeleted(
          { client: ec2, minDelay: 1, maxDelay: 5, maxWaitTime: 20, abortSignal: activitySignal() },
          { VpcPeeringConnectionIds: [ref.id] },
        ).catch(() => undefined); // AWS finishes the delete on its own; VPC deletes retry on DependencyViolation
        return true;
      }
      case 'subnet':
        await ec2.send(new DeleteSubnetCommand({ SubnetId: ref.id }));
        return true;
      case 'vpc':
        await ec2.send(new DeleteVpcCommand({ VpcId: ref.id }));
        return true;
    }
  }

  async function describeAcl(ec2: EC2Client, aclId: string) {
    try {
      return (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }))).NetworkAcls?.[0];
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Deletes refs in order, treating NotFound as already gone. Progress is heartbeated, so a retry
   * after a worker crash reports what the earlier attempt deleted. Transient refusals (throttling,
   * DependencyViolation while AWS finishes an earlier delete) fail the attempt so Temporal retries
   * it; permanent ones are collected and reported, never swallowed.
   */
  async function deleteResources(input: DeleteInput): Promise<DeleteResult> {
    const ec2 = clients.ec2(input.region, input.roleArn);
    const previous = readPrevious();
    const done = new Set([...previous.deleted, ...previous.alreadyGone].map(refKey));
    const result: DeleteResult = { deleted: [...previous.deleted], alreadyGone: [...previous.alreadyGone], failed: [] };
    let transient: unknown;
    for (const ref of input.refs) {
      if (done.has(refKey(ref))) continue;
      try {
        if (await deleteOne(ec2, ref)) result.deleted.push(ref);
        else result.alreadyGone.push(ref);
      } catch (err) {
        if (isNotFound(err)) {
          result.alreadyGone.push(ref);
        } else {
          const failure = toApplicationFailure(err);
          if (!(failure instanceof ApplicationFailure) || !failure.nonRetryable) transient ??= err;
          result.failed.push({ ref, error: `${errorName(err)}: ${(err as Error).message}` });
        }
      }
      heartbeat({ deleted: result.deleted, alreadyGone: result.alreadyGone });
    }
    if (transient !== undefined && !isLastAttempt()) {
      throw retryable(
        errorName(transient),
        `could not delete ${result.failed.length} resource(s) yet: ${result.failed.map((f) => f.error).join('; ')}`,
      );
    }
    return result;
  }

  return { findSetupResources, deleteResources };
}

function readPrevious(): { deleted: ResourceRef[]; alreadyGone: ResourceRef[] } {
  const details = activityInfo()?.heartbeatDetails as
    { deleted?: ResourceRef[]; alreadyGone?: ResourceRef[] } | undefined;
  return { deleted: details?.deleted ?? [], alreadyGone: details?.alreadyGone ?? [] };
}

/** On the last attempt, report what is left instead of failing, so the workflow can say so. */
function isLastAttempt(): boolean {
  const info = activityInfo();
  if (!info) return true;
  const max = info.retryPolicy?.maximumAttempts ?? 0;
  return max > 0 && info.attempt >= max;
}
