import {
  DeleteNetworkAclEntryCommand,
  DeleteRouteCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeNetworkAclsCommand,
  paginateDescribeRouteTables,
  waitUntilVpcPeeringConnectionDeleted,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import { isPeeringGone } from '../../domain/aws/peering-states';
import { refKey, type DeleteFailure, type ResourceRef } from '../../domain/aws/resource-ref';
import { activityInfo, activitySignal, heartbeat } from '../activity-context';
import type { AwsClients } from '../aws/clients';
import { collect } from '../ec2/helpers';
import { AwsErrors, errorName, isNamed, isNotFound, retryable, toApplicationFailure } from '../aws/errors';
import { deleteFlowLogResource } from '../ec2/flow-logs';
import { findEntry, forgetNaclEntries, isRecordedEntry } from '../ec2/network-acls';
import { describePeering } from '../ec2/peering-connection';
import { destination, routeTo } from '../ec2/routes';

export interface DeleteInput extends SideAccess {
  region: string;
  refs: ResourceRef[];
}

export interface DeleteResult {
  deleted: ResourceRef[];
  alreadyGone: ResourceRef[];
  failed: DeleteFailure[];
}

export function createCleanupActivities(clients: AwsClients) {
  /** Deletes one resource; false when it was already gone. Throws when AWS refuses. */
  async function deleteOne(ec2: EC2Client, ref: ResourceRef, input: DeleteInput): Promise<boolean> {
    switch (ref.type) {
      case 'flow-log':
      case 'log-group':
        return deleteFlowLogResource(ec2, clients.logs(input.region, accessOf(input)), ref);
      case 'network-acl-entry': {
        // moto answers a missing entry with a bare 500, so look before deleting.
        const acl = await describeAcl(ec2, ref.id);
        const entry = acl && findEntry(acl, { ruleNumber: ref.ruleNumber!, egress: ref.egress! });
        if (!entry) return false;
        // Changed since the setup made it: someone else's entry now, left alone.
        if (ref.target && !isRecordedEntry(acl, entry, ref.target)) return false;
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
        const route = tables[0] && routeTo(tables[0], ref.destinationCidrBlock ?? '');
        if (!route || (ref.target && route.VpcPeeringConnectionId !== ref.target)) return false;
        await ec2.send(new DeleteRouteCommand({ RouteTableId: ref.id, ...destination(ref.destinationCidrBlock!) }));
        return true;
      }
      case 'security-group':
        await ec2.send(new DeleteSecurityGroupCommand({ GroupId: ref.id }));
        return true;
      case 'peering-connection': {
        const pcx = await describePeering(ec2, ref.id);
        if (!pcx || isPeeringGone(pcx.Status?.Code) || pcx.Status?.Code === 'deleting') return false;
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
      case 'db-instance':
      case 'db-subnet-group':
      case 'db-cluster':
      case 'global-cluster':
        throw new Error(`${ref.type} ${ref.id} is a protection's: UnprotectDatabase removes it`);
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
    const ec2 = clients.ec2(input.region, accessOf(input));
    const previous = readPrevious();
    const done = new Set([...previous.deleted, ...previous.alreadyGone].map(refKey));
    const result: DeleteResult = { deleted: [...previous.deleted], alreadyGone: [...previous.alreadyGone], failed: [] };
    let transient: unknown;
    for (const ref of input.refs) {
      if (done.has(refKey(ref))) continue;
      try {
        if (await deleteOne(ec2, ref, input)) result.deleted.push(ref);
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
    const gone = new Set([...result.deleted, ...result.alreadyGone].map(refKey));
    const forget = input.refs.filter((r) => r.type === 'network-acl-entry' && gone.has(refKey(r)));
    try {
      await forgetNaclEntries(ec2, forget);
    } catch (err) {
      transient ??= err;
      result.failed.push({ ref: forget[0]!, error: `record of NACL entries not updated: ${errorName(err)}` });
    }
    if (transient !== undefined && !isLastAttempt()) {
      throw retryable(
        errorName(transient),
        `could not delete ${result.failed.length} resource(s) yet: ${result.failed.map((f) => f.error).join('; ')}`,
      );
    }
    return result;
  }

  return { deleteResources };
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
