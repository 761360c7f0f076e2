/**
 * The VPC peering lifecycle as AWS runs it, where moto jumps straight to the end state:
 * - a new request is `initiating-request` for a while before `pending-acceptance`;
 * - a request between VPCs with overlapping CIDRs goes to `failed` (moto makes it pending and
 *   lets it be accepted), stays visible as `failed`, then is purged;
 * - a deleted peering is `deleting`, then `deleted`, still visible for a while, then purged: by
 *   id it is NotFound, and lists no longer show it;
 * - a second live peering between the same two VPCs is refused (moto creates it).
 * Source: VPC peering guide, "VPC peering connection lifecycle"
 * (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle):
 * Initiating-request, Failed ("…the request fails… due to overlapping CIDR blocks", visible for 2
 * hours), Deleting, Deleted (visible for a while, then gone); "Delete a VPC peering connection":
 * "the status is set to Deleting and then Deleted"; DeleteVpcPeeringConnection: "You cannot
 * delete a VPC peering connection that's in the failed or rejected state"; EC2 error codes:
 * VpcPeeringConnectionAlreadyExists, "A VPC peering connection between the VPCs already exists".
 */
import { DescribeVpcPeeringConnectionsCommand } from '@aws-sdk/client-ec2';
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { mapPeerings, peeringIdsIn, withPeeringStatus } from '../fault-proxy/xml';
import { bodyText, ec2Error, withBody } from './ec2-error';
import { cidrsOverlap } from './cidr';
import { type FaithfulKind } from './kinds';
import { type MotoReader } from './moto-reader';
import { type FaithfulOptions, sampleSeconds } from './options';
import { listParam } from './params';
import { element, fieldText } from './xml';

// The wording AWS shows for a peering that fails on overlapping CIDRs.
export const OVERLAP_MESSAGE = 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range';
const LIVE = new Set(['initiating-request', 'pending-acceptance', 'provisioning', 'active']);
const PEERING_ANSWERS = new Set([
  'CreateVpcPeeringConnection',
  'AcceptVpcPeeringConnection',
  'DescribeVpcPeeringConnections',
]);

/** What the stats count when a peering is shown in a state moto does not have. */
const SHOWN_KIND: Record<string, FaithfulKind> = {
  'initiating-request': 'peering-initiating-request',
  failed: 'peering-failed',
  deleting: 'peering-deleting',
  deleted: 'peering-deleted',
};

interface Life {
  initiatingUntil: number;
  accepterOwner: string;
  overlapping: boolean;
  deletingUntil?: number;
  deleter?: string;
  purgeAt?: number;
}

export class PeeringLifecycle implements ProxyBehaviour {
  private lives = new Map<string, Life>();

  constructor(
    private readonly ctx: BehaviourContext,
    private readonly moto: MotoReader,
    private readonly options: FaithfulOptions,
  ) {}

  /** Fault rules were replaced; what AWS is doing is not theirs to reset. */
  reset(): void {}

  presentStatus(pcx: string, _region: string | undefined, code: string): string {
    const life = this.lives.get(pcx);
    if (!life) return code;
    const now = Date.now();
    if (life.purgeAt !== undefined && now >= life.purgeAt) return '';
    if (life.deletingUntil !== undefined) return now < life.deletingUntil ? 'deleting' : 'deleted';
    if (now < life.initiatingUntil && (life.overlapping || code === 'pending-acceptance')) return 'initiating-request';
    return life.overlapping ? 'failed' : code;
  }

  async refuse(call: AwsCall): Promise<Answer | undefined> {
    if (call.service !== 'ec2') return undefined;
    // A Describe names ids in VpcPeeringConnectionId.N (a filter's values do not count).
    const named =
      call.action === 'DescribeVpcPeeringConnections' ? listParam(call.params, 'VpcPeeringConnectionId') : call.pcxIds;
    const purged = named.find((id) => this.presentStatus(id, call.region, 'unknown') === '');
    if (purged) {
      this.ctx.inject('peering-purged');
      return ec2Error(
        'InvalidVpcPeeringConnectionID.NotFound',
        `The vpcPeeringConnection ID '${purged}' does not exist`,
      );
    }
    const pcx = call.params.get('VpcPeeringConnectionId') ?? '';
    // What this module makes of it, whatever moto says (moto has it pending-acceptance or later).
    const state = this.lives.has(pcx) ? this.presentStatus(pcx, call.region, 'pending-acceptance') : '';
    if (call.action === 'AcceptVpcPeeringConnection' && ['failed', 'initiating-request'].includes(state)) {
      this.ctx.inject('peering-accept-refused');
      return ec2Error(
        'InvalidStateTransition',
        `The VpcPeeringConnection ${pcx} is in state ${state} and cannot be accepted.`,
      );
    }
    if (call.action === 'DeleteVpcPeeringConnection' && ['failed', 'deleting', 'deleted'].includes(state)) {
      this.ctx.inject('peering-delete-refused');
      return ec2Error(
        'InvalidStateTransition',
        `Invalid state transition for ${pcx}, attempted to transition from ${state} to deleting`,
      );
    }
    if (call.action === 'CreateVpcPeeringConnection') return this.refuseDuplicate(call);
    return undefined;
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer | Promise<Answer> {
    if (call.service !== 'ec2' || answer.status !== 200) return answer;
    if (call.action === 'CreateVpcPeeringConnection') this.created(bodyText(answer));
    if (call.action === 'DeleteVpcPeeringConnection') this.deleted(call);
    if (!PEERING_ANSWERS.has(call.action)) return answer;
    const xml = bodyText(answer);
    const rewritten = mapPeerings(xml, (block, pcx) => {
      const life = this.lives.get(pcx);
      if (!life) return block;
      const code = /<status>\s*<code>([^<]*)<\/code>/.exec(block)?.[1] ?? '';
      const shown = this.presentStatus(pcx, call.region, code);
      if (shown === code) return block;
      this.ctx.inject(SHOWN_KIND[shown] ?? 'peering-purged');
      return shown === '' ? null : withPeeringStatus(block, shown, this.message(shown, life));
    });
    return rewritten === xml ? answer : withBody(answer, rewritten);
  }

  private message(code: string, life: Life): string {
    if (code === 'initiating-request') return `Initiating Request to ${life.accepterOwner}`;
    if (code === 'failed') return OVERLAP_MESSAGE;
    if (code === 'deleting') return 'Deleting';
    return `Deleted by ${life.deleter ?? life.accepterOwner}`;
  }

  private lag(): number {
    return sampleSeconds(this.options.lagSeconds, () => this.ctx.random()) * 1000;
  }

  private created(xml: string): void {
    const [pcx] = peeringIdsIn(xml);
    if (!pcx) return;
    const requester = fieldText(element(xml, 'requesterVpcInfo'), 'cidrBlock');
    const accepterInfo = element(xml, 'accepterVpcInfo');
    const accepter = fieldText(accepterInfo, 'cidrBlock');
    const overlapping = requester !== undefined && accepter !== undefined && cidrsOverlap(requester, accepter);
    const initiatingUntil = Date.now() + this.lag();
    this.lives.set(pcx, {
      initiatingUntil,
      accepterOwner: fieldText(accepterInfo, 'ownerId') ?? '',
      overlapping,
      ...(overlapping ? { purgeAt: initiatingUntil + this.options.purgeAfterSeconds * 1000 } : {}),
    });
  }

  private deleted(call: AwsCall): void {
    const pcx = call.params.get('VpcPeeringConnectionId') ?? '';
    const life = this.lives.get(pcx) ?? { initiatingUntil: 0, accepterOwner: '', overlapping: false };
    const deletingUntil = Date.now() + this.lag();
    void this.moto.accountOf(call.accessKeyId).then(
      (account) => (life.deleter = account),
      () => undefined,
    );
    this.lives.set(pcx, { ...life, deletingUntil, purgeAt: deletingUntil + this.options.purgeAfterSeconds * 1000 });
  }

  /** AWS allows one live peering between two VPCs, in either direction. */
  private async refuseDuplicate(call: AwsCall): Promise<Answer | undefined> {
    const vpc = call.params.get('VpcId');
    const peer = call.params.get('PeerVpcId');
    if (!vpc || !peer) return undefined;
    const ec2 = await this.moto.asCaller(call.region, call.accessKeyId);
    const { VpcPeeringConnections = [] } = await ec2.send(new DescribeVpcPeeringConnectionsCommand({}));
    const pair = (a?: string, b?: string) => (a === vpc && b === peer) || (a === peer && b === vpc);
    const live = VpcPeeringConnections.find(
      (p) =>
        pair(p.RequesterVpcInfo?.VpcId, p.AccepterVpcInfo?.VpcId) &&
        LIVE.has(this.ctx.presentedStatus(p.VpcPeeringConnectionId ?? '', call.region, p.Status?.Code ?? '')),
    );
    if (!live) return undefined;
    this.ctx.inject('peering-duplicate');
    return ec2Error(
      'VpcPeeringConnectionAlreadyExists',
      `A VPC peering connection between the VPCs already exists (${live.VpcPeeringConnectionId}).`,
    );
  }
}
