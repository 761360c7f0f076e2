/**
 * Deleting a cross-region read replica as AWS does it. moto 5.2.1 lists a cross-region replica on
 * its source by ARN but removes it by name, so DeleteDBInstance of one answers HTTP 500 (a Python
 * ValueError) after forgetting the instance, and the source keeps listing it. On AWS the delete is
 * accepted (the replica goes `deleting`, rds-lifecycle.ts), and once it is gone the source no longer
 * lists it in ReadReplicaDBInstanceIdentifiers.
 * The layer detaches the replica in moto first (moto's PromoteReadReplica only clears its replica
 * flag), then lets moto delete it, and keeps the deleted ARNs out of their sources' lists.
 * Sources: RDS user guide, "Working with DB instance read replicas" ("You can delete a read replica
 * … the read replica is deleted, and the source DB instance isn't affected"); DeleteDBInstance API
 * reference; DBInstance reference, ReadReplicaDBInstanceIdentifiers ("the identifiers of the read
 * replicas associated with this DB instance").
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { type MotoReader } from './moto-reader';
import { field, instanceBlocks, mapInstances, parseRdsArn } from './rds-xml';

const LISTED = /<ReadReplicaDBInstanceIdentifier>([^<]*)<\/ReadReplicaDBInstanceIdentifier>/g;

export class RdsReplicaDeletes implements ProxyBehaviour {
  /** ARNs of cross-region replicas deleted through the layer, kept out of their sources' lists. */
  private readonly deleted = new Set<string>();

  constructor(
    private readonly ctx: BehaviourContext,
    private readonly moto: MotoReader,
  ) {}

  /** Deletions are AWS state, not something a fault rule armed. */
  reset(): void {}

  refuse(): undefined {
    return undefined;
  }

  async serve(call: AwsCall): Promise<Answer | undefined> {
    if (call.service !== 'rds' || call.action !== 'DeleteDBInstance') return undefined;
    const region = call.region ?? 'us-east-1';
    const id = call.params.get('DBInstanceIdentifier') ?? '';
    const found = await this.moto.rds(region, call.accessKeyId, {
      Action: 'DescribeDBInstances',
      DBInstanceIdentifier: id,
    });
    const block = found.status === 200 ? instanceBlocks(found.text)[0] : undefined;
    const source = parseRdsArn(field(block, 'ReadReplicaSourceDBInstanceIdentifier') ?? '');
    if (!block || !source || source.region === region) return undefined;
    this.ctx.inject('rds-replica');
    await this.moto.rds(region, call.accessKeyId, { Action: 'PromoteReadReplica', DBInstanceIdentifier: id });
    const answer = await this.moto.rds(region, call.accessKeyId, Object.fromEntries(call.params));
    const arn = field(block, 'DBInstanceArn');
    if (answer.status === 200 && arn) this.deleted.add(arn);
    return xmlAnswer(answer.status, answer.text);
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (call.service !== 'rds' || answer.status !== 200) return answer;
    if (call.action === 'CreateDBInstanceReadReplica') {
      // A new replica under a deleted one's name is listed again.
      const made = field(instanceBlocks(answer.body.toString('utf8'))[0], 'DBInstanceArn');
      if (made) this.deleted.delete(made);
    }
    if (!answer.body.includes('<ReadReplicaDBInstanceIdentifier>')) return answer;
    // moto also keeps a deleted replica's entry when a new one takes its name: each is listed once.
    return mapInstances(answer, (block) => {
      const seen = new Set<string>();
      return block.replace(LISTED, (all, ref: string) => {
        if (this.deleted.has(ref) || seen.has(ref)) return '';
        seen.add(ref);
        return all;
      });
    });
  }
}
