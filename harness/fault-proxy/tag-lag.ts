/**
 * AWS's filtered Describes lag behind a create: a new VPC, peering or group is missing from answers to a
 * Describe with filters (a tag filter, say) for a while, though AWS did make it. "Eventual
 * consistency" in the EC2 API reference (Query API, "Ensuring idempotency" and "Eventual
 * consistency"). moto lists everything at once; this hides a new resource from filtered
 * Describes for `seconds` after its create, even when the create's answer is then lost.
 */
import { type BehaviourContext, type ProxyBehaviour } from './behaviour';
import { type AwsCall } from './call';
import { type Answer } from './http';
import { mapPeerings, mapSetItems, peeringIdsIn } from './xml';

const DEFAULT_SECONDS = 5;
const CREATES = /^(CreateVpc|CreateVpcPeeringConnection|CreateSecurityGroup)$/;

export class TagLagBehaviour implements ProxyBehaviour {
  private readonly hidden = new Map<string, number>();

  constructor(private readonly ctx: BehaviourContext) {}

  reset(): void {
    this.hidden.clear();
  }

  refuse(): Answer | undefined {
    return undefined;
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (call.service !== 'ec2' || answer.status !== 200) return answer;
    const xml = answer.body.toString('utf8');
    if (CREATES.test(call.action)) {
      const rule = this.ctx.book.first(call, ['tag-lag'], call.action);
      const id =
        call.action === 'CreateVpc'
          ? /<vpc>\s*<vpcId>(vpc-[0-9a-f]+)<\/vpcId>/.exec(xml)?.[1]
          : call.action === 'CreateSecurityGroup'
            ? /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec(xml)?.[1]
            : peeringIdsIn(xml)[0];
      if (rule && id) this.hidden.set(id, Date.now() + (rule.seconds ?? DEFAULT_SECONDS) * 1000);
      return answer;
    }
    if (!call.filtered || this.hidden.size === 0) return answer;
    const lagging = (id: string) => {
      if (Date.now() >= (this.hidden.get(id) ?? 0)) return false;
      this.ctx.inject('tag-lag');
      return true;
    };
    let rewritten = xml;
    if (call.action === 'DescribeVpcs')
      rewritten = mapSetItems(xml, 'vpcSet', 'vpcId', (block, id) => (lagging(id) ? null : block));
    if (call.action === 'DescribeSecurityGroups')
      rewritten = mapSetItems(xml, 'securityGroupInfo', 'groupId', (block, id) => (lagging(id) ? null : block));
    if (call.action === 'DescribeVpcPeeringConnections')
      rewritten = mapPeerings(xml, (block, id) => (lagging(id) ? null : block));
    return rewritten === xml ? answer : { ...answer, body: Buffer.from(rewritten, 'utf8') };
  }
}
