/**
 * The AWS-faithful layer serializes Route 53 change batches per zone, as AWS does: the switch a
 * failover writes (DELETE of the record as read + CREATE of the new one) lands for exactly one of
 * two runs racing on a record, and moto ends with AWS's result: one record set, the winner's value.
 */
import {
  ChangeResourceRecordSetsCommand,
  type Change,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { useFaithfulAws } from './layer-env';

const env = useFaithfulAws({ timing: { route53: { insyncMs: 300 } } });
const NAME = 'app.race.example.';
const PRIMARY = 'primary-alb.us-east-1.elb.amazonaws.com';
const change = (Action: Change['Action'], value: string): Change => ({
  Action,
  ResourceRecordSet: { Name: NAME, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: value }] },
});

async function zoneWithRecord(): Promise<string> {
  const r53 = env.moto(Route53Client);
  const zone = await r53.send(
    new CreateHostedZoneCommand({ Name: 'race.example.', CallerReference: `race-${Date.now()}` }),
  );
  const zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: [change('CREATE', PRIMARY)] },
    }),
  );
  return zoneId;
}

const switchTo = (zoneId: string, value: string) =>
  env.aws(Route53Client).send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: [change('DELETE', PRIMARY), change('CREATE', value)] },
    }),
  );

describe('AWS-faithful layer: racing change batches', () => {
  test('GIVEN a record WHEN two DELETE-as-read + CREATE batches race on it THEN exactly one applies, the other is InvalidChangeBatch, and moto holds one record set with the winner', async () => {
    const zoneId = await zoneWithRecord();
    const values = ['dr-alb.eu-west-1.elb.amazonaws.com', 'dr-alb.us-west-2.elb.amazonaws.com'];

    const results = await Promise.allSettled(values.map((v) => switchTo(zoneId, v)));

    const won = results.findIndex((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toBeGreaterThanOrEqual(0);
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as Error).name).toBe('InvalidChangeBatch');
    expect((lost[0]!.reason as Error).message).toMatch(/values provided do not match the current values/);
    const out = await env.moto(Route53Client).send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const sets = (out.ResourceRecordSets ?? []).filter((s) => s.Type === 'CNAME');
    expect(sets.map((s) => s.ResourceRecords?.map((r) => r.Value))).toEqual([[values[won]]]);
  });
});
