import { accessOf, type SideAccess } from '../../domain/aws/access';
import { isPeeringGone } from '../../domain/aws/peering-states';
import { securityGroupName, SETUP_ID_TAG } from '../../domain/aws/tags';
import type { AwsClients } from '../aws/clients';
import { nonRetryable } from '../aws/errors';
import { tagValue } from './helpers';
import { describePeering } from './peering-connection';
import { findPeeringSecurityGroup } from './security-groups';
import { FailureTypes } from '../../domain/failure-types';
import { type PeeringState } from '../../domain/peering/types';

export interface AdoptPeeringInput {
  /** The setup adopting it: another setup that already adopted it is a conflict. */
  setupId?: string;
  peeringConnectionId: string;
  requester: { region: string; vpcId: string } & SideAccess;
  accepter: { region: string; vpcId: string } & SideAccess;
}

export function createPeeringEndActivities(clients: AwsClients) {
  /**
   * Read-only: the peering a request adopts must be active between exactly its two VPCs, the
   * requester's VPC requesting it in the requester region. Anything else is bad input, before any
   * change. Its options and tags stay its owner's: the setup only reads it.
   */
  async function checkAdoptedPeering(input: AdoptPeeringInput): Promise<PeeringState> {
    const id = input.peeringConnectionId;
    const { requester: req, accepter: acc } = input;
    const pcx = await describePeering(clients.ec2(req.region, accessOf(req)), id);
    const bad = (reason: string) =>
      nonRetryable(FailureTypes.InvalidPeeringRequest, `peeringConnectionId: ${id} ${reason}`);
    if (!pcx || isPeeringGone(pcx.Status?.Code)) {
      throw bad(`is not a live peering in ${req.region} (${pcx?.Status?.Code ?? 'not found'})`);
    }
    const got = (info: typeof pcx.RequesterVpcInfo) => `${info?.VpcId} (${info?.Region ?? 'region unknown'})`;
    const joins = `joins ${got(pcx.RequesterVpcInfo)} → ${got(pcx.AccepterVpcInfo)}`;
    if (pcx.RequesterVpcInfo?.VpcId === acc.vpcId && pcx.AccepterVpcInfo?.VpcId === req.vpcId) {
      throw bad(`${joins}: its requester is the accepter here; swap requester and accepter in the request`);
    }
    const matches = (info: typeof pcx.RequesterVpcInfo, end: { region: string; vpcId: string }) =>
      info?.VpcId === end.vpcId && (info.Region === undefined || info.Region === end.region);
    if (!matches(pcx.RequesterVpcInfo, req) || !matches(pcx.AccepterVpcInfo, acc)) {
      throw bad(`${joins}, not ${req.vpcId} (${req.region}) → ${acc.vpcId} (${acc.region})`);
    }
    if (pcx.Status?.Code !== 'active') {
      throw bad(`is ${pcx.Status?.Code}, not active; accept it first (a setup adopts only an active peering)`);
    }
    // One peering, one setup: the groups and entries of two setups for one peering would collide.
    const others = await Promise.all(
      [req, acc].map(async (end) => {
        const group = await findPeeringSecurityGroup(clients.ec2(end.region, accessOf(end)), end.vpcId, id);
        const owner = tagValue(group?.Tags, SETUP_ID_TAG);
        return owner && owner !== input.setupId ? owner : undefined;
      }),
    );
    const other = others.find((o) => o !== undefined);
    if (other) {
      throw nonRetryable(
        FailureTypes.SetupConflict,
        `${id} is already adopted by setup ${other} (its group ${securityGroupName(id)} is there); nothing was changed. Tear that setup down first, or run this request under its id`,
      );
    }
    return {
      peeringConnectionId: id,
      status: 'active',
      requesterDnsResolution: pcx.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc ?? false,
      accepterDnsResolution: pcx.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc ?? false,
    };
  }

  return { checkAdoptedPeering };
}
