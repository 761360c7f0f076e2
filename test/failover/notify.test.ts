/**
 * `notify: { snsTopicArn }`: the run publishes to the topic, in the topic's own region, when it
 * waits for a decision and when it ends; a publish that fails is a warning and the failover still
 * completes. What SNS delivered is read from an SQS queue subscribed to the topic.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { FailoverReport } from '../../src/domain/failover/types';
import { testEnv } from '../support/env';
import { CREDENTIALS, uniqueId } from '../support/harness';
import { useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite();
/** Away from both regions of the failover, as the contract advises. */
const TOPIC_REGION = 'us-west-2';

async function subscribedTopic(): Promise<{ topicArn: string; received: () => Promise<Message[]> }> {
  const config = { region: TOPIC_REGION, endpoint: testEnv().motoUrl, credentials: CREDENTIALS };
  const [sns, sqs] = [new SNSClient(config), new SQSClient(config)];
  const name = uniqueId('abc-dr-events').replace(/[^A-Za-z0-9_-]/g, '-');
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
  const received = async () => {
    const all: Message[] = [];
    for (let i = 0; i < 5; i++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      all.push(...(out.Messages ?? []));
    }
    return all;
  };
  return { topicArn, received };
}

/** SNS's envelope around each message delivered to SQS. */
const envelope = (m: Message) => JSON.parse(m.Body!) as { TopicArn: string; Subject: string; Message: string };

describe('FailoverToRegion notify', () => {
  test('GIVEN an SNS topic in another region WHEN a run waits for a decision and completes THEN both notices land, with findings and RTO', async () => {
    // GIVEN a topic with a queue subscribed, and a failover that waits for approval
    const { topicArn, received } = await subscribedTopic();
    const world = await f.moto.world();
    const handle = await f.start({
      ...world.request,
      approval: 'signal',
      approvalTimeout: '5m',
      notify: { snsTopicArn: topicArn },
    });

    // WHEN it waits, and is approved
    await f.untilAwaitingDecision(handle);
    await handle.executeUpdate('approve', { args: [{ by: 'test-operator' }] });
    const report = (await handle.result()) as FailoverReport;

    // THEN it completed with no warning
    expect(report.outcome).toBe('completed');
    expect(report.warnings).toEqual([]);
    // AND the topic got the "decision needed" notice and the outcome, in that order
    const notices = (await received()).map(envelope);
    expect(notices.map((n) => n.Subject)).toEqual([
      `DECISION NEEDED: Failover of ${report.recordName} us-east-1 -> eu-west-1`,
      `COMPLETED: Failover of ${report.recordName} us-east-1 -> eu-west-1`,
    ]);
    expect(notices.every((n) => n.TopicArn === topicArn)).toBe(true);
    expect(notices[0]!.Message).toMatch(new RegExp(`failover approve ${handle.workflowId}[\\s\\S]*Findings: .*active`));
    expect(notices[1]!.Message).toContain(`RTO: ${report.rtoSeconds} s`);
    expect(notices[1]!.Message).toMatch(/- switch-record: ok/);
  });

  test('GIVEN a topic that does not exist THEN the failover completes and the report says the notice was not published', async () => {
    const world = await f.moto.world();
    const missing = `arn:aws:sns:${TOPIC_REGION}:123456789012:${uniqueId('no-such-topic').replace(/[^A-Za-z0-9_-]/g, '-')}`;

    const report = await f.run({ ...world.request, notify: { snsTopicArn: missing } });

    expect(report.outcome).toBe('completed');
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    expect(report.warnings).toEqual([
      expect.stringMatching(new RegExp(`^notify: the outcome notice to ${missing} was not published: NotFound`)),
    ]);
  });
});
