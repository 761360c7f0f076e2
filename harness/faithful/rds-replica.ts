/**
 * A read replica as AWS makes it, where moto is kinder or wrong:
 * - a cross-region replica takes `DBSubnetGroupName` from its own region (moto looks in the
 *   source's region and fails DBSubnetGroupNotFound): the layer checks the group exists where the
 *   replica goes (else DBSubnetGroupNotFoundFault), forwards the call without it, and from then on
 *   shows the replica in that group (its VPC, its subnets), in that group's zones, and, when no
 *   groups are named, in that VPC's `default` security group;
 * - a source with automated backups off (BackupRetentionPeriod 0) is refused (moto replicates it);
 * - an encrypted source without `KmsKeyId` for a cross-region replica is refused (moto copies it);
 * - a replica reports its replication in `StatusInfos` (moto has none).
 * Sources: CreateDBInstanceReadReplica API reference ("DBSubnetGroupName… The specified DB subnet
 * group must be in the same Amazon Web Services Region in which the operation is running"; "Your
 * source DB instance or cluster must have backup retention enabled"; "KmsKeyId… If you create an
 * encrypted read replica in a different Amazon Web Services Region, then you must specify a KMS key
 * identifier for the destination Amazon Web Services Region"; errors DBSubnetGroupNotFoundFault,
 * InvalidDBInstanceState); RDS user guide, "Creating a read replica in a different AWS Region"
 * (USER_ReadRepl.XRgn: without VPC security groups the replica gets the VPC's default group);
 * DBInstance reference, StatusInfos ("StatusType… currently 'read replication'"; Status
 * "replicating | replication stop point set | replication stop point reached | error | stopped |
 * terminated"). AWS's answer to an encrypted source without a key, as terraform-aws-rds#428 quotes
 * it: "InvalidParameterCombination: Cannot create a cross region unencrypted read replica from
 * encrypted source."
 */
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { type MotoReader } from './moto-reader';
import { append, dropElement, field, hasElement, instanceBlocks, locate, mapInstances, rdsError } from './rds-xml';

export const NO_BACKUPS_MESSAGE =
  'Automated backups are not enabled for this database instance. To enable automated backups, ' +
  'use ModifyDBInstance to set the backup retention period to a non-zero value.';
export const UNENCRYPTED_REPLICA_MESSAGE =
  'Cannot create a cross region unencrypted read replica from encrypted source.';

const REPLICATING =
  '<StatusInfos><DBInstanceStatusInfo><StatusType>read replication</StatusType><Normal>true</Normal>' +
  '<Status>replicating</Status></DBInstanceStatusInfo></StatusInfos>';
const SUBNET_GROUP = /<DBSubnetGroup>[\s\S]*?<\/DBSubnetGroup>/;
/** Not replicating yet, or no longer. */
const NOT_REPLICATING = new Set(['creating', 'deleting', 'failed', 'stopped', 'incompatible-parameters']);

interface Placement {
  /** The group's `<DBSubnetGroup>` element as moto describes it in the replica's region. */
  groupXml: string;
  zone?: string;
  defaultGroupId?: string;
}

export class RdsReplicas implements ProxyBehaviour {
  /** `<account>|<region>|<id>` → the `<DBSubnetGroup>` the replica was placed in. */
  private readonly groups = new Map<string, string>();
  /** What refuse() found for a call, for upstreamParams() and afterUpstream() of the same call. */
  private readonly placements = new WeakMap<AwsCall, Placement>();

  constructor(
    private readonly ctx: BehaviourContext,
    private readonly moto: MotoReader,
  ) {}

  /** Placements are AWS state, not something a fault rule armed. */
  reset(): void {}

  async refuse(call: AwsCall): Promise<Answer | undefined> {
    if (call.service !== 'rds' || call.action !== 'CreateDBInstanceReadReplica') return undefined;
    const region = call.region ?? 'us-east-1';
    const at = locate(call.params.get('SourceDBInstanceIdentifier') ?? '', region);
    const source = await this.moto.rds(at.region, call.accessKeyId, {
      Action: 'DescribeDBInstances',
      DBInstanceIdentifier: at.id,
    });
    // An unknown source: moto's own DBInstanceNotFound is AWS's answer too.
    const block = source.status === 200 ? instanceBlocks(source.text)[0] : undefined;
    if (!block) return undefined;
    if (field(block, 'BackupRetentionPeriod') === '0')
      return this.refused(rdsError('InvalidDBInstanceState', NO_BACKUPS_MESSAGE));
    const crossRegion = at.region !== region;
    if (crossRegion && field(block, 'StorageEncrypted') === 'true' && !call.params.get('KmsKeyId'))
      return this.refused(rdsError('InvalidParameterCombination', UNENCRYPTED_REPLICA_MESSAGE));
    const groupName = call.params.get('DBSubnetGroupName');
    if (!crossRegion || !groupName) return undefined;
    const found = await this.moto.rds(region, call.accessKeyId, {
      Action: 'DescribeDBSubnetGroups',
      DBSubnetGroupName: groupName,
    });
    const groupXml = found.status === 200 ? SUBNET_GROUP.exec(found.text)?.[0] : undefined;
    if (!groupXml)
      return this.refused(rdsError('DBSubnetGroupNotFoundFault', `DBSubnetGroup '${groupName}' not found.`, 404));
    const named = [...call.params.keys()].some((k) => k.startsWith('VpcSecurityGroupIds.'));
    this.placements.set(call, {
      groupXml,
      zone: /<SubnetAvailabilityZone><Name>([^<]+)<\/Name>/.exec(groupXml)?.[1],
      defaultGroupId: named ? undefined : await this.defaultGroup(call, region, field(groupXml, 'VpcId')),
    });
    return undefined;
  }

  /** moto gets the call without the subnet group it would look for in the wrong region. */
  upstreamParams(call: AwsCall, params: URLSearchParams): URLSearchParams {
    const placement = this.placements.get(call);
    if (!placement) return params;
    const out = new URLSearchParams(params);
    out.delete('DBSubnetGroupName');
    if (placement.defaultGroupId) out.set('VpcSecurityGroupIds.VpcSecurityGroupId.1', placement.defaultGroupId);
    if (placement.zone && !out.has('AvailabilityZone')) out.set('AvailabilityZone', placement.zone);
    return out;
  }

  async afterUpstream(call: AwsCall, answer: Answer): Promise<Answer> {
    if (call.service !== 'rds' || answer.status !== 200 || !answer.body.includes('<DBInstance>')) return answer;
    const account = await this.moto.accountOf(call.accessKeyId);
    const key = (id: string) => `${account}|${call.region ?? 'us-east-1'}|${id.toLowerCase()}`;
    const placement = this.placements.get(call);
    const shownId = field(instanceBlocks(answer.body.toString('utf8'))[0], 'DBInstanceIdentifier');
    if (placement && shownId) this.groups.set(key(shownId), placement.groupXml);
    const requested = call.params.get('DBInstanceIdentifier');
    if (call.action === 'ModifyDBInstance' && requested && shownId && shownId !== requested.toLowerCase()) {
      const group = this.groups.get(key(requested));
      if (group !== undefined) this.groups.set(key(shownId), group);
      this.groups.delete(key(requested));
    }
    return mapInstances(answer, (block) =>
      this.present(block, this.groups.get(key(field(block, 'DBInstanceIdentifier') ?? ''))),
    );
  }

  private present(block: string, group: string | undefined): string {
    let out = block;
    if (group !== undefined && !out.includes(group)) {
      this.ctx.inject('rds-replica');
      out = append(dropElement(out, 'DBSubnetGroup'), 'DBInstance', group);
    }
    const status = field(out, 'DBInstanceStatus') ?? '';
    if (
      field(out, 'ReadReplicaSourceDBInstanceIdentifier') &&
      !hasElement(out, 'StatusInfos') &&
      !NOT_REPLICATING.has(status)
    ) {
      this.ctx.inject('rds-replica');
      out = append(dropElement(out, 'StatusInfos'), 'DBInstance', REPLICATING);
    }
    return out;
  }

  /** The VPC's `default` group, which AWS gives a replica placed in the VPC without groups. */
  private async defaultGroup(call: AwsCall, region: string, vpcId: string | undefined): Promise<string | undefined> {
    if (!vpcId) return undefined;
    const ec2 = await this.moto.asCaller(region, call.accessKeyId);
    const { SecurityGroups = [] } = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    );
    return SecurityGroups[0]?.GroupId;
  }

  private refused(answer: Answer): Answer {
    this.ctx.inject('rds-replica');
    return answer;
  }
}
