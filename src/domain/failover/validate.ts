import ms, { type StringValue } from 'ms';
import { z } from 'zod';
import { scaleStepName } from './capacity';
import { defaultDrillRecordName, normalizeRecordName, sameRecordValue } from './dns-names';
import type { DnsSwitch, FailoverRequest } from './types';
import { isIpv6Address } from '../net/ip-address';
import { checkPlanned, plannedFields } from './planned';
import { MAX_RECOVERY_MS, MIN_RECOVERY_MS, recoverySignalSchema, signalName } from './recovery';
import {
  externalIdSchema,
  firstIssue,
  peeringIdSchema,
  regionSchema as region,
  roleArnSchema,
  type InvalidField,
  type Validated,
} from '../validation';

export const DEFAULT_APPROVAL_TIMEOUT = '30m';

const MIN_APPROVAL_MS = 1_000;
const MAX_APPROVAL_MS = 7 * 86_400_000;

/** Milliseconds of a duration such as "30m", "90 seconds" or "2w", parsed by `ms` as Temporal does; else undefined. */
export function durationMs(text: string): number | undefined {
  try {
    const value = ms(text.trim() as StringValue);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined; // ms throws on an empty or over-long string
  }
}

const duration = (min: number, max: number, range: string) =>
  z
    .string()
    .refine((t) => durationMs(t) !== undefined, 'must be a duration such as "30m", "90s" or "2h"')
    .refine((t) => (durationMs(t) ?? 0) >= min && (durationMs(t) ?? 0) <= max, `must be between ${range}`);

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
const RECORD_NAME =
  /^(?=.{1,254}$)(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.?$/i;

const endpoint = z.strictObject({ region, value: z.string().trim().min(1, 'must not be empty').max(255) });

const when = z
  .enum(['before-switch', 'after-switch', 'fence'], { message: 'must be "before-switch", "after-switch" or "fence"' })
  .optional();
const count = (what: string) =>
  z
    .number({ message: `must be a whole number of ${what}` })
    .int(`must be a whole number of ${what}`)
    .min(0, 'must not be negative');
// AWS: ASCII 33-126, no colon. ECS: letters, digits, hyphens and underscores, or the resource's ARN.
const ECS_NAME =
  /^([A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:(cluster|service)\/[A-Za-z0-9_/-]{1,511})$/;
const scaleAction = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('autoscaling'),
      region,
      name: z.string().regex(/^[!-9;-~]{1,255}$/, 'must be an Auto Scaling group name (printable ASCII, no colon)'),
      desiredCapacity: count('instances'),
      when,
    }),
    z.strictObject({
      kind: z.literal('ecs'),
      region,
      cluster: z.string().regex(ECS_NAME, 'must be an ECS cluster name or ARN'),
      service: z.string().regex(ECS_NAME, 'must be an ECS service name or ARN'),
      desiredCount: count('tasks'),
      when,
    }),
  ],
  { message: 'must be "autoscaling" or "ecs"' },
);

const ROUTING_CONTROL_ARN =
  /^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/[0-9a-z]+\/routingcontrol\/[0-9a-z]+$/;
const routingControlArn = z
  .string()
  .regex(
    ROUTING_CONTROL_ARN,
    'must be a routing control ARN (arn:aws:route53-recovery-control::<account>:controlpanel/…/routingcontrol/…)',
  );
const REQUIRED_FOR_ROUTING_CONTROL = 'is required with mode "routing-control"';
const dnsSwitch = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('upsert') }),
    z.strictObject({
      mode: z.literal('routing-control'),
      clusterEndpoints: z
        .array(
          z.strictObject({
            region,
            endpoint: z
              .string()
              .regex(
                /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
                'must be a cluster endpoint URL such as https://….route53-recovery-cluster.us-east-1.amazonaws.com/v1',
              ),
          }),
          {
            error: (issue) =>
              issue.input === undefined ? REQUIRED_FOR_ROUTING_CONTROL : 'must be a list of { region, endpoint }',
          },
        )
        .min(1, 'must list at least one cluster endpoint (a cluster has five; give them all)'),
      routingControls: z.strictObject(
        { from: routingControlArn, to: routingControlArn },
        { error: (issue) => (issue.input === undefined ? REQUIRED_FOR_ROUTING_CONTROL : 'must be { from, to }') },
      ),
    }),
  ],
  { message: 'must be "upsert" or "routing-control"' },
);

const request = z
  .strictObject({
    hostedZoneId: z
      .string()
      .regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id like Z0123456789ABC'),
    recordName: z.string().regex(RECORD_NAME, 'must be a DNS name like app.abc.example.'),
    recordType: z.enum(['CNAME', 'A', 'AAAA'], { message: 'must be CNAME, A or AAAA' }),
    ttl: z.number().int().min(0).max(2_147_483_647).optional(),
    from: endpoint,
    to: endpoint,
    peeringConnectionId: peeringIdSchema,
    peeringRoles: z
      .array(z.strictObject({ region, roleArn: roleArnSchema, externalId: externalIdSchema.optional() }))
      .max(2, 'at most one role per side of the peering')
      .optional(),
    promoteReplica: z
      .strictObject({
        region,
        dbInstanceIdentifier: z
          .string()
          .regex(
            /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/,
            'must be an RDS instance identifier (a letter, then letters, digits and hyphens)',
          ),
        maxRpoSeconds: z.number().int('must be whole seconds').min(0, 'must be 0 or more seconds').optional(),
      })
      .optional(),
    approval: z.enum(['auto', 'signal'], { message: 'must be "auto" or "signal"' }).optional(),
    approvalTimeout: duration(MIN_APPROVAL_MS, MAX_APPROVAL_MS, '1 second and 7 days').optional(),
    drill: z.boolean().optional(),
    drillRecordName: z.string().regex(RECORD_NAME, 'must be a DNS name like drill-app.abc.example.').optional(),
    scale: z.array(scaleAction).optional(),
    dnsSwitch: dnsSwitch.optional(),
    recoveredWhen: z
      .array(recoverySignalSchema, { message: 'must be a list of health signals' })
      .min(1, 'must list at least one signal; leave it out to end the RTO at the verified switch')
      .max(20, 'at most 20 signals')
      .optional(),
    recoveryTimeout: duration(MIN_RECOVERY_MS, MAX_RECOVERY_MS, '1 second and 24 hours').optional(),
    ...plannedFields,
  })
  .superRefine((r, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', message, path });
    for (const side of ['from', 'to'] as const) {
      const v = r[side].value;
      const ok = r.recordType === 'A' ? IPV4.test(v) : r.recordType === 'AAAA' ? isIpv6Address(v) : HOST.test(v);
      if (!ok) issue([side, 'value'], `"${v}" is not a valid ${r.recordType} value`);
    }
  });

/**
 * Checks a failover request without calling AWS: the shape, each field, and the rules between
 * fields. Shared by the workflow (which fails with `InvalidFailoverRequest`) and the client CLI.
 */
export function validateFailoverRequest(input: unknown): Validated<FailoverRequest> {
  const parsed = request.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const req = parsed.data;
  const fail = (field: string, reason: string): Validated<FailoverRequest> => ({ ok: false, error: { field, reason } });

  if (req.from.region === req.to.region) {
    return fail(
      'to.region',
      `is the same as from.region (${req.from.region}); a failover moves traffic to another region`,
    );
  }
  if (sameRecordValue(req.recordType, req.from.value, req.to.value)) {
    return fail('to.value', 'is the same as from.value; there would be nothing to switch');
  }
  // A drill never promotes, so its failback may carry the failover's replica unchanged.
  if (req.promoteReplica && !req.drill && req.promoteReplica.region !== req.to.region) {
    return fail(
      'promoteReplica.region',
      `is ${req.promoteReplica.region}, but the replica to promote must be in the target region ${req.to.region}`,
    );
  }
  if (req.drillRecordName !== undefined && req.drill !== true) {
    return fail(
      'drillRecordName',
      'is only used with drill: true; without it the run would change the production record',
    );
  }
  if (req.drill && normalizeRecordName(drillRecordNameOf(req)) === normalizeRecordName(req.recordName)) {
    return fail('drillRecordName', 'is the production record; a drill must work on a record of its own');
  }
  const scaleIssue = checkScale(req) ?? checkPlanned(req);
  if (scaleIssue) return { ok: false, error: scaleIssue };
  const switchIssue = checkDnsSwitch(req.dnsSwitch);
  if (switchIssue) return { ok: false, error: switchIssue };
  if (req.recoveryTimeout !== undefined && !req.recoveredWhen)
    return fail('recoveryTimeout', 'is only used with recoveredWhen: there is nothing to wait for');
  const signals = (req.recoveredWhen ?? []).map(signalName);
  const twice = signals.findIndex((name, i) => signals.indexOf(name) !== i);
  if (twice >= 0)
    return fail(`recoveredWhen[${twice}]`, `is the same signal as recoveredWhen[${signals.indexOf(signals[twice]!)}]`);
  return { ok: true, value: req };
}

/** The region an ECS ARN names, if it is one. */
const arnRegion = (nameOrArn: string) => /^arn:[^:]+:ecs:([^:]+):/.exec(nameOrArn)?.[1];

function checkScale(req: FailoverRequest): InvalidField | undefined {
  const seen = new Map<string, number>();
  const steps = new Map<string, number>();
  for (const [i, a] of (req.scale ?? []).entries()) {
    const at = `scale[${i}]`;
    if (a.region !== req.from.region && a.region !== req.to.region) {
      return {
        field: `${at}.region`,
        reason: `is ${a.region}, neither from.region (${req.from.region}) nor to.region (${req.to.region}); a failover scales the two regions it moves between`,
      };
    }
    if (a.kind === 'ecs') {
      for (const part of ['cluster', 'service'] as const) {
        const r = arnRegion(a[part]);
        if (r && r !== a.region)
          return { field: `${at}.${part}`, reason: `is an ARN in ${r}, but region is ${a.region}` };
      }
    }
    const target = `${a.kind}|${a.region}|${a.kind === 'autoscaling' ? a.name : `${a.cluster}|${a.service}`}`;
    const earlier = seen.get(target);
    if (earlier !== undefined) {
      return {
        field: at,
        reason: `targets the same ${a.kind === 'autoscaling' ? 'group' : 'service'} as scale[${earlier}]; give one action per group or service`,
      };
    }
    seen.set(target, i);
    const step = scaleStepName(a);
    const clash = steps.get(step);
    if (clash !== undefined)
      return {
        field: at,
        reason: `would be reported as step ${step}, like scale[${clash}]; each step name must be unique`,
      };
    steps.set(step, i);
  }
  return undefined;
}

function checkDnsSwitch(d: DnsSwitch | undefined): InvalidField | undefined {
  if (d?.mode !== 'routing-control') return undefined;
  const seen = new Map<string, number>();
  for (const [i, e] of d.clusterEndpoints.entries()) {
    const earlier = seen.get(e.endpoint);
    if (earlier !== undefined)
      return {
        field: `dnsSwitch.clusterEndpoints[${i}].endpoint`,
        reason: `is the same as clusterEndpoints[${earlier}]`,
      };
    seen.set(e.endpoint, i);
  }
  if (d.routingControls.from === d.routingControls.to) {
    return {
      field: 'dnsSwitch.routingControls.to',
      reason: 'is the same routing control as from; there would be nothing to switch',
    };
  }
  return undefined;
}

/** The record a run acts on: the drill record in a drill, the production record otherwise. */
export function targetRecordName(req: FailoverRequest): string {
  return req.drill ? drillRecordNameOf(req) : req.recordName;
}

function drillRecordNameOf(req: Pick<FailoverRequest, 'recordName' | 'drillRecordName'>): string {
  return req.drillRecordName ?? defaultDrillRecordName(req.recordName);
}
