import { DescribeVpcsCommand, type EC2Client, type VpcPeeringConnection } from '@aws-sdk/client-ec2';
import {
  DRILL_CHECKS,
  type DrillCheck,
  type DriftItem,
  type InspectPeeringInput,
  type PeeringInspection,
} from '../../domain/drill/types';
import { NACL_RULES_TAG } from '../../domain/aws/tags';
import type { SetupLocator } from '../../domain/peering/types';
import { keepAlive } from '../activity-context';
import type { AwsClients } from '../aws/clients';
import { checkDns, checkNacls, checkRoutes, checkSecurityGroup, type Finding } from './drift-checks';
import { tagValue } from '../ec2/helpers';
import { describePeering } from '../ec2/peering-connection';
import { vpcCidrs } from '../ec2/vpc';
import { locatorAccess, type SideRole as Side } from '../../domain/peering/types';

const SIDES: Side[] = ['requester', 'accepter'];
const CHECK_ORDER = [
  DRILL_CHECKS.peeringActive,
  DRILL_CHECKS.dns,
  DRILL_CHECKS.routes,
  DRILL_CHECKS.securityGroups,
  DRILL_CHECKS.nacls,
] as const;

function ruleBaseFromTag(pcx: VpcPeeringConnection): number | undefined {
  const m = /^(\d+)-\d+$/.exec(tagValue(pcx.Tags, NACL_RULES_TAG) ?? '');
  return m ? Number(m[1]) : undefined;
}

/** A side's EC2 client, in that side's region and account. */
export function ec2ForSide(clients: AwsClients, locator: SetupLocator, side: Side): EC2Client {
  const region = side === 'requester' ? locator.requesterRegion : locator.accepterRegion;
  return clients.ec2(region, locatorAccess(locator, side));
}

/**
 * A side's CIDRs as the checks compare them: the IPv4 ones (and, for an IPv6 setup, the IPv6
 * blocks) the setup recorded, else what the VPC holds now, read in the side's own account.
 */
async function cidrsOf(input: InspectPeeringInput, side: Side, ec2: EC2Client, vpcId: string, primary: string) {
  const expected = input[side];
  const known = expected?.cidrBlocks && (!input.ipv6 || expected.ipv6CidrBlocks);
  const now = known ? undefined : (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0];
  const live = now ? vpcCidrs(now) : { cidrBlocks: [primary], ipv6CidrBlocks: [] };
  const v4 = expected?.cidrBlocks ?? live.cidrBlocks;
  const v6 = input.ipv6 ? (expected?.ipv6CidrBlocks ?? live.ipv6CidrBlocks) : [];
  return [...v4, ...v6];
}

export function createPeeringInspectionActivities(clients: AwsClients) {
  const ec2For = (locator: SetupLocator, side: Side) => ec2ForSide(clients, locator, side);
  const regionOf = (locator: SetupLocator, side: Side) =>
    side === 'requester' ? locator.requesterRegion : locator.accepterRegion;

  /**
   * Read-only: compares the peering's routes, security groups and NACL entries in both regions
   * with what the setup made, and lists every difference with what would put it back.
   */
  async function inspectPeering(input: InspectPeeringInput): Promise<PeeringInspection> {
    return keepAlive(() => inspect(input));
  }

  async function inspect(input: InspectPeeringInput): Promise<PeeringInspection> {
    const { locator } = input;
    const pcxId = locator.peeringConnectionId;
    const pcx = await describePeering(ec2For(locator, 'requester'), pcxId);
    const status = pcx?.Status?.Code ?? 'not found';
    if (!pcx || status !== 'active') {
      const why = `not checked: ${pcxId} is ${status}`;
      return {
        peeringConnectionId: pcxId,
        status,
        checks: CHECK_ORDER.map((name) => ({
          name,
          ok: false,
          detail: name === DRILL_CHECKS.peeringActive ? `${pcxId} is ${status} in ${locator.requesterRegion}` : why,
        })),
        drift: [
          {
            resource: pcxId,
            region: locator.requesterRegion,
            what: 'peering connection status',
            expected: 'active',
            actual: status,
          },
        ],
      };
    }
    const vpc = {
      requester: { vpcId: pcx.RequesterVpcInfo?.VpcId ?? '', cidr: pcx.RequesterVpcInfo?.CidrBlock ?? '' },
      accepter: { vpcId: pcx.AccepterVpcInfo?.VpcId ?? '', cidr: pcx.AccepterVpcInfo?.CidrBlock ?? '' },
    };
    const base = input.naclRuleBase ?? ruleBaseFromTag(pcx) ?? 900;
    const cidrs = Object.fromEntries(
      await Promise.all(
        SIDES.map(async (side) => [
          side,
          await cidrsOf(input, side, ec2For(locator, side), vpc[side].vpcId, vpc[side].cidr),
        ]),
      ),
    ) as Record<Side, string[]>;
    const perSide = await Promise.all(
      SIDES.map(async (side) => {
        const ec2 = ec2For(locator, side);
        const region = regionOf(locator, side);
        const own = vpc[side];
        const peer = side === 'requester' ? 'accepter' : 'requester';
        const [dns, routes, groups, nacls] = await Promise.all([
          checkDns(input, side, ec2, region),
          checkRoutes(input, side, ec2, region, own.vpcId, cidrs[peer]),
          checkSecurityGroup(input, ec2, region, own.vpcId, cidrs[side], cidrs[peer]),
          checkNacls(input, side, ec2, region, own.vpcId, cidrs[side], cidrs[peer], base),
        ]);
        const byCheck: Record<string, Finding> = {
          [DRILL_CHECKS.dns]: dns,
          [DRILL_CHECKS.routes]: routes,
          [DRILL_CHECKS.securityGroups]: groups,
          [DRILL_CHECKS.nacls]: nacls,
        };
        return byCheck;
      }),
    );
    const checks: DrillCheck[] = [
      {
        name: DRILL_CHECKS.peeringActive,
        ok: true,
        detail: `${pcxId} is active (${vpc.requester.vpcId} ${vpc.requester.cidr} ↔ ${vpc.accepter.vpcId} ${vpc.accepter.cidr})`,
      },
    ];
    const drift: DriftItem[] = [];
    for (const name of CHECK_ORDER.slice(1)) {
      const findings = perSide.map((s) => s[name]!);
      drift.push(...findings.flatMap((f, i) => f.drift.map((d) => ({ ...d, side: SIDES[i]! }))));
      checks.push({
        name,
        ok: findings.every((f) => !f.unknown && f.drift.length === 0),
        detail: findings.map((f) => f.detail).join('; '),
      });
    }
    return { peeringConnectionId: pcxId, status, checks, drift };
  }

  return { inspectPeering };
}
