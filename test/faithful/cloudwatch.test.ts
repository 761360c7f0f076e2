/**
 * The AWS-faithful layer and CloudWatch through @aws-sdk/client-cloudwatch 3.1164.0 (the JSON
 * protocol moto serves): a new alarm starts INSUFFICIENT_DATA (harness/faithful/cloudwatch-alarms.ts);
 * RDS metrics put with PutMetricData read back as moto already serves them, and nothing publishes
 * them by itself (controls: moto behaves as AWS here).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateDBInstanceReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { useFaithfulAws } from './layer-env';
import { createSource, REPLICA_REGION } from './rds-world';

const env = useFaithfulAws();
const cw = () => env.aws(CloudWatchClient, REPLICA_REGION);
const replicaLag = (id: string) => ({
  Namespace: 'AWS/RDS',
  MetricName: 'ReplicaLag',
  Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }],
});
const window = () => ({ StartTime: new Date(Date.now() - 15 * 60_000), EndTime: new Date(Date.now() + 60_000) });

async function alarm(name: string): Promise<void> {
  await cw().send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
}

const states = async (input: DescribeAlarmsCommandInput) =>
  ((await cw().send(new DescribeAlarmsCommand(input))).MetricAlarms ?? []).map((a) => [a.AlarmName, a.StateValue]);

describe('AWS-faithful layer: CloudWatch alarms and RDS metrics', () => {
  test('GIVEN a new metric alarm WHEN it is described THEN INSUFFICIENT_DATA, found by that state and not by OK, until SetAlarmState moves it', async () => {
    await alarm('abc-dr-5xx');

    expect(await states({ AlarmNames: ['abc-dr-5xx'] })).toEqual([['abc-dr-5xx', 'INSUFFICIENT_DATA']]);
    expect(await states({ StateValue: 'INSUFFICIENT_DATA' })).toEqual([['abc-dr-5xx', 'INSUFFICIENT_DATA']]);
    expect(await states({ StateValue: 'OK' })).toEqual([]);
    await cw().send(new SetAlarmStateCommand({ AlarmName: 'abc-dr-5xx', StateValue: 'OK', StateReason: 'recovered' }));
    expect(await states({ AlarmNamePrefix: 'abc-dr' })).toEqual([['abc-dr-5xx', 'OK']]);
    expect(await states({ AlarmNames: ['abc-dr-5xx'], StateValue: 'ALARM' })).toEqual([]);
  });

  test('GIVEN ReplicaLag and AuroraGlobalDBRPOLag put in the replica region WHEN read with GetMetricStatistics and GetMetricData THEN the datapoints come back (control)', async () => {
    await cw().send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [{ ...replicaLag('abc-db-replica'), Value: 4, Unit: 'Seconds' }],
      }),
    );
    await cw().send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [
          {
            MetricName: 'AuroraGlobalDBRPOLag',
            Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'abc-aurora-dr' }],
            Value: 850,
            Unit: 'Milliseconds',
          },
        ],
      }),
    );

    const stats = await cw().send(
      new GetMetricStatisticsCommand({
        ...replicaLag('abc-db-replica'),
        ...window(),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    const data = await cw().send(
      new GetMetricDataCommand({
        ...window(),
        MetricDataQueries: [
          {
            Id: 'rpo',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: 'AuroraGlobalDBRPOLag',
                Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'abc-aurora-dr' }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );

    expect(stats.Datapoints?.map((d) => [d.Maximum, d.Unit])).toEqual([[4, 'Seconds']]);
    expect(data.MetricDataResults?.map((r) => [r.Id, r.Values])).toEqual([['rpo', [850]]]);
  });

  test('GIVEN a replica made through the layer WHEN its ReplicaLag is read THEN no datapoint: nothing publishes RDS metrics by itself (control)', async () => {
    const source = await createSource(env.moto);
    await env.aws(RDSClient, REPLICA_REGION).send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'abc-db-replica',
        SourceDBInstanceIdentifier: source,
      }),
    );

    const stats = await cw().send(
      new GetMetricStatisticsCommand({
        ...replicaLag('abc-db-replica'),
        ...window(),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );

    expect(stats.Datapoints).toEqual([]);
  });
});
