import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { testEnv } from '../env';
import { CREDENTIALS } from '../harness';
import { COMING_PLACEHOLDERS } from './coming';

/** The operators' topic that <NOTIFY_TOPIC_ARN> names, made in moto (whose default account is the placeholders'). */
export async function notifyTopic(): Promise<string> {
  const arn = COMING_PLACEHOLDERS['<NOTIFY_TOPIC_ARN>'];
  const [, , , region, , name] = arn.split(':');
  const sns = new SNSClient({ region: region!, endpoint: testEnv().motoUrl, credentials: CREDENTIALS });
  const made = (await sns.send(new CreateTopicCommand({ Name: name! }))).TopicArn;
  if (made !== arn) throw new Error(`moto made ${made}, not ${arn}`);
  return arn;
}
