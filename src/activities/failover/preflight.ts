import {
  paginateDescribeRouteTables,
  type EC2Client,
  type RouteTable,
  type VpcPeeringConnectionVpcInfo,
} from '@aws-sdk/client-ec2';
import { describeUnreachable, type PeeringPathCheck, type PeeringPathSide } from '../../domain/failover/reads';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import type { AwsClients } from '../aws/clients';
import { collect } from '../ec2/helpers';
import { describePeering } from '../ec2/peering-connection';
import { tryProbe } from '../aws/reachability';
import { type Unreachable } from '../../domain/failover/types';

export interface PeeringPathInput {
  peeringConnectionId: string;
  /** The failover's `from` and `to` regions; the peering must join exactly these two. */
  regions: [string, string];
  /** A side in another account: the role that reads it in its region. */
  roles?: Array<{ region: string } & SideAccess>;
}

const routes = (t: RouteTable, pcx: string) =>
  (t.Routes ?? []).some((r) => r.VpcPeeringConnectionId === pcx && r.State !== 'blackhole');

async function routedTables(ec2: EC2Client, vpcId: string, pcx: string): Promise<number> {
  const tables = await collect(
    paginateDescribeRouteTables({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    (p) => p.RouteTables,
  );
  return tables.filter((t) => t.VpcId === vpcId && routes(t, pcx)).length;
}

/** The route tables of a region with a route through the peering: asked before its VPC is known. */
async function tablesRoutingThrough(ec2: EC2Client, pcx: string): Promise<RouteTable[]> {
  const filter = { Name: 'route.vpc-peering-connection-id', Values: [pcx] };
  const tables = await collect(
    paginateDescribeRouteTables({ client: ec2 }, { Filters: [filter] }),
    (p) => p.RouteTables,
  );
  return tables.filter((t) => routes(t, pcx));
}

export function createFailoverPreflightActivities(clients: AwsClients) {
  /**
   * Read-only: is the replication path usable? The peering must be active between the two
   * regions, and the target side must route to the other through it. In a real disaster the
   * source region may not answer, so the peering is read from the target region, and the source
   * side is checked through a bounded probe: no answer there is reported, not a problem.
   */
  async function checkPeeringPath(input: PeeringPathInput): Promise<PeeringPathCheck> {
    const pcxId = input.peeringConnectionId;
    const [fromRegion, toRegion] = input.regions;
    const unreachable: Unreachable[] = [];
    // Each side is read in its own account: through its role where the request names one.
    const access = (region: string) => accessOf(input.roles?.find((r) => r.region === region));
    // The source side's routes are asked for at once, with the peering's read in the target region
    // (not after it, when the VPC is known): a source that does not answer then costs its bound
    // only once, overlapping the target's reads. Read-only; unused if the peering is not usable.
    const sourceTables = tryProbe({ region: fromRegion, service: 'ec2', check: `route tables through ${pcxId}` }, () =>
      tablesRoutingThrough(clients.probe.ec2(fromRegion, access(fromRegion)), pcxId),
    );
    sourceTables.catch(() => undefined); // awaited below only if the peering is usable
    let pcx = await describePeering(clients.ec2(toRegion, access(toRegion)), pcxId);
    if (!pcx) {
      const check = `peering ${pcxId}`;
      const fromSource = await tryProbe({ region: fromRegion, service: 'ec2', check }, () =>
        describePeering(clients.probe.ec2(fromRegion, access(fromRegion)), pcxId),
      );
      if ('unreachable' in fromSource) unreachable.push(fromSource.unreachable);
      else pcx = fromSource.value;
    }
    const fail = (status: string, detail: string): PeeringPathCheck => ({
      ok: false,
      status,
      detail,
      sides: [],
      unreachable,
    });
    if (!pcx) {
      const where = unreachable.length
        ? `${toRegion}, and ${fromRegion} did not answer`
        : `${toRegion} or ${fromRegion}`;
      return fail('not-found', `peering ${pcxId} was not found in ${where}`);
    }

    const status = pcx.Status?.Code ?? 'unknown';
    if (status !== 'active') {
      return fail(
        status,
        `peering ${pcxId} is ${status}${pcx.Status?.Message ? ` (${pcx.Status.Message})` : ''}, not active`,
      );
    }
    const infos: Array<[VpcPeeringConnectionVpcInfo | undefined, string]> = [
      [pcx.RequesterVpcInfo, fromRegion],
      [pcx.AccepterVpcInfo, toRegion],
    ];
    const regions = infos.map(([info, fallback]) => info?.Region ?? fallback);
    if (!regions.includes(fromRegion) || !regions.includes(toRegion)) {
      return fail(status, `peering ${pcxId} joins ${regions.join(' and ')}, not ${fromRegion} and ${toRegion}`);
    }
    const sides = await Promise.all(
      infos.map(async ([info], i): Promise<PeeringPathSide> => {
        const region = regions[i]!;
        const vpcId = info?.VpcId ?? '';
        if (!vpcId) return { region, vpcId, routeTablesWithRoute: 0 };
        if (region === toRegion) {
          const routed = await routedTables(clients.ec2(region, access(region)), vpcId, pcxId);
          return { region, vpcId, routeTablesWithRoute: routed };
        }
        const out = await sourceTables;
        if ('value' in out)
          return { region, vpcId, routeTablesWithRoute: out.value.filter((t) => t.VpcId === vpcId).length };
        unreachable.push({ ...out.unreachable, check: `route tables of ${vpcId}` });
        return { region, vpcId, routeTablesWithRoute: null };
      }),
    );
    const unrouted = sides.filter((s) => s.routeTablesWithRoute === 0);
    const routes = sides
      .filter((s) => s.routeTablesWithRoute !== null)
      .map((s) => `${s.routeTablesWithRoute} route table(s) in ${s.vpcId} (${s.region})`)
      .join(', ');
    const notChecked = unreachable.map((u) => `; not checked: ${describeUnreachable(u)}`).join('');
    if (unrouted.length) {
      return {
        ok: false,
        status,
        detail: `peering ${pcxId} is active, but no route table of ${unrouted.map((s) => `${s.vpcId} (${s.region})`).join(' or ')} routes through it${notChecked}`,
        sides,
        unreachable,
      };
    }
    return {
      ok: true,
      status,
      detail: `peering ${pcxId} is active with routes: ${routes}${notChecked}`,
      sides,
      unreachable,
    };
  }

  return { checkPeeringPath };
}
