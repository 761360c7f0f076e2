import { CreateRouteCommand, paginateDescribeRouteTables, type EC2Client, type RouteTable } from '@aws-sdk/client-ec2';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import { isIpv6Cidr } from '../../domain/net/cidr6';
import type { AwsClients } from '../aws/clients';
import { collect } from './helpers';
import { claimUnclaimed, mainTableOf } from './claim';
import { AwsErrors, isNamed, nonRetryable } from '../aws/errors';
import { retryNotFound, type ConsistencyWindows } from '../aws/waiting';
import { FailureTypes } from '../../domain/failure-types';
import { type ResourceRef } from '../../domain/aws/resource-ref';

export interface EnsureRoutesInput extends SideAccess {
  region: string;
  vpcId: string;
  /** @default every route table of the VPC */
  routeTableIds?: string[];
  /** Every destination: the peer's IPv4 CIDRs, and its IPv6 blocks for an IPv6 setup. */
  destinationCidrBlocks?: string[];
  /** The one destination of inputs scheduled before `destinationCidrBlocks`. */
  destinationCidrBlock?: string;
  peeringConnectionId: string;
  /** Claim the VPC's main table first when it carries no setup tag (a VPC this run made; see ./claim). */
  claim?: Record<string, string>;
}

async function describeTables(ec2: EC2Client, ids: string[]): Promise<RouteTable[]> {
  return collect(paginateDescribeRouteTables({ client: ec2 }, { RouteTableIds: ids }), (p) => p.RouteTables);
}

async function tablesOfVpc(ec2: EC2Client, vpcId: string): Promise<RouteTable[]> {
  const tables = await collect(
    paginateDescribeRouteTables({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    (p) => p.RouteTables,
  );
  return tables.filter((t) => t.VpcId === vpcId);
}

/** A route already in the table: ours when it targets our peering, a conflict otherwise. */
export function routeTo(table: RouteTable, cidr: string) {
  return table.Routes?.find((r) => (r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock) === cidr);
}

/** CreateRoute and DeleteRoute name an IPv6 destination in a field of its own. */
export function destination(cidr: string): { DestinationCidrBlock: string } | { DestinationIpv6CidrBlock: string } {
  return isIpv6Cidr(cidr) ? { DestinationIpv6CidrBlock: cidr } : { DestinationCidrBlock: cidr };
}

function conflict(table: RouteTable, cidr: string, pcx: string): Error {
  const r = routeTo(table, cidr);
  const target =
    r?.VpcPeeringConnectionId ??
    r?.GatewayId ??
    r?.NatGatewayId ??
    r?.TransitGatewayId ??
    r?.NetworkInterfaceId ??
    'another target';
  return nonRetryable(
    FailureTypes.RouteConflict,
    `${table.RouteTableId} already routes ${cidr} to ${target}, not ${pcx}; it is left as it is`,
  );
}

/**
 * Adds `cidr` → `pcx` to the table. A lost earlier attempt may have added it already (ours, done);
 * anyone else's route to that CIDR is a conflict, never replaced.
 */
export async function createPeeringRoute(
  ec2: EC2Client,
  table: RouteTable,
  cidr: string,
  pcx: string,
  notFoundSeconds = 0,
): Promise<void> {
  try {
    // The peering (or a new VPC's table) may be NotFound for a while after its create.
    await retryNotFound(notFoundSeconds, () =>
      ec2.send(
        new CreateRouteCommand({ RouteTableId: table.RouteTableId, ...destination(cidr), VpcPeeringConnectionId: pcx }),
      ),
    );
  } catch (err) {
    if (!isNamed(err, AwsErrors.RouteAlreadyExists)) throw err;
    const [now] = await describeTables(ec2, [table.RouteTableId!]);
    if (!now || routeTo(now, cidr)?.VpcPeeringConnectionId !== pcx) throw conflict(now ?? table, cidr, pcx);
  }
}

export function createRouteActivities(clients: AwsClients, windows: ConsistencyWindows) {
  /**
   * Adds a route to each of the peer's CIDRs through the peering in each table; never replaces
   * another route. Every table is checked for conflicts before the first route is added.
   */
  async function ensureRoutes(input: EnsureRoutesInput): Promise<{ routeTableIds: string[]; created: ResourceRef[] }> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    const pcx = input.peeringConnectionId;
    const cidrs = input.destinationCidrBlocks ?? (input.destinationCidrBlock ? [input.destinationCidrBlock] : []);
    const tables = input.routeTableIds
      ? await describeTables(ec2, input.routeTableIds)
      : await tablesOfVpc(ec2, input.vpcId);
    if (input.claim)
      await claimUnclaimed(ec2, [mainTableOf(tables, input.vpcId)], input.claim, windows.notFoundSeconds);
    for (const table of tables) {
      for (const cidr of cidrs) {
        const existing = routeTo(table, cidr);
        if (existing && existing.VpcPeeringConnectionId !== pcx) throw conflict(table, cidr, pcx);
      }
    }
    const created: ResourceRef[] = [];
    for (const table of tables) {
      for (const cidr of cidrs) {
        if (!routeTo(table, cidr)) await createPeeringRoute(ec2, table, cidr, pcx, windows.notFoundSeconds);
        created.push({
          type: 'route',
          region: input.region,
          id: table.RouteTableId!,
          destinationCidrBlock: cidr,
          target: pcx,
        });
      }
    }
    return { routeTableIds: tables.map((t) => t.RouteTableId!).sort(), created };
  }

  return { ensureRoutes };
}
