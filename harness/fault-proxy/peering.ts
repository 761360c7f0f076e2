/**
 * VPC peering state the proxy adds on top of moto: a new peering unknown outside the region that
 * created it for a while, an accepted one still `provisioning`, one that goes to `failed`, and a
 * deleted one that AWS no longer lists at all (moto keeps listing it as `deleted` for good).
 */
import { type BehaviourContext, type ProxyBehaviour } from './behaviour';
import { type AwsCall } from './call';
import { type Answer, xmlAnswer } from './http';
import { errorXml, mapPeerings, peeringIdsIn, peeringStatusOf, withPeeringStatus } from './xml';

const CREATE_PCX = 'CreateVpcPeeringConnection';
const ACCEPT_PCX = 'AcceptVpcPeeringConnection';
const DESCRIBE_PCX = 'DescribeVpcPeeringConnections';
const DEFAULT_WINDOW_SECONDS = 5;
// The wording AWS shows for a peering that fails on overlapping CIDRs.
const FAILED_MESSAGE = 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range';

class PeeringFaults {
  private hidden = new Map<string, { creatorRegion: string | undefined; until: number }>();
  private provisioning = new Map<string, number>();
  private failed = new Set<string>();

  hide(pcx: string, creatorRegion: string | undefined, seconds = DEFAULT_WINDOW_SECONDS): void {
    this.hidden.set(pcx, { creatorRegion, until: Date.now() + seconds * 1000 });
  }

  provision(pcx: string, seconds = DEFAULT_WINDOW_SECONDS): void {
    this.provisioning.set(pcx, Date.now() + seconds * 1000);
  }

  fail(pcx: string): void {
    this.failed.add(pcx);
  }

  clear(): void {
    this.hidden.clear();
    this.provisioning.clear();
    this.failed.clear();
  }

  /** Not yet propagated to `region`: AWS only knows it in the region that created it. */
  isHiddenFrom(pcx: string, region: string | undefined): boolean {
    const entry = this.hidden.get(pcx);
    return entry !== undefined && Date.now() < entry.until && entry.creatorRegion !== region;
  }

  isProvisioning(pcx: string): boolean {
    return Date.now() < (this.provisioning.get(pcx) ?? 0);
  }

  isFailed(pcx: string): boolean {
    return this.failed.has(pcx);
  }
}

export class PeeringBehaviour implements ProxyBehaviour {
  private readonly peerings = new PeeringFaults();

  constructor(private readonly ctx: BehaviourContext) {}

  reset(): void {
    this.peerings.clear();
  }

  presentStatus(pcx: string, region: string | undefined, code: string): string {
    if (this.peerings.isHiddenFrom(pcx, region)) return '';
    if (this.peerings.isFailed(pcx)) return 'failed';
    return this.peerings.isProvisioning(pcx) && code === 'active' ? 'provisioning' : code;
  }

  refuse(call: AwsCall): Answer | undefined {
    if (call.service !== 'ec2') return undefined;
    const hidden = call.pcxIds.find((id) => this.peerings.isHiddenFrom(id, call.region));
    if (hidden !== undefined) {
      this.ctx.inject('peering-not-found');
      const message = `The vpcPeeringConnection ID '${hidden}' does not exist`;
      return xmlAnswer(400, errorXml('ec2', 400, 'InvalidVpcPeeringConnectionID.NotFound', message));
    }
    const failed = call.action === ACCEPT_PCX ? call.pcxIds.find((id) => this.peerings.isFailed(id)) : undefined;
    if (failed !== undefined) {
      this.ctx.inject('peering-failed');
      const message = `The VpcPeeringConnection ${failed} is in state failed and cannot be accepted.`;
      return xmlAnswer(400, errorXml('ec2', 400, 'InvalidStateTransition', message));
    }
    return undefined;
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (call.service !== 'ec2' || answer.status !== 200) return answer;
    const xml = answer.body.toString('utf8');
    if (call.action === CREATE_PCX || call.action === ACCEPT_PCX) this.arm(call, peeringIdsIn(xml));
    if (call.action !== DESCRIBE_PCX && call.action !== ACCEPT_PCX) return answer;
    const rewritten = this.rewritePeerings(call, xml);
    return rewritten === xml ? answer : { ...answer, body: Buffer.from(rewritten, 'utf8') };
  }

  /** A successful create / accept starts the peering fault windows its rules ask for. */
  private arm(call: AwsCall, pcxIds: string[]): void {
    const { book } = this.ctx;
    for (const pcx of pcxIds) {
      if (call.action === CREATE_PCX) {
        const notFound = book.first(call, ['peering-not-found'], CREATE_PCX);
        if (notFound) this.peerings.hide(pcx, call.region, notFound.seconds);
      }
      if (call.action === ACCEPT_PCX) {
        const provisioning = book.first(call, ['peering-provisioning'], ACCEPT_PCX);
        if (provisioning) this.peerings.provision(pcx, provisioning.seconds);
      }
      if (book.first(call, ['peering-failed'], CREATE_PCX)) this.peerings.fail(pcx);
    }
  }

  private rewritePeerings(call: AwsCall, xml: string): string {
    const purged = call.action === DESCRIBE_PCX && this.ctx.book.first(call, ['peering-purged'], DESCRIBE_PCX);
    return mapPeerings(xml, (block, pcx) => {
      if (purged && peeringStatusOf(block) === 'deleted') {
        this.ctx.inject('peering-purged');
        return null;
      }
      if (this.peerings.isHiddenFrom(pcx, call.region)) {
        this.ctx.inject('peering-not-found');
        return null;
      }
      if (this.peerings.isFailed(pcx)) {
        this.ctx.inject('peering-failed');
        return withPeeringStatus(block, 'failed', FAILED_MESSAGE);
      }
      if (this.peerings.isProvisioning(pcx) && peeringStatusOf(block) === 'active') {
        this.ctx.inject('peering-provisioning');
        return withPeeringStatus(block, 'provisioning', 'Provisioning');
      }
      return block;
    });
  }
}
