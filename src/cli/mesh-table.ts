import { topologyName } from '../domain/mesh/topology';
import type { MeshFigure, MeshPlan } from '../domain/mesh/types';
import { VPC_QUOTAS, type QuotaName, type QuotaSource } from '../domain/aws/quotas';

const LABEL: Record<QuotaName, string> = {
  peerings: 'active peerings per VPC',
  routes: 'routes per route table',
  groupRules: 'rules per group and direction',
  naclEntries: 'NACL entries per direction',
};

const SOURCE: Record<QuotaSource, string> = {
  'service-quotas': "the account's values (Service Quotas)",
  'aws-default': "AWS's defaults (Service Quotas)",
  'built-in': "AWS's defaults (built in; Service Quotas did not answer)",
};

function mark(f: MeshFigure): string {
  if (f.over) return '✖ OVER';
  return f.tight ? '◀ tight' : '';
}

function table(rows: string[][], right: number[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The plan as `mesh plan` prints it: the pairs with their NACL rule ranges, then a table per VPC
 * with each figure now and once the mesh is set up, against its quota; tight (80% or more) and
 * over figures are marked.
 */
export function formatMeshPlan(plan: MeshPlan): string {
  const regions = new Set(plan.vpcs.map((v) => v.region)).size;
  const toAdd = plan.pairs.filter((p) => !p.alreadyThere).length;
  const lines = [
    `Mesh plan: ${plan.vpcs.length} VPCs in ${regions} region(s), ${plan.pairs.length} peerings (${topologyName(plan.topology)}), ${toAdd} to set up`,
    '',
    ...table(
      [
        ['pair', 'NACL rules', ''],
        ...plan.pairs.map((p) => [
          `${p.between[0]} ↔ ${p.between[1]}`,
          `${p.naclRuleBase}-${p.naclRuleBase + (p.naclRuleWidth ?? plan.naclRuleWidth) - 1}`,
          p.alreadyThere ? `already there (${p.peeringConnectionId})` : 'new',
        ]),
      ],
      [],
    ).map((l) => `  ${l}`),
  ];
  for (const vpc of plan.vpcs) {
    lines.push(
      '',
      `${vpc.key}  ${vpc.region}  ${vpc.cidrBlock}  ${vpc.create ? 'to create' : vpc.vpcId}  peers: ${vpc.peers.join(', ')}`,
    );
    const rows = [
      ['quota', 'code', 'counted in', 'now', 'planned', 'limit', ''],
      ...vpc.figures.map((f) => [
        LABEL[f.quota],
        f.code,
        f.scope,
        String(f.existing),
        String(f.planned),
        String(f.limit),
        mark(f),
      ]),
    ];
    lines.push(...table(rows, [3, 4, 5]).map((l) => `  ${l}`));
  }
  lines.push('', 'Quotas used:');
  for (const [region, q] of Object.entries(plan.quotas)) {
    const sources = [...new Set(Object.values(q).map((v) => SOURCE[v.source]))].join('; ');
    lines.push(`  ${region}: ${sources}`);
  }
  lines.push('');
  if (plan.violations.length) {
    lines.push(`Past a quota: ${plan.violations.length} figure(s). Nothing was changed.`);
    for (const v of plan.violations) lines.push(`  ${v.message}`);
    const first = plan.violations[0]!;
    lines.push(`  (${VPC_QUOTAS[first.quota].name} can be raised to ${VPC_QUOTAS[first.quota].max} on request.)`);
  } else {
    lines.push('Fits every quota. Nothing was changed.');
  }
  return lines.join('\n');
}
