/** The targets of issue 25 and the table that prints every figure against its target. */

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

/** Every figure a target judges; undefined where the part that measures it did not run (it is missed). */
export interface TargetInputs {
  /** The worse of the unplanned failover's and the failback's RTO over the runbook's critical path. */
  failoverCriticalRatio?: number;
  /** The worse of the two over the sequential runbook. */
  failoverSequentialRatio?: number;
  /** ProtectDatabase's time to a replicating replica over the creation time the profile holds. */
  protectRatio?: number;
  realisticRatio: number;
  /** Our setup over terraform apply, both under the realistic profile, same run. */
  terraformRealisticRatio?: number;
  rawRatio: number;
  clusterThroughputRatio: number;
  /** The worker's RSS growth per cached workflow, N held at once. */
  memoryPerWorkflowMb: number;
  /** The highest of the worker's peaks during 50 at once, over both engines. */
  workerRssMb: number;
  /** Our mutating calls per setup over Terraform's apply of the same topology. */
  mutatingVsTerraform?: number;
  /** Our no-change re-run's calls over Terraform's no-change apply, and its mutating calls. */
  rerunVsTerraform?: number;
  rerunMutations: number;
  /** The 45-peering mesh's wall time over Terraform's apply of one pair, same run. */
  meshVsTerraform?: number;
}

export const TARGETS = {
  failoverCritical: 'failover RTO ÷ critical path, realistic profile',
  failoverSequential: 'failover RTO ÷ sequential runbook, realistic profile',
  protect: "protect ÷ the profile's creation time",
  realistic: 'setup ÷ bare script (sides in parallel), realistic profile',
  terraformRealistic: 'setup ÷ terraform apply, realistic profile, same run',
  raw: 'setup ÷ bare script (sides in parallel), raw moto',
  cluster: '50 at once: throughput ratio on the cluster',
  memory: 'worker memory per cached workflow',
  rss: 'worker peak RSS during 50 at once',
  mutating: "mutating calls per setup ÷ Terraform's, same topology",
  rerun: "no-change re-run: calls ÷ Terraform's no-change apply, and mutating calls",
  mesh: "45-peering mesh ÷ Terraform's apply of one pair, same run",
} as const;

const atMost = (v: number | undefined, max: number) => v !== undefined && v <= max;
const below = (v: number | undefined, max: number) => v !== undefined && v < max;

export function checkTargets(f: TargetInputs): Target[] {
  return [
    { figure: TARGETS.failoverCritical, target: '≤ 1.05', met: atMost(f.failoverCriticalRatio, 1.05) },
    { figure: TARGETS.failoverSequential, target: '≤ 0.7', met: atMost(f.failoverSequentialRatio, 0.7) },
    { figure: TARGETS.protect, target: '≤ 1.05', met: atMost(f.protectRatio, 1.05) },
    { figure: TARGETS.realistic, target: '≤ 1.05', met: atMost(f.realisticRatio, 1.05) },
    { figure: TARGETS.terraformRealistic, target: '≤ 0.4', met: atMost(f.terraformRealisticRatio, 0.4) },
    { figure: TARGETS.raw, target: '≤ 1.5', met: atMost(f.rawRatio, 1.5) },
    { figure: TARGETS.cluster, target: '≥ 0.7', met: f.clusterThroughputRatio >= 0.7 },
    { figure: TARGETS.memory, target: '≤ 1 MB', met: atMost(f.memoryPerWorkflowMb, 1) },
    { figure: TARGETS.rss, target: '≤ 250 MB', met: atMost(f.workerRssMb, 250) },
    { figure: TARGETS.mutating, target: '< 1', met: below(f.mutatingVsTerraform, 1) },
    { figure: TARGETS.rerun, target: '< 0.5, 0', met: below(f.rerunVsTerraform, 0.5) && f.rerunMutations === 0 },
    { figure: TARGETS.mesh, target: '< 1', met: below(f.meshVsTerraform, 1) },
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
