import {
  AcceptVpcPeeringConnectionCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
  paginateDescribeVpcPeeringConnections,
  type EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { WaiterState } from '@smithy/util-waiter';
import { accessOf } from '../../domain/aws/access';
import { isPeeringDead, isPeeringGone } from '../../domain/aws/peering-states';
import { NACL_RECORD_ON_ACLS, NACL_RECORD_TAG, NACL_RULES_TAG } from '../../domain/aws/tags';
import type { AwsClients } from '../aws/clients';
import { pollPaced } from '../aws/paced-waits';
import { keepAlive } from '../activity-context';
import { collect, hasSetupTag, tagSpec } from './helpers';
import { AwsErrors, inStep, isNamed, nonRetryable, retryable } from '../aws/errors';
import { findEarlierWork, retryNotFound, type ConsistencyWindows } from '../aws/waiting';
import { FailureTypes } from '../../domain/failure-types';
import { type ResourceRef } from '../../domain/aws/resource-ref';
import {
  type DnsInput,
  type EstablishPeeringInput,
  type PeeringEnd,
  type PeeringRef,
  type PeeringState,
  type RequestPeeringInput,
  type SideRole,
} from '../../domain/peering/types';

function toState(pcx: VpcPeeringConnection): PeeringState {
  return {
    peeringConnectionId: pcx.VpcPeeringConnectionId!,
    status: pcx.Status?.Code ?? 'unknown',
    ...(pcx.Status?.Message ? { message: pcx.Status.Message } : {}),
    requesterDnsResolution: pcx.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc ?? false,
    accepterDnsResolution: pcx.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc ?? false,
  };
}

/** One Describe by id. AWS answers NotFound for an id it does not know yet; moto an empty list. */
export async function describePeering(ec2: EC2Client, id: string): Promise<VpcPeeringConnection | undefined> {
  try {
    const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }));
    return out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === id);
  } catch (err) {
    if (isNamed(err, AwsErrors.PeeringNotFound)) return undefined;
    throw err;
  }
}

/**
 * Reads until `decide` says success or failure, and answers the last peering seen. The reads are
 * paced (pollPaced): the next one after 5% of the time waited so far, 1 s to 10 s, so a peering
 * that turns active after a few seconds is seen within a second, as a runbook polling each second
 * sees it; the SDK's jittered backoff read it up to 10 s late, and the bench's realistic setups
 * varied by seconds with it. Each read heartbeats, so a lost worker is noticed and a cancelled run
 * stops polling. A wait that runs out of time fails the attempt: it never passes for success.
 */
export async function waitForPeering(
  ec2: EC2Client,
  id: string,
  maxWaitTime: number,
  decide: (pcx: VpcPeeringConnection | undefined) => WaiterState,
): Promise<VpcPeeringConnection | undefined> {
  let last: VpcPeeringConnection | undefined;
  const result = await pollPaced({ minDelay: 1, maxDelay: 10, maxWaitTime }, async () => {
    last = await describePeering(ec2, id);
    const state = decide(last);
    const seen = { peeringConnectionId: id, status: last?.Status?.Code ?? 'not visible' };
    return { state: state === WaiterState.SUCCESS || state === WaiterState.FAILURE ? state : WaiterState.RETRY, seen };
  });
  if (result.state === WaiterState.TIMEOUT) {
    throw retryable(
      FailureTypes.WaitTimedOut,
      `${id} was still ${last?.Status?.Code ?? 'not visible'} after ${maxWaitTime} s of waiting`,
    );
  }
  return last;
}

function deadFailure(pcx: VpcPeeringConnection): Error {
  const code = pcx.Status?.Code ?? 'unknown';
  return nonRetryable(
    FailureTypes.PeeringFailed,
    `peering ${pcx.VpcPeeringConnectionId} is ${code}: ${pcx.Status?.Message ?? 'no reason given'}`,
    { status: code },
  );
}

/** Turns on remote DNS resolution for one side; only that side's own region and account may. */
export async function enableRemoteDns(ec2: EC2Client, peeringConnectionId: string, side: SideRole): Promise<void> {
  const options = { AllowDnsResolutionFromRemoteVpc: true };
  await ec2.send(
    new ModifyVpcPeeringConnectionOptionsCommand({
      VpcPeeringConnectionId: peeringConnectionId,
      ...(side === 'requester'
        ? { RequesterPeeringConnectionOptions: options }
        : { AccepterPeeringConnectionOptions: options }),
    }),
  );
}

export function createPeeringConnectionActivities(clients: AwsClients, windows: ConsistencyWindows) {
  /**
   * Requests the peering from the requester region. CreateVpcPeeringConnection has no ClientToken,
   * so a peering an earlier attempt made is found by its tag first.
   */
  async function requestPeering(
    input: RequestPeeringInput,
  ): Promise<{ peeringConnectionId: string; created: ResourceRef[] }> {
    const ec2 = clients.ec2(input.requester.region, accessOf(input.requester));
    const ofRequesterVpc = async () =>
      (
        await collect(
          paginateDescribeVpcPeeringConnections(
            { client: ec2 },
            { Filters: [{ Name: 'requester-vpc-info.vpc-id', Values: [input.requester.vpcId] }] },
          ),
          (p) => p.VpcPeeringConnections,
        )
      ).filter((p) => p.RequesterVpcInfo?.VpcId === input.requester.vpcId);
    const isOurs = (p: VpcPeeringConnection) =>
      hasSetupTag(p.Tags, input.setupId) && !isPeeringGone(p.Status?.Code) && p.Status?.Code !== 'deleting';

    let listed: VpcPeeringConnection[] = [];
    const ours = await findEarlierWork(windows.tagLagSeconds, async () => {
      listed = await ofRequesterVpc();
      return listed.find(isOurs);
    });
    const ref = (id: string): ResourceRef => ({
      type: 'peering-connection',
      region: input.requester.region,
      id,
      peerRegion: input.accepter.region,
    });
    if (ours) {
      if (ours.Status?.Code === 'failed') throw deadFailure(ours);
      return { peeringConnectionId: ours.VpcPeeringConnectionId!, created: [ref(ours.VpcPeeringConnectionId!)] };
    }
    // AWS refuses a second live peering between the same VPCs; moto does not, so check here.
    const duplicate = listed.find(
      (p) => p.AccepterVpcInfo?.VpcId === input.accepter.vpcId && !isPeeringDead(p.Status?.Code),
    );
    if (duplicate) {
      throw nonRetryable(
        FailureTypes.PeeringAlreadyExists,
        `${input.requester.vpcId} and ${input.accepter.vpcId} are already peered by ${duplicate.VpcPeeringConnectionId} (${duplicate.Status?.Code})`,
      );
    }
    // Another account's VPC is named with its owner; without PeerOwnerId AWS looks for it in ours.
    const [peerOwner, ownOwner] = await Promise.all(
      [input.accepter, input.requester].map((end) => ownerAccount(clients, windows, end)),
    );
    // The accepter VPC, just created (in the other region, perhaps), may be NotFound for a while.
    const out = await retryNotFound(windows.notFoundSeconds, () =>
      ec2.send(
        new CreateVpcPeeringConnectionCommand({
          VpcId: input.requester.vpcId,
          PeerVpcId: input.accepter.vpcId,
          // Two VPCs in one region peer intra-region: the same call without PeerRegion.
          ...(input.accepter.region !== input.requester.region ? { PeerRegion: input.accepter.region } : {}),
          ...(peerOwner && peerOwner !== ownOwner ? { PeerOwnerId: peerOwner } : {}),
          TagSpecifications: tagSpec('vpc-peering-connection', {
            ...input.tags,
            [NACL_RULES_TAG]: input.naclRules,
            [NACL_RECORD_TAG]: NACL_RECORD_ON_ACLS,
          }),
        }),
      ),
    );
    const id = out.VpcPeeringConnection!.VpcPeeringConnectionId!;
    return { peeringConnectionId: id, created: [ref(id)] };
  }

  /** Waits until the accepter region sees the request (eventual consistency), then accepts it there. */
  async function acceptPeering(input: PeeringRef): Promise<PeeringState> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    const pcx = await waitForPeering(ec2, input.peeringConnectionId, 300, (p) => {
      if (!p) return WaiterState.RETRY;
      return p.Status?.Code === 'initiating-request' ? WaiterState.RETRY : WaiterState.SUCCESS;
    });
    if (!pcx) {
      throw retryable(
        FailureTypes.PeeringNotVisible,
        `${input.peeringConnectionId} is not yet visible in ${input.region}`,
      );
    }
    const status = pcx.Status?.Code ?? '';
    if (isPeeringDead(status)) throw deadFailure(pcx);
    if (status !== 'pending-acceptance') return toState(pcx); // accepted by an earlier attempt
    try {
      const out = await ec2.send(
        new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: input.peeringConnectionId }),
      );
      if (isPeeringDead(out.VpcPeeringConnection?.Status?.Code)) throw deadFailure(out.VpcPeeringConnection!);
      return toState(out.VpcPeeringConnection ?? pcx);
    } catch (err) {
      // The accept of a lost response already moved it on; the next attempt will see that.
      if (isNamed(err, AwsErrors.InvalidStateTransition)) {
        const now = await describePeering(ec2, input.peeringConnectionId);
        if (now && !isPeeringDead(now.Status?.Code)) return toState(now);
        if (now) throw deadFailure(now);
      }
      throw err;
    }
  }

  /** Waits for `active`, passing through `provisioning`; a dead state is final. */
  async function waitPeeringActive(input: PeeringRef): Promise<PeeringState> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    const pcx = await waitForPeering(ec2, input.peeringConnectionId, 600, (p) => {
      const code = p?.Status?.Code ?? '';
      if (code === 'active') return WaiterState.SUCCESS;
      return isPeeringDead(code) ? WaiterState.FAILURE : WaiterState.RETRY;
    });
    if (pcx && isPeeringDead(pcx.Status?.Code)) throw deadFailure(pcx);
    if (pcx?.Status?.Code !== 'active') {
      throw retryable(
        FailureTypes.PeeringNotVisible,
        `${input.peeringConnectionId} is ${pcx?.Status?.Code ?? 'not visible'} in ${input.region}, not active yet`,
      );
    }
    return toState(pcx);
  }

  /** DNS options can only be set on an active peering, and each side's only in its own region. */
  async function enablePeeringDns(input: DnsInput): Promise<void> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    await retryNotFound(windows.notFoundSeconds, () => enableRemoteDns(ec2, input.peeringConnectionId, input.side));
  }

  /**
   * Accept in the accepter region, wait for active, then turn on remote DNS resolution for each side
   * in its own region: one activity, so the run pays for one task instead of five. Each part is
   * idempotent on its own, so a retry redoes only what is missing.
   */
  async function establishPeering(input: EstablishPeeringInput): Promise<PeeringState> {
    return keepAlive(async (beat) => {
      const on = (side: SideRole) => ({ peeringConnectionId: input.peeringConnectionId, ...input[side] });
      const accepted = await inStep('accept-peering', () => acceptPeering(on('accepter')), beat);
      const active =
        accepted.status === 'active'
          ? accepted
          : await inStep('wait-active', () => waitPeeringActive(on('requester')), beat);
      if (!input.dnsResolution) return active;
      const missing = (['requester', 'accepter'] as const).filter(
        (side) => !(side === 'requester' ? active.requesterDnsResolution : active.accepterDnsResolution),
      );
      await inStep('dns', () => Promise.all(missing.map((side) => enablePeeringDns({ ...on(side), side }))), beat);
      return { ...active, requesterDnsResolution: true, accepterDnsResolution: true };
    });
  }

  return { requestPeering, acceptPeering, waitPeeringActive, enablePeeringDns, establishPeering };
}

/**
 * The account that owns an end's VPC: known from its Describe, or read through the side's role (a
 * run scheduled before VPC states carried it). Without a role the VPC is the worker's own.
 */
export async function ownerAccount(
  clients: AwsClients,
  windows: ConsistencyWindows,
  end: PeeringEnd,
): Promise<string | undefined> {
  if (end.ownerId || !end.roleArn) return end.ownerId;
  const ec2 = clients.ec2(end.region, accessOf(end));
  const vpc = await retryNotFound(windows.notFoundSeconds, async () => {
    const out = await ec2.send(new DescribeVpcsCommand({ VpcIds: [end.vpcId] }));
    return out.Vpcs?.[0];
  });
  return vpc?.OwnerId;
}
