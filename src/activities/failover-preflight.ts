import { paginateDescribeRouteTables, type EC2Client, type VpcPeeringConnectionVpcInfo } from '@aws-sdk/client-ec2';
import type { PeeringPathCheck, PeeringPathSide } from '../domain/failover-reads';
import type { AwsClients } from './aws-clients';
import { collect } from './ec2-helpers';
import { describePeering } from './peering';

export interface PeeringPathInput {
  peeringConnectionId: string;
  /** The failover's `from` and `to` regions; the peering must join exactly these two. */
  regions: [string, string];
}

async function routedTables(ec2: EC2Client, vpcId: string, pcx: string): Promise<number> {
  const tables = await collect(
    paginateDescribeRouteTables({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    (p) => p.RouteTables,
  );
  return tables.filter(
    (t) =>
      t.VpcId === vpcId && (t.Routes ?? []).some((r) => r.VpcPeeringConnectionId === pcx && r.State !== 'blackhole'),
  ).length;
}

export function createFailoverPreflightActivities(clients: AwsClients) {
  /**
   * Read-only: is the replication path usable? The peering must be active between the two
   * regions, and each side must route to the other through it.
   */
  async function checkPeeringPath(input: PeeringPathInput): Promise<PeeringPathCheck> {
    const pcxId = input.peeringConnectionId;
    const [fromRegion, toRegion] = input.regions;
    // The target region first: in a real disaster the source region may not answer.
    let pcx = await describePeering(clients.ec2(toRegion), pcxId);
    pcx ??= await describePeering(clients.ec2(fromRegion), pcxId);
    if (!pcx)
      return {
        ok: false,
        status: 'not-found',
        detail: `peering ${pcxId} was not found in ${toRegion} or ${fromRegion}`,
        sides: [],
      };

    const status = pcx.Status?.Code ?? 'unknown';
    if (status !== 'active') {
      return {
        ok: false,
        status,
        detail: `peering ${pcxId} is ${status}${pcx.Status?.Message ? ` (${pcx.Status.Message})` : ''}, not active`,
        sides: [],
      };
    }
    const infos: Array<[VpcPeeringConnectionVpcInfo | undefined, string]> = [
      [pcx.RequesterVpcInfo, fromRegion],
      [pcx.AccepterVpcInfo, toRegion],
    ];
    const regions = infos.map(([info, fallback]) => info?.Region ?? fallback);
    if (!regions.includes(fromRegion) || !regions.includes(toRegion)) {
      return {
        ok: false,
        status,
        detail: `peering ${pcxId} joins ${regions.join(' and ')}, not ${fromRegion} and ${toRegion}`,
        sides: [],
      };
    }
    const sides = await Promise.all(
      infos.map(async ([info], i): Promise<PeeringPathSide> => {
        const region = regions[i]!;
        const vpcId = info?.VpcId ?? '';
        return {
          region,
          vpcId,
          routeTablesWithRoute: vpcId ? await routedTables(clients.ec2(region), vpcId, pcxId) : 0,
        };
      }),
    );
    const unrouted = sides.filter((s) => s.routeTablesWithRoute === 0);
    const routes = sides.map((s) => `${s.routeTablesWithRoute} route table(s) in ${s.vpcId} (${s.region})`).join(', ');
    if (unrouted.length) {
      return {
        ok: false,
        status,
        detail: `peering ${pcxId} is active, but no route table of ${unrouted.map((s) => `${s.vpcId} (${s.region})`).join(' or ')} routes through it`,
        sides,
      };
    }
    return { ok: true, status, detail: `peering ${pcxId} is active with routes: ${routes}`, sides };
  }

  return { checkPeeringPath };
}
