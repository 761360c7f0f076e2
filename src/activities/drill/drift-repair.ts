import { DescribeNetworkAclsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import type { DriftItem, RepairAction } from '../../domain/drill/types';
import type { SetupLocator } from '../../domain/peering/types';
import { keepAlive } from '../activity-context';
import type { AwsClients } from '../aws/clients';
import { errorName, toApplicationFailure } from '../aws/errors';
import { createNaclEntryOnce, createRecordedEntries } from '../ec2/network-acls';
import { enableRemoteDns } from '../ec2/peering-connection';
import { ec2ForSide } from './inspection';
import { createPeeringRoute } from '../ec2/routes';
import { applySecurityGroupPlan, type SecurityGroupDrift } from '../ec2/security-groups';
import { type SideRole as Side } from '../../domain/peering/types';

export interface RepairInput {
  locator: SetupLocator;
  items: DriftItem[];
}

export interface RepairResult {
  repaired: DriftItem[];
  failed: Array<{ item: DriftItem; error: string }>;
}

export function createDriftRepairActivities(clients: AwsClients) {
  async function repairOne(ec2: EC2Client, action: RepairAction, pcx: string | undefined): Promise<void> {
    switch (action.kind) {
      case 'create-route':
        // Put back by a lost earlier attempt counts as done; taken by someone else meanwhile is a conflict.
        await createPeeringRoute(
          ec2,
          { RouteTableId: action.routeTableId },
          action.destinationCidrBlock,
          action.peeringConnectionId,
        );
        return;
      case 'authorize-ingress':
      case 'authorize-egress':
      case 'revoke-ingress':
      case 'revoke-egress': {
        const only: SecurityGroupDrift = { missingIngress: [], extraIngress: [], missingEgress: [], extraEgress: [] };
        const slot = {
          'authorize-ingress': 'missingIngress',
          'authorize-egress': 'missingEgress',
          'revoke-ingress': 'extraIngress',
          'revoke-egress': 'extraEgress',
        } as const;
        only[slot[action.kind]].push(action.permission);
        await applySecurityGroupPlan(ec2, action.groupId, only);
        return;
      }
      case 'create-nacl-entry': {
        // Made by this repair, so recorded as the setup's like the ones the setup made.
        const acl = pcx
          ? (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [action.networkAclId] }))).NetworkAcls?.[0]
          : undefined;
        if (acl && pcx) await createRecordedEntries(ec2, acl, pcx, [action.entry]);
        else await createNaclEntryOnce(ec2, action.networkAclId, action.entry);
        return;
      }
      case 'enable-dns':
        await enableRemoteDns(ec2, action.peeringConnectionId, action.side);
        return;
    }
  }

  /**
   * Puts back exactly the given drifted items, each with the one call that restores it, and
   * touches nothing else. Safe to retry: an item already back counts as repaired. Items without a
   * repair, and refusals that retrying cannot fix, are reported instead of failing the rest.
   */
  async function repairPeeringDrift(input: RepairInput): Promise<RepairResult> {
    return keepAlive(() => repair(input));
  }

  async function repair(input: RepairInput): Promise<RepairResult> {
    const result: RepairResult = { repaired: [], failed: [] };
    for (const item of input.items) {
      if (!item.repair) {
        result.failed.push({ item, error: 'no automatic repair; needs a person' });
        continue;
      }
      const side: Side = item.side ?? (item.region === input.locator.requesterRegion ? 'requester' : 'accepter');
      try {
        await repairOne(ec2ForSide(clients, input.locator, side), item.repair, input.locator.peeringConnectionId);
        result.repaired.push(item);
      } catch (err) {
        const failure = toApplicationFailure(err);
        if (!(failure instanceof ApplicationFailure) || !failure.nonRetryable) throw err;
        result.failed.push({ item, error: `${errorName(err)}: ${(err as Error).message}` });
      }
    }
    return result;
  }

  return { repairPeeringDrift };
}
