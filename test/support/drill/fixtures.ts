/**
 * What a DR drill needs in moto: the ABC Corp peering set up by the workflow, a hosted zone with
 * the production record and a cross-region read replica, and a drill request for them. Plus direct
 * EC2 calls that plant drift, and a peering deleted behind the orchestrator's back.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteNetworkAclEntryCommand,
  DeleteRouteCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { DrillFailover, DrillRequest } from '../../../src/domain/drill/types';
import type { PeeringRequest, PeeringResult } from '../../../src/domain/peering/types';
import { testEnv } from '../env';
import { CREDENTIALS, ec2, uniqueId, type TestWorker } from '../harness';

export const ABC: PeeringRequest = {
  requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16', name: 'abc-primary' },
  accepter: { region: 'eu-west-1', cidrBlock: '10.1.0.0/16', name: 'abc-dr' },
  allow: [
    { protocol: 'tcp', fromPort: 5432, toPort: 5432, description: 'PostgreSQL replication' },
    { protocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS' },
  ],
  dnsResolution: true,
  tags: { Project: 'abc-dr' },
};

export const PRIMARY = 'primary-alb.us-east-1.elb.amazonaws.com';
export const DR = 'dr-alb.eu-west-1.elb.amazonaws.com';

const route53 = (endpoint = testEnv().motoUrl) =>
  new Route53Client({ region: 'us-east-1', endpoint, credentials: CREDENTIALS });
const rds = (region: string, endpoint = testEnv().motoUrl) =>
  new RDSClient({ region, endpoint, credentials: CREDENTIALS });

/**
 * A zone with `app.<zone>` → the primary, and a replica of a us-east-1 database in eu-west-1, in
 * the run's moto or in the one at `endpoint`.
 */
export async function createFailoverTargets(endpoint?: string): Promise<DrillFailover> {
  const suffix = uniqueId('abc').toLowerCase();
  const zoneName = `${suffix}.example.`;
  const zone = await route53(endpoint).send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: suffix }));
  const hostedZoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
  const recordName = `app.${zoneName}`;
  await route53(endpoint).send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: { Name: recordName, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: PRIMARY }] },
          },
        ],
      },
    }),
  );
  const source = await rds('us-east-1', endpoint).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${suffix}-db`,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      MasterUsername: 'abc',
      MasterUserPassword: 'not-a-secret-1',
    }),
  );
  const replica = `${suffix}-db-replica`;
  await rds('eu-west-1', endpoint).send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: replica,
      SourceDBInstanceIdentifier: source.DBInstance!.DBInstanceArn!,
      DBInstanceClass: 'db.t3.micro',
    }),
  );
  return {
    hostedZoneId,
    recordName,
    recordType: 'CNAME',
    ttl: 60,
    from: { region: 'us-east-1', value: PRIMARY },
    to: { region: 'eu-west-1', value: DR },
    promoteReplica: { region: 'eu-west-1', dbInstanceIdentifier: replica },
  };
}

/** The ABC Corp peering set up by SetupInterRegionPeering on `w` as `setupId`, and the failover targets. */
export async function abcDrillWorld(
  w: TestWorker,
  setupId: string,
  /** The moto `w` works on, when it is not the run's. */
  motoUrl?: string,
): Promise<{ setup: PeeringResult; failover: DrillFailover }> {
  const [setup, failover] = await Promise.all([
    w.client.workflow.execute('SetupInterRegionPeering', {
      taskQueue: w.taskQueue,
      workflowId: setupId,
      args: [ABC],
    }) as Promise<PeeringResult>,
    createFailoverTargets(motoUrl),
  ]);
  return { setup, failover };
}

/** A drill of the ABC Corp setup `setupId`, rehearsing `failover` against an RTO target of 300 s. */
export function abcDrillRequest(
  setupId: string,
  failover: DrillFailover,
  over: Partial<DrillRequest> = {},
): DrillRequest {
  return {
    name: 'abc-corp',
    peering: { setupWorkflowId: setupId },
    failover,
    rtoTargetSeconds: 300,
    ...over,
  };
}

/** Every record in the zone, as `name type value`, to prove a drill never wrote production. */
export async function zoneRecords(hostedZoneId: string): Promise<string[]> {
  const out = await route53().send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }));
  return (out.ResourceRecordSets ?? [])
    .filter((r) => r.Type === 'CNAME')
    .map((r) => `${r.Name} ${r.Type} ${(r.ResourceRecords ?? []).map((v) => v.Value).join(',')}`)
    .sort();
}

export interface PlantedDrift {
  /** requester: the route to the accepter CIDR, removed from its first table */
  routeTableId: string;
  /** accepter: ingress tcp 5432 from the requester CIDR, revoked */
  accepterGroupId: string;
  /** requester: ingress entry 900 (the first planned entry, tcp 443 from 10.1.0.0/16), removed */
  requesterAclId: string;
  /** requester: ingress tcp 22 from 0.0.0.0/0, added out of band */
  requesterGroupId: string;
}

const SSH_FROM_ANYWHERE = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
const POSTGRES_FROM_PRIMARY = [
  {
    IpProtocol: 'tcp',
    FromPort: 5432,
    ToPort: 5432,
    IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'PostgreSQL replication' }],
  },
];

/** Deletes a route, revokes a rule, removes a NACL entry and adds a stray rule; safe to repeat. */
export async function plantDrift(setup: PeeringResult): Promise<PlantedDrift> {
  const req = ec2(setup.requester.region);
  const acc = ec2(setup.accepter.region);
  const drift: PlantedDrift = {
    routeTableId: setup.requester.routeTableIds[0]!,
    accepterGroupId: setup.accepter.securityGroupId,
    requesterAclId: setup.requester.networkAclIds[0]!,
    requesterGroupId: setup.requester.securityGroupId,
  };
  const tables = await req.send(new DescribeRouteTablesCommand({ RouteTableIds: [drift.routeTableId] }));
  if (tables.RouteTables?.[0]?.Routes?.some((r) => r.DestinationCidrBlock === setup.accepter.cidrBlock)) {
    await req.send(
      new DeleteRouteCommand({ RouteTableId: drift.routeTableId, DestinationCidrBlock: setup.accepter.cidrBlock }),
    );
  }
  await acc
    .send(
      new RevokeSecurityGroupIngressCommand({ GroupId: drift.accepterGroupId, IpPermissions: POSTGRES_FROM_PRIMARY }),
    )
    .catch(() => undefined);
  const acls = await req.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [drift.requesterAclId] }));
  if (acls.NetworkAcls?.[0]?.Entries?.some((e) => e.RuleNumber === 900 && !e.Egress)) {
    await req.send(
      new DeleteNetworkAclEntryCommand({ NetworkAclId: drift.requesterAclId, RuleNumber: 900, Egress: false }),
    );
  }
  await req
    .send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: drift.requesterGroupId, IpPermissions: SSH_FROM_ANYWHERE }),
    )
    .catch(() => undefined);
  return drift;
}

/** A peering between two new VPCs, accepted and then deleted out of band; returns its id. */
export async function deletedPeering(): Promise<string> {
  const req = ec2('us-east-1');
  const acc = ec2('eu-west-1');
  const [a, b] = await Promise.all([
    req.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' })),
    acc.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' })),
  ]);
  const pcx = (
    await req.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: a.Vpc!.VpcId,
        PeerVpcId: b.Vpc!.VpcId,
        PeerRegion: 'eu-west-1',
      }),
    )
  ).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await acc.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  await req.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  return pcx;
}
