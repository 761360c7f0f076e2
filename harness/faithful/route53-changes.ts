/**
 * Route 53 changes as AWS applies them, where moto is kinder:
 * - a change batch is atomic and checked against the zone as it is: a CREATE of a record set that
 *   exists, or a DELETE of one that does not, or whose values differ from the record's, fails the
 *   whole batch with InvalidChangeBatch and changes nothing. moto accepts a CREATE over an existing
 *   record (a duplicate), and checks a DELETE against its change journal with another message;
 * - a change is PENDING for a while, then INSYNC (moto: INSYNC at once, and one change id for all),
 *   so that a client's wait for INSYNC runs at all. Each accepted batch gets its own change id.
 * - batches on one zone are checked and applied one at a time, as AWS serializes them: two batches
 *   racing on one record cannot both pass the check before either reaches moto.
 * Sources: Route 53 API reference, ChangeResourceRecordSets ("Change batches are considered
 * transactional changes… if any of the changes fail, none of the changes are applied"; "DELETE…
 * you must specify all the same values that you specified when you created it"; "CREATE: Creates a
 * resource record set… fails if a resource record set with the same name and type exists");
 * GetChange ("PENDING indicates that the changes in this request have not propagated to all Amazon
 * Route 53 DNS servers… INSYNC indicates that the changes have propagated"). AWS's error as
 * aws-sdk-kotlin#1435 quotes it: `ErrorResponse` with Code InvalidChangeBatch and Message
 * "[Tried to delete resource record set [name='test.blerg.com.', type='CNAME'] but the values
 * provided do not match the current values, Tried to create resource record set [name='…',
 * type='CNAME'] but it already exists]"; "…but it was not found" is its wording for a missing one.
 */
import { randomBytes } from 'node:crypto';
import { ListResourceRecordSetsCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { errorXml, escapeXml } from '../fault-proxy/xml';
import { type MotoReader } from './moto-reader';
import { type Route53Timing } from './timing';

const CHANGE_BATCH = /^POST \/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/;
const GET_CHANGE = /^GET \/2013-04-01\/change\/([^/]+)$/;
const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
/** How long an admitted batch may hold its zone without moto answering it. */
const HOLD_MS = 3_000;

interface Change {
  action: string;
  set: ResourceRecordSet;
}

const text = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`).toLowerCase();

/** The changes of a ChangeResourceRecordSets request body, in order. */
export function changesOf(body: string): Change[] {
  return [...body.matchAll(/<Change>([\s\S]*?)<\/Change>/g)].map(([, xml = '']) => {
    const alias = /<AliasTarget>([\s\S]*?)<\/AliasTarget>/.exec(xml)?.[1];
    const ttl = text(xml, 'TTL');
    const opt = (tag: string) => (text(xml, tag) === undefined ? {} : { [tag]: unescape(text(xml, tag)!) });
    return {
      action: text(xml, 'Action') ?? '',
      set: {
        Name: unescape(text(xml, 'Name') ?? ''),
        Type: text(xml, 'Type') as ResourceRecordSet['Type'],
        ...opt('SetIdentifier'),
        ...(ttl === undefined ? {} : { TTL: Number(ttl) }),
        ...(xml.includes('<ResourceRecords>')
          ? { ResourceRecords: [...xml.matchAll(/<Value>([^<]*)<\/Value>/g)].map((m) => ({ Value: unescape(m[1]!) })) }
          : {}),
        ...(alias
          ? {
              AliasTarget: {
                HostedZoneId: text(alias, 'HostedZoneId') ?? '',
                DNSName: unescape(text(alias, 'DNSName') ?? ''),
                EvaluateTargetHealth: text(alias, 'EvaluateTargetHealth') === 'true',
              },
            }
          : {}),
        ...opt('Weight'),
        ...opt('Region'),
        ...opt('Failover'),
        ...opt('HealthCheckId'),
      },
    };
  });
}

const identity = (s: ResourceRecordSet) => `${fqdn(s.Name ?? '')}|${s.Type}|${s.SetIdentifier ?? ''}`;

/** Everything a DELETE must repeat exactly, in one comparable string. */
function values(s: ResourceRecordSet): string {
  const alias = s.AliasTarget
    ? `${fqdn(s.AliasTarget.DNSName ?? '')}|${s.AliasTarget.HostedZoneId}|${s.AliasTarget.EvaluateTargetHealth ?? false}`
    : '';
  const records = (s.ResourceRecords ?? []).map((r) => r.Value ?? '').sort();
  return JSON.stringify([
    s.TTL ?? null,
    records,
    alias,
    `${s.Weight ?? ''}`,
    s.Region ?? '',
    s.Failover ?? '',
    s.HealthCheckId ?? '',
  ]);
}

function label(s: ResourceRecordSet): string {
  const id = s.SetIdentifier === undefined ? '' : `, set-identifier='${s.SetIdentifier}'`;
  return `[name='${fqdn(s.Name ?? '')}', type='${s.Type}'${id}]`;
}

/** The messages AWS would give for `changes` on a zone holding `current`; none when the batch applies. */
export function batchProblems(current: ResourceRecordSet[], changes: Change[]): string[] {
  const zone = new Map(current.map((s) => [identity(s), s]));
  const problems: string[] = [];
  for (const { action, set } of changes) {
    const existing = zone.get(identity(set));
    if (action === 'CREATE') {
      if (existing) problems.push(`Tried to create resource record set ${label(set)} but it already exists`);
      else zone.set(identity(set), set);
    } else if (action === 'DELETE') {
      if (!existing) problems.push(`Tried to delete resource record set ${label(set)} but it was not found`);
      else if (values(existing) !== values(set))
        problems.push(
          `Tried to delete resource record set ${label(set)} but the values provided do not match the current values`,
        );
      else zone.delete(identity(set));
    } else if (action === 'UPSERT') {
      zone.set(identity(set), set);
    }
  }
  return problems;
}

export class Route53Changes implements ProxyBehaviour {
  /** Change id (without `/change/`) → when it was submitted. */
  private readonly submitted = new Map<string, number>();
  /** Per zone: the end of the last batch admitted, which the next one waits for. */
  private readonly queues = new Map<string, Promise<void>>();
  /** A batch admitted to moto: lets the next batch on its zone through once moto has answered it. */
  private readonly admitted = new Map<AwsCall, () => void>();

  constructor(
    private readonly ctx: BehaviourContext,
    private readonly moto: MotoReader,
    /** Read on every call, so a test may change it. */
    readonly timing: Route53Timing,
  ) {}

  /** Changes are AWS state, not something a fault rule armed. */
  reset(): void {}

  async refuse(call: AwsCall): Promise<Answer | undefined> {
    const zoneId = call.service === 'route53' ? CHANGE_BATCH.exec(call.action)?.[1] : undefined;
    if (!zoneId) return undefined;
    const release = await this.admit(zoneId);
    try {
      const current = await this.recordSets(call.accessKeyId, zoneId);
      const problems = current === undefined ? [] : batchProblems(current, changesOf(call.body ?? ''));
      // An unknown zone: moto's own NoSuchHostedZone is AWS's answer too.
      if (!problems.length) {
        this.admitted.set(call, release);
        return undefined;
      }
      release();
      this.ctx.inject('route53-batch');
      return xmlAnswer(400, errorXml('route53', 400, 'InvalidChangeBatch', `[${problems.join(', ')}]`));
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Waits until the zone's earlier batches are applied, then holds the zone until `release`. A batch
   * a fault rule then stops before moto never reaches afterUpstream: the hold lapses on its own.
   */
  private async admit(zoneId: string): Promise<() => void> {
    const before = this.queues.get(zoneId) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = before.then(() => mine);
    this.queues.set(zoneId, tail);
    await before;
    const hold: { lapse?: NodeJS.Timeout } = {};
    const release = () => {
      clearTimeout(hold.lapse);
      done();
      if (this.queues.get(zoneId) === tail) this.queues.delete(zoneId);
    };
    hold.lapse = setTimeout(release, HOLD_MS);
    hold.lapse.unref();
    return release;
  }

  /**
   * moto checks a CREATE against the zone before it applies the batch's DELETE (and against its own
   * journal of earlier changes), so DELETE(old) + CREATE(new) of one name is refused there when that
   * value was once created before. The batch was checked above against the zone as AWS does, so each
   * CREATE reaches moto as an UPSERT: the same end state, in order.
   */
  upstreamBody(call: AwsCall, body: Buffer): Buffer {
    if (call.service !== 'route53' || !CHANGE_BATCH.test(call.action)) return body;
    const xml = body.toString('utf8');
    return xml.includes('<Action>CREATE</Action>')
      ? Buffer.from(xml.replace(/<Action>CREATE<\/Action>/g, '<Action>UPSERT</Action>'), 'utf8')
      : body;
  }

  serve(call: AwsCall): Answer | undefined {
    const id = call.service === 'route53' ? GET_CHANGE.exec(call.action)?.[1] : undefined;
    const at = id === undefined ? undefined : this.submitted.get(id);
    if (id === undefined || at === undefined) return undefined;
    return xmlAnswer(
      200,
      `<?xml version="1.0" encoding="UTF-8"?><GetChangeResponse xmlns="${NS}">${this.changeInfo(id, at)}</GetChangeResponse>`,
    );
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    this.admitted.get(call)?.();
    this.admitted.delete(call);
    if (call.service !== 'route53' || answer.status !== 200 || !CHANGE_BATCH.test(call.action)) return answer;
    const id = `C${randomBytes(10).toString('hex').toUpperCase().slice(0, 13)}`;
    const at = Date.now();
    this.submitted.set(id, at);
    const xml = answer.body.toString('utf8').replace(/<ChangeInfo>[\s\S]*?<\/ChangeInfo>/, this.changeInfo(id, at));
    return { ...answer, body: Buffer.from(xml, 'utf8') };
  }

  private changeInfo(id: string, at: number): string {
    const insync = Date.now() - at >= this.timing.insyncMs;
    if (!insync) this.ctx.inject('route53-pending');
    return (
      `<ChangeInfo><Id>/change/${escapeXml(id)}</Id><Status>${insync ? 'INSYNC' : 'PENDING'}</Status>` +
      `<SubmittedAt>${new Date(at).toISOString()}</SubmittedAt></ChangeInfo>`
    );
  }

  private async recordSets(accessKeyId: string | undefined, zoneId: string): Promise<ResourceRecordSet[] | undefined> {
    const client = this.moto.route53(accessKeyId);
    const sets: ResourceRecordSet[] = [];
    let next: {
      StartRecordName?: string;
      StartRecordType?: ResourceRecordSet['Type'];
      StartRecordIdentifier?: string;
    } = {};
    for (;;) {
      try {
        const page = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...next }));
        sets.push(...(page.ResourceRecordSets ?? []));
        if (!page.IsTruncated) return sets;
        next = {
          StartRecordName: page.NextRecordName,
          StartRecordType: page.NextRecordType,
          ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
        };
      } catch (err) {
        if ((err as Error).name === 'NoSuchHostedZone') return undefined;
        throw err;
      }
    }
  }
}
