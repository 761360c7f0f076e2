/** The fields a setup's flow logs record, in this order. */
export const FLOW_LOG_FIELDS = [
  'version',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
  'flow-direction',
  'traffic-path',
] as const;

export const FLOW_LOG_FORMAT = FLOW_LOG_FIELDS.map((f) => `\${${f}}`).join(' ');

/** The field names of a `LogFormat` such as `${version} ${bytes} …`, in order. */
export function formatFields(logFormat: string): string[] {
  return [...logFormat.matchAll(/\$\{([a-z0-9-]+)\}/g)].map((m) => m[1]!);
}

/** Where a setup's flow logs go: one log group per side, named by the setup id. */
export const FLOW_LOG_GROUP_PREFIX = '/vpc-peering/flow-logs/';

/** Flow logs cost money to ingest and to keep; the groups a setup makes keep a month. */
export const FLOW_LOG_RETENTION_DAYS = 30;

export function flowLogGroupName(setupId: string, side: 'requester' | 'accepter'): string {
  return `${FLOW_LOG_GROUP_PREFIX}${setupId.replace(/[^A-Za-z0-9._\-/#]/g, '_')}/${side}`;
}
