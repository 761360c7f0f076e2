/**
 * The audit after every run: nothing tagged with a setup id is left, no route points at one of
 * its peerings, no security group is named after one, and no NACL entry in its rule range admits
 * one of its CIDRs (each run's CIDRs are unique, so entries can be attributed without tags).
 */
import { type Tag } from '@aws-sdk/client-ec2';
import { SETUP_ID_TAG, securityGroupName } from '../../src/domain/aws/tags';
import { naclRuleCount } from '../../src/domain/peering/validate';
import type { AuditedRun, Finding, FindingKind } from './audit';
import { dedupe, GONE_PEERING, tagOf, type RegionSnapshot } from './audit-snapshot';

/** `snaps`: every region any of the runs used. */
export function auditLeaks(runs: AuditedRun[], snaps: RegionSnapshot[]): Finding[] {
  const findings: Finding[] = [];
  for (const run of runs) {
    const kind: FindingKind = run.finished ? 'leak' : 'leftover';
    const add = (what: string, ids: string[]) => {
      if (ids.length) findings.push({ run: run.setupId, kind, what, ids });
    };
    const ours = (tags: Tag[] | undefined) => tagOf(tags, SETUP_ID_TAG) === run.setupId;
    const cidrs = new Set(
      [
        run.request.requester.cidrBlock,
        run.request.accepter.cidrBlock,
        run.result?.requester.cidrBlock,
        run.result?.accepter.cidrBlock,
      ].filter((c): c is string => !!c),
    );
    const peerings = dedupe(
      snaps.flatMap((s) => s.peerings),
      (p) => p.VpcPeeringConnectionId!,
    );
    const pcxIds = new Set([
      ...run.seenPeeringIds,
      ...(run.result ? [run.result.peeringConnectionId] : []),
      ...peerings.filter((p) => ours(p.Tags)).map((p) => p.VpcPeeringConnectionId!),
    ]);
    const base = run.request.naclRuleBase ?? 900;
    const last = base + naclRuleCount(run.request.allow) - 1;

    for (const snap of snaps) {
      const where = `in ${snap.region}`;
      add(
        `VPCs tagged with the setup id ${where}`,
        snap.vpcs.filter((v) => ours(v.Tags)).map((v) => v.VpcId!),
      );
      add(
        `subnets tagged with the setup id ${where}`,
        snap.subnets.filter((n) => ours(n.Tags)).map((n) => n.SubnetId!),
      );
      add(
        `security groups tagged with the setup id or named after its peering ${where}`,
        snap.groups
          .filter((g) => ours(g.Tags) || [...pcxIds].some((id) => g.GroupName === securityGroupName(id)))
          .map((g) => g.GroupId!),
      );
      add(
        `routes through its peering(s) ${where}`,
        snap.tables.flatMap((t) =>
          (t.Routes ?? [])
            .filter(
              (r) =>
                r.VpcPeeringConnectionId &&
                (pcxIds.has(r.VpcPeeringConnectionId) || cidrs.has(r.DestinationCidrBlock ?? '')),
            )
            .map((r) => `${t.RouteTableId} ${r.DestinationCidrBlock} -> ${r.VpcPeeringConnectionId}`),
        ),
      );
      add(
        `NACL entries ${base}-${last} for its CIDRs ${where}`,
        snap.acls.flatMap((a) =>
          (a.Entries ?? [])
            .filter((e) => e.RuleNumber! >= base && e.RuleNumber! <= last && cidrs.has(e.CidrBlock ?? ''))
            .map((e) => `${a.NetworkAclId} ${e.Egress ? 'egress' : 'ingress'} ${e.RuleNumber} ${e.CidrBlock}`),
        ),
      );
    }
    add(
      'live peerings tagged with the setup id',
      peerings
        .filter((p) => ours(p.Tags) && !GONE_PEERING.has(p.Status?.Code ?? ''))
        .map((p) => `${p.VpcPeeringConnectionId} (${p.Status?.Code})`),
    );
  }
  return findings;
}
