/**
 * RDS read-replica promotion as AWS does it, in front of moto. moto's PromoteReadReplica flips a
 * flag and changes nothing visible: the instance stays `available` and keeps naming its source.
 * On AWS the instance goes `modifying` (and reboots) for minutes, and only then is it `available`
 * with `ReadReplicaSourceDBInstanceIdentifier` gone; the source stops listing it. Until then it is
 * still read-only, and a second PromoteReadReplica is refused with InvalidDBInstanceState.
 *
 * This rewrites moto's DescribeDBInstances and PromoteReadReplica answers for the promoted
 * instance accordingly. The timing is adjustable, so a test can hold the instance `modifying`, or
 * `available` while it still names its source, for as long as it needs to look.
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { errorXml } from '../fault-proxy/xml';

export interface PromotionTiming {
  /** How long the instance shows `modifying` after PromoteReadReplica. */
  modifyingMs: number;
  /**
   * How long it then shows `available` while still naming its source: zero on AWS as documented,
   * more to check that a client waits for the source to go, not only for `available`.
   */
  sourceLingersMs: number;
}

export const DEFAULT_PROMOTION: PromotionTiming = { modifyingMs: 3_000, sourceLingersMs: 0 };

type Phase = 'modifying' | 'still-replicating' | 'standalone';

const DB_INSTANCE = /<DBInstance>[\s\S]*?<\/DBInstance>/g;
const tagValue = (block: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(block)?.[1];

export class RdsPromotionBehaviour implements ProxyBehaviour {
  /** `<region>|<id>` → when PromoteReadReplica was accepted, and the source it had. */
  private readonly promoted = new Map<string, { at: number; source: string | undefined }>();

  constructor(
    private readonly ctx: BehaviourContext,
    /** Read on every call, so a test may change it between runs. */
    public timing: PromotionTiming = { ...DEFAULT_PROMOTION },
  ) {}

  /** Promotions are AWS state, not something a rule armed: replacing the rules keeps them. */
  reset(): void {}

  refuse(call: AwsCall): Answer | undefined {
    if (call.service !== 'rds' || call.action !== 'PromoteReadReplica') return undefined;
    const id = call.params.get('DBInstanceIdentifier') ?? '';
    const phase = this.phaseOf(call.region, id);
    if (phase === undefined) return undefined;
    this.ctx.inject('rds-promotion');
    const message =
      phase === 'standalone' ? 'DB Instance is not a read replica.' : `DB instance ${id} is not in available state.`;
    return xmlAnswer(400, errorXml('rds', 400, 'InvalidDBInstanceState', message));
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (call.service !== 'rds' || answer.status !== 200) return answer;
    if (call.action !== 'PromoteReadReplica' && call.action !== 'DescribeDBInstances') return answer;
    const xml = answer.body.toString('utf8');
    if (call.action === 'PromoteReadReplica') {
      const block = xml.match(DB_INSTANCE)?.[0] ?? '';
      const id = tagValue(block, 'DBInstanceIdentifier');
      if (id) {
        this.promoted.set(`${call.region}|${id}`, {
          at: Date.now(),
          source: tagValue(block, 'ReadReplicaSourceDBInstanceIdentifier'),
        });
      }
    }
    const rewritten = xml.replace(DB_INSTANCE, (block) => this.rewrite(call.region, block));
    return rewritten === xml ? answer : { ...answer, body: Buffer.from(rewritten, 'utf8') };
  }

  private phaseOf(region: string | undefined, id: string): Phase | undefined {
    const p = this.promoted.get(`${region}|${id}`);
    if (!p) return undefined;
    const elapsed = Date.now() - p.at;
    if (elapsed < this.timing.modifyingMs) return 'modifying';
    return elapsed < this.timing.modifyingMs + this.timing.sourceLingersMs ? 'still-replicating' : 'standalone';
  }

  private rewrite(region: string | undefined, block: string): string {
    const id = tagValue(block, 'DBInstanceIdentifier') ?? '';
    let out = this.withoutFinishedReplicas(block);
    const phase = this.phaseOf(region, id);
    if (phase === undefined) return out;
    this.ctx.inject('rds-promotion');
    out = out.replace(
      /<DBInstanceStatus>[^<]*<\/DBInstanceStatus>/,
      `<DBInstanceStatus>${phase === 'modifying' ? 'modifying' : 'available'}</DBInstanceStatus>`,
    );
    if (phase === 'standalone')
      out = out.replace(/<ReadReplicaSourceDBInstanceIdentifier>[^<]*<\/ReadReplicaSourceDBInstanceIdentifier>/, '');
    return out;
  }

  /** A source instance stops listing a replica once its promotion is done. */
  private withoutFinishedReplicas(block: string): string {
    return block.replace(
      /<ReadReplicaDBInstanceIdentifier>([^<]*)<\/ReadReplicaDBInstanceIdentifier>/g,
      (all, ref: string) => {
        const arn = /^arn:[^:]+:rds:([^:]+):\d+:db:(.+)$/.exec(ref);
        const done = arn && this.phaseOf(arn[1], arn[2] ?? '') === 'standalone';
        return done ? '' : all;
      },
    );
  }
}
