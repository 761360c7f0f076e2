/** A failover request and healthy preflight answers, for the tests of the pure failover decisions. */
import type { PreflightFacts } from '../../src/domain/failover/preflight';
import type { FailoverRequest, RecordSnapshot } from '../../src/domain/failover/types';

export const REQUEST: FailoverRequest = {
  hostedZoneId: 'Z0123456789ABC',
  recordName: 'app.abc.example.',
  recordType: 'CNAME',
  from: { region: 'us-east-1', value: 'primary-alb.us-east-1.elb.amazonaws.com' },
  to: { region: 'eu-west-1', value: 'dr-alb.eu-west-1.elb.amazonaws.com' },
  peeringConnectionId: 'pcx-0123456789abcdef0',
  promoteReplica: { region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica' },
};

export const record = (name: string, value: string): RecordSnapshot => ({
  name,
  type: 'CNAME',
  ttl: 60,
  value,
  values: [value],
});
export const ok = <T>(value: T) => ({ ok: true as const, value });
export const healthy = (over: Partial<PreflightFacts> = {}): PreflightFacts => ({
  peering: ok({ ok: true, status: 'active', detail: 'peering pcx-0123456789abcdef0 is active with routes', sides: [] }),
  zone: ok({ id: 'Z0123456789ABC', name: 'abc.example.', privateZone: false }),
  record: ok({ record: record('app.abc.example.', REQUEST.from.value) }),
  replica: ok({
    exists: true,
    region: 'eu-west-1',
    dbInstanceIdentifier: 'abc-db-replica',
    status: 'available',
    replicaSource: 'arn:aws:rds:us-east-1:123456789012:db:abc-db',
  }),
  ...over,
});
