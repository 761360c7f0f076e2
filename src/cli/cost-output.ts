/** The `cost` command's text: a table per period and direction, and a bar per day for DAILY reports. */
import type { CostPeriod, CostReport, TransferRate } from '../domain/cost/types';

const BAR_WIDTH = 40;
/** Eighths of a block, so a bar's end shows fractions of a cell. */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

const gb = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const usd = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: n !== 0 && Math.abs(n) < 0.01 ? 4 : 2 })}`;

function table(rows: string[][], rightAligned: number[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function periodRows(p: CostPeriod): string[][] {
  const label = `${p.start} → ${p.end}${p.estimated ? ' (estimated)' : ''}`;
  return [
    ...p.directions.map((d, i) => [i === 0 ? label : '', `${d.from} → ${d.to}`, gb(d.gb), usd(d.costUsd)]),
    ['', 'period total', gb(p.directions.reduce((s, d) => s + d.gb, 0)), usd(p.costUsd)],
  ];
}

/** A bar of `value` out of `max`, BAR_WIDTH cells at most, to the eighth of a cell. */
export function bar(value: number, max: number): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * BAR_WIDTH * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/** One line per day: the day's cost as a bar, scaled to the costliest day. */
export function dailyBars(periods: CostPeriod[]): string[] {
  const max = Math.max(0, ...periods.map((p) => p.costUsd));
  return periods.map((p) => {
    const gbs = p.directions.reduce((s, d) => s + d.gb, 0);
    return `${p.start} │${bar(p.costUsd, max).padEnd(BAR_WIDTH)}│ ${usd(p.costUsd).padStart(9)}  ${gb(gbs)} GB`;
  });
}

function rateLine(r: TransferRate): string {
  const price = r.usdPerGb === null ? 'no rate' : `${usd(r.usdPerGb)}/GB`;
  const source = r.source === 'pricing-api' ? 'Pricing API' : `fallback table of ${r.asOf}: ${r.note ?? ''}`;
  return `  ${r.from} → ${r.to}: ${price} (${source})`;
}

function budgetLine(r: CostReport): string {
  if (r.budgetUsd === undefined) return '';
  const share = r.budgetUsd > 0 ? ` (${((r.totalCostUsd / r.budgetUsd) * 100).toFixed(1)}%)` : '';
  return `; budget ${usd(r.budgetUsd)}: ${r.overBudget ? 'OVER BUDGET' : 'within'}${share}`;
}

export function renderCostReport(r: CostReport): string {
  const who = [r.peeringConnectionId ?? 'no peering found', r.setupWorkflowId ? `setup ${r.setupWorkflowId}` : '']
    .filter(Boolean)
    .join(', ');
  const lines = [
    `${r.regions[0]} ↔ ${r.regions[1]} (${who}): ${r.start} → ${r.end}, ${r.granularity}`,
    '',
    ...table([['Period', 'Direction', 'GB', 'USD'], ...r.periods.flatMap(periodRows)], [2, 3]),
  ];
  if (r.granularity === 'DAILY' && r.periods.length) lines.push('', 'Cost per day:', ...dailyBars(r.periods));
  lines.push('', `Total ${gb(r.totalGb)} GB, ${usd(r.totalCostUsd)}${budgetLine(r)}`);
  lines.push(
    r.forecastUsd === undefined
      ? `Forecast for the rest of the month: none (${r.forecastNote ?? 'not asked'})`
      : `Forecast for the rest of the month: ${usd(r.forecastUsd)}`,
  );
  lines.push('Price per GB:', ...r.rates.map(rateLine));
  if (r.flowLogs && !r.flowLogs.ports.length) {
    lines.push('', `Over the peering, from flow logs: no records in ${r.flowLogs.logGroups.join(', ')} for the period`);
  } else if (r.flowLogs) {
    lines.push(
      '',
      `Over the peering, from flow logs (${r.flowLogs.records} records in ${r.flowLogs.logGroups.join(', ')}):`,
      ...table(
        [
          ['Direction', 'Port', 'GB', '≈ USD'],
          ...r.flowLogs.ports.map((p) => [
            `${p.from} → ${p.to}`,
            `${p.protocol}/${p.port}`,
            gb(p.gb),
            p.estimatedUsd === undefined ? '' : usd(p.estimatedUsd),
          ]),
        ],
        [2, 3],
      ).map((l) => `  ${l}`),
    );
    if (r.flowLogs.note) lines.push(`  Note: ${r.flowLogs.note}`);
  }
  lines.push('', `Usage types: ${r.usageTypes.join(', ')}`, r.scope);
  return lines.join('\n');
}
