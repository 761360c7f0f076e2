/**
 * The world a failover needs, made directly in moto: an active inter-region peering with routes,
 * a hosted zone with the production record, and a cross-region RDS read replica. Used by the
 * failover tests and by the history recording script.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  CreateRouteCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  RDSClient,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { randomUUID } from 'node:crypto';
import type { FailoverRequest } from '../../../src/domain/failover/types';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const FROM = 'us-east-1';
export const TO = 'eu-west-1';

export interface FailoverWorld {
  /** A request for this world: auto approval, no drill. */
  request: FailoverRequest;
  zoneId: string;
  zoneName: string;
  primaryValue: string;
  drValue: string;
}

export class MotoFailoverFixture {
  constructor(private readonly motoUrl: string) {}

  ec2(region: string): EC2Client {
    return new EC2Client({ region, endpoint: this.motoUrl, credentials: CREDENTIALS });
  }

  rds(region: string): RDSClient {
    return new RDSClient({ region, endpoint: this.motoUrl, credentials: CREDENTIALS });
  }

  route53(): Route53Client {
    return new Route53Client({ region: 'us-east-1', endpoint: this.motoUrl, credentials: CREDENTIALS });
  }

  /** Two new VPCs peered across the regions; `active` adds the accept and a route on each side. */
  async peering(state: 'active' | 'pending-acceptance' = 'active'): Promise<string> {
    const [a, b] = [this.ec2(FROM), this.ec2(TO)];
    const va = (await a.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const vb = (await b.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const pcx = (await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: va, PeerVpcId: vb, PeerRegion: TO })))
      .VpcPeeringConnection!.VpcPeeringConnectionId!;
    if (state === 'pending-acceptance') return pcx;
    await b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    for (const [client, vpc, peerCidr] of [
      [a, va, '10.1.0.0/16'],
      [b, vb, '10.0.0.0/16'],
    ] as const) {
      const tables = await client.send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }),
      );
      await client.send(
        new CreateRouteCommand({
          RouteTableId: tables.RouteTables![0]!.RouteTableId!,
          DestinationCidrBlock: peerCidr,
          VpcPeeringConnectionId: pcx,
        }),
      );
    }
    return pcx;
  }

  /** A source DB in the `from` region and its read replica in the `to` region (source given as an ARN). */
  async replica(name: string): Promise<{ replicaId: string; sourceArn: string }> {
    const source = await this.rds(FROM).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${name}-primary`,
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        MasterUsername: 'abc',
        MasterUserPassword: 'not-a-secret-1',
        AllocatedStorage: 20,
      }),
    );
    const sourceArn = source.DBInstance!.DBInstanceArn!;
    const replicaId = `${name}-replica`;
    await this.rds(TO).send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: replicaId,
        SourceDBInstanceIdentifier: sourceArn,
        DBInstanceClass: 'db.t3.micro',
      }),
    );
    return { replicaId, sourceArn };
  }

  async zone(name: string): Promise<string> {
    const out = await this.route53().send(new CreateHostedZoneCommand({ Name: name, CallerReference: randomUUID() }));
    return out.HostedZone!.Id!.replace('/hostedzone/', '');
  }

  async upsert(zoneId: string, recordName: string, value: string, type: 'CNAME' | 'A' = 'CNAME'): Promise<void> {
    await this.route53().send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { Name: recordName, Type: type, TTL: 60, ResourceRecords: [{ Value: value }] },
            },
          ],
        },
      }),
    );
  }

  /** Every value of every record set with exactly this name and type (duplicates included). */
  async values(zoneId: string, recordName: string, type = 'CNAME'): Promise<string[]> {
    const out = await this.route53().send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    return (out.ResourceRecordSets ?? [])
      .filter((s) => s.Name?.toLowerCase() === recordName.toLowerCase() && s.Type === type)
      .flatMap((s) => (s.ResourceRecords ?? []).map((r) => r.Value ?? ''));
  }

  /**
   * moto keeps ReadReplicaSourceDBInstanceIdentifier after PromoteReadReplica and changes nothing
   * else visible, but it refuses to stop a read replica. So: try to stop it. A promoted instance
   * stops (call this last); a replica answers InvalidDBClusterStateFault and stays as it was.
   */
  async isPromoted(replicaId: string): Promise<boolean> {
    try {
      await this.rds(TO).send(new StopDBInstanceCommand({ DBInstanceIdentifier: replicaId }));
      return true;
    } catch (err) {
      if ((err as Error).name === 'InvalidDBClusterStateFault') return false;
      throw err;
    }
  }

  /** A fresh, complete world: peering, zone with app.<zone> → primary, replica. */
  async world(
    name = `abc-${randomUUID().slice(0, 8)}`,
    options: { peeringConnectionId?: string } = {},
  ): Promise<FailoverWorld> {
    const zoneName = `${name}.example.`;
    const recordName = `app.${zoneName}`;
    const primaryValue = `primary-alb.${FROM}.elb.amazonaws.com`;
    const drValue = `dr-alb.${TO}.elb.amazonaws.com`;
    const [peeringConnectionId, zoneId, { replicaId }] = await Promise.all([
      options.peeringConnectionId ? Promise.resolve(options.peeringConnectionId) : this.peering(),
      this.zone(zoneName),
      this.replica(`${name}-db`),
    ]);
    await this.upsert(zoneId, recordName, primaryValue);
    return {
      zoneId,
      zoneName,
      primaryValue,
      drValue,
      request: {
        hostedZoneId: zoneId,
        recordName,
        recordType: 'CNAME',
        ttl: 60,
        from: { region: FROM, value: primaryValue },
        to: { region: TO, value: drValue },
        peeringConnectionId,
        promoteReplica: { region: TO, dbInstanceIdentifier: replicaId },
        approval: 'auto',
      },
    };
  }
}
