/** The targets of issue 15 and the table that prints every figure against its target. */

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

export interface TargetInputs {
  /** Our setup's time over terraform apply's, same run; undefined when Terraform was skipped. */
  terraformRatio?: number;
  /** Setup over the bare script with its sides in parallel, on raw moto and under the realistic profile. */
  rawRatio: number;
  realisticRatio: number;
  clusterThroughputRatio: number;
  /** The highest of the worker's peaks during 50 at once, over both engines. */
  workerRssMb: number;
  freshMutating: number;
  rerunCalls: number;
  rerunMutations: number;
}

export const TERRAFORM_TARGET = 'setup ÷ terraform apply, same run';

export function checkTargets(f: TargetInputs): Target[] {
  return [
    {
      figure: TERRAFORM_TARGET,
      target: '≤ 0.05',
      met: f.terraformRatio !== undefined && f.terraformRatio <= 0.05,
    },
    { figure: 'setup ÷ bare script, raw moto', target: '≤ 1.3', met: f.rawRatio <= 1.3 },
    { figure: 'setup ÷ bare script, realistic profile', target: '≤ 1.05', met: f.realisticRatio <= 1.05 },
    {
      figure: '50 at once: throughput ratio on the cluster',
      target: '≥ 0.7',
      met: f.clusterThroughputRatio >= 0.7,
    },
    { figure: 'worker peak RSS during 50 at once', target: '≤ 250 MB', met: f.workerRssMb <= 250 },
    { figure: 'mutating EC2 calls per fresh setup', target: '≤ 24', met: f.freshMutating <= 24 },
    {
      figure: 'no-change re-run',
      target: '≤ 12 calls, 0 mutating',
      met: f.rerunCalls <= 12 && f.rerunMutations === 0,
    },
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
