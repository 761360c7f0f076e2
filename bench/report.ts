/** The targets of issue 6 and the table that prints every figure against its target. */

export interface Row {
  figure: string;
  measured: string;
  target?: string;
  /** undefined for a figure without a target. */
  met?: boolean;
}

export interface Target {
  figure: string;
  target: string;
  met: boolean;
}

export function checkTargets(f: {
  ratio: number;
  throughputRatio: number;
  freshCalls: number;
  rerunCalls: number;
  rerunMutations: number;
  historyEvents: number;
  workerRssMb: number;
}): Target[] {
  return [
    { figure: 'b/a', target: '≤ 1.3', met: f.ratio <= 1.3 },
    { figure: 'throughput ratio (c)', target: '≥ 0.7', met: f.throughputRatio >= 0.7 },
    { figure: 'EC2 calls per fresh setup', target: '≤ 30', met: f.freshCalls <= 30 },
    { figure: 're-run', target: '≤ 15 calls, 0 mutations', met: f.rerunCalls <= 15 && f.rerunMutations === 0 },
    { figure: 'history events per setup', target: '≤ 80', met: f.historyEvents <= 80 },
    { figure: 'worker RSS during (c)', target: '≤ 250 MB', met: f.workerRssMb <= 250 },
  ];
}

export function formatTable(rows: Row[]): string {
  const header: Row = { figure: 'figure', measured: 'measured', target: 'target' };
  const widths = [
    Math.max(...[header, ...rows].map((r) => r.figure.length)),
    Math.max(...[header, ...rows].map((r) => r.measured.length)),
    Math.max(...[header, ...rows].map((r) => (r.target ?? '').length)),
  ];
  const line = (r: Row, mark: string) =>
    `${r.figure.padEnd(widths[0]!)}  ${r.measured.padStart(widths[1]!)}  ${(r.target ?? '').padEnd(widths[2]!)}  ${mark}`.trimEnd();
  return [
    line(header, ''),
    `${'-'.repeat(widths[0]!)}  ${'-'.repeat(widths[1]!)}  ${'-'.repeat(widths[2]!)}  ----`,
    ...rows.map((r) => line(r, r.met === undefined ? '' : r.met ? 'met' : 'MISSED')),
  ].join('\n');
}

/** Markdown for the README's Performance section. */
export function markdownTable(rows: Row[]): string {
  return [
    '| figure | measured | target | |',
    '|---|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.figure} | ${r.measured} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'met' : '**missed**'} |`,
    ),
  ].join('\n');
}

export const ms = (v: number): string => `${Math.round(v)} ms`;
export const fixed = (v: number, digits = 2): string => v.toFixed(digits);
