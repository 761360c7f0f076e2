import { PublishCommand } from '@aws-sdk/client-sns';
import type { FailoverNotice } from '../../domain/failover/decision-types';
import { topicRegion } from '../../domain/failover/decisions';
import type { AwsClients } from '../aws/clients';
import { nonRetryable } from '../aws/errors';

export function createNotifyActivities(clients: AwsClients) {
  /**
   * Publishes a failover's notice to its SNS topic, in the topic's own region (SNS serves a topic
   * only there). A retry after a lost response may deliver the notice twice: a person reading a
   * second copy is better than a missed "decision needed". The workflow turns a failure into a
   * warning; an error AWS will repeat (no such topic, not allowed) is not retried.
   */
  async function publishFailoverNotice(notice: FailoverNotice): Promise<{ messageId: string }> {
    const region = topicRegion(notice.topicArn);
    if (!region) throw nonRetryable('InvalidParameter', `${notice.topicArn} is not an SNS topic ARN`);
    const out = await clients
      .sns(region)
      .send(new PublishCommand({ TopicArn: notice.topicArn, Subject: notice.subject, Message: notice.message }));
    return { messageId: out.MessageId ?? '' };
  }

  return { publishFailoverNotice };
}
