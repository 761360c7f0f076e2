/** The figures from the measurements: each against its target, and where they come from. */
import type { ClusterPhase } from './cluster';
import type { Concurrent } from './concurrent';
import { CONCURRENCY, RUNS } from './config';
import type { CacheMemory } from './cache-memory';
import type { FailoverBench } from './failover';
import { failoverFigures, memoryRows, protectMeasured } from './failover-figures';
import type { BundleComposition, MemoryAB } from './memory';
import type { MeshBench } from './mesh';
import { callDifference, median, medianCount, summarizeHistories, type CallCount } from './measure';
import type { Realistic } from './realistic';
import { TARGETS, checkTargets, fixed, ms, type Row } from './report';
import type { Sequential } from './sequential';
import type { Measured, TerraformPeer } from './terraform-peer';

export interface Measurements {
  sequential: Sequential;
  concurrent: Concurrent;
  terraform: TerraformPeer;
  realistic: Realistic;
  cluster: ClusterPhase;
  bundle: BundleComposition;
  sdkDefaults: MemoryAB & { composition: BundleComposition };
  mesh: MeshBench;
  cacheMemory: CacheMemory;
  failover: FailoverBench;
}

export type Figures = ReturnType<typeof benchFigures>;

const range = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
const calls = (n: CallCount) => `${n.total} (${n.mutating} mutating, ${n.readOnly} read)`;
const medianMeasured = (xs: Measured[]) => ({
  ms: median(xs.map((x) => x.ms)),
  total: median(xs.map((x) => x.calls.total)),
  mutating: median(xs.map((x) => x.calls.mutating)),
});
const timeAndCalls = (m: { ms: number; total: number; mutating: number }) =>
  `${ms(m.ms)}, ${m.total} calls (${m.mutating} mutating)`;

export function benchFigures(m: Measurements) {
  const { sequential: s, concurrent: c, realistic: r, cluster: k } = m;
  const aParallel = median(s.aParallel);
  const bMed = median(s.b);
  const rawRatio = bMed / aParallel;
  const realisticSetup = medianMeasured(r.setup);
  const realisticBare = median(r.bareParallel);
  const realisticRatio = realisticSetup.ms / realisticBare;
  const freshCalls = medianCount(s.freshCounts);
  const rerun = medianCount(s.rerunCounts);
  const down = medianCount(s.teardownCounts);
  const bare = medianCount(s.bareCounts);
  const devThroughputRatio = c.flowBurst.perSecond / c.bareBurst.perSecond;
  const kc = k.concurrent;
  const clusterThroughputRatio = kc.flowBurst.perSecond / kc.bareBurst.perSecond;
  const workerRssMb = Math.max(c.rss.peakMb, kc.rss.peakMb);
  const tf = 'rounds' in m.terraform ? m.terraform : undefined;
  const pick = (key: 'setup' | 'rerun' | 'teardown' | 'apply' | 'noChangeApply' | 'destroy') =>
    tf ? medianMeasured(tf.rounds.map((round) => round[key])) : undefined;
  const ours = { setup: pick('setup'), rerun: pick('rerun'), teardown: pick('teardown') };
  const theirs = { apply: pick('apply'), noChangeApply: pick('noChangeApply'), destroy: pick('destroy') };
  const terraformRatio = ours.setup && theirs.apply ? ours.setup.ms / theirs.apply.ms : undefined;
  const realTf = r.terraform;
  const terraformRealisticRatio = realTf?.apply ? realisticSetup.ms / realTf.apply.ms : undefined;
  const ratioOf = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);
  const mutatingVsTerraform = ratioOf(ours.setup?.mutating, theirs.apply?.mutating);
  const rerunVsTerraform = ratioOf(ours.rerun?.total, theirs.noChangeApply?.total);
  const meshVsTerraform = ratioOf(m.mesh.meshMs, theirs.apply?.ms);
  const fo = failoverFigures(m.failover);
  const targets = checkTargets({
    ...(fo.criticalRatio === undefined ? {} : { failoverCriticalRatio: fo.criticalRatio }),
    ...(fo.sequentialRatio === undefined ? {} : { failoverSequentialRatio: fo.sequentialRatio }),
    ...(fo.protectRatio === undefined ? {} : { protectRatio: fo.protectRatio }),
    realisticRatio,
    ...(terraformRealisticRatio === undefined ? {} : { terraformRealisticRatio }),
    rawRatio,
    clusterThroughputRatio,
    memoryPerWorkflowMb: m.cacheMemory.perWorkflow.rssMb,
    workerRssMb,
    ...(mutatingVsTerraform === undefined ? {} : { mutatingVsTerraform }),
    ...(rerunVsTerraform === undefined ? {} : { rerunVsTerraform }),
    rerunMutations: rerun.mutating,
    ...(meshVsTerraform === undefined ? {} : { meshVsTerraform }),
  });
  const judged = (figure: string, measured: string): Row => {
    const t = targets.find((x) => x.figure === figure)!;
    return { figure, measured, target: t.target, met: t.met };
  };
  const info = (figure: string, measured: string): Row => ({ figure: `    ${figure}`, measured });
  const orSkipped = (v: number | undefined, digits = 2) =>
    v === undefined
      ? `skipped: ${'skipped' in m.terraform ? m.terraform.skipped : 'no Terraform figure'}`
      : fixed(v, digits);

  const terraformRows: Row[] = [
    judged(
      TARGETS.mutating,
      `${orSkipped(mutatingVsTerraform)} (${ours.setup?.mutating ?? '–'} ÷ ${theirs.apply?.mutating ?? '–'})`,
    ),
    judged(
      TARGETS.rerun,
      `${orSkipped(rerunVsTerraform)} (${ours.rerun?.total ?? '–'} ÷ ${theirs.noChangeApply?.total ?? '–'}), ${rerun.mutating}`,
    ),
    judged(
      TARGETS.mesh,
      `${orSkipped(meshVsTerraform)} (${ms(m.mesh.meshMs)} ÷ ${theirs.apply ? ms(theirs.apply.ms) : '–'})`,
    ),
    ...(tf
      ? [
          info('setup ÷ terraform apply, raw moto', fixed(terraformRatio!, 3)),
          info(`our setup, median of ${tf.rounds.length}`, timeAndCalls(ours.setup!)),
          info(`terraform apply (${tf.resources} resources)`, timeAndCalls(theirs.apply!)),
          info('our re-run ÷ no-change apply', `${ms(ours.rerun!.ms)} ÷ ${timeAndCalls(theirs.noChangeApply!)}`),
          info('our teardown ÷ destroy', `${ms(ours.teardown!.ms)} ÷ ${timeAndCalls(theirs.destroy!)}`),
          info(
            'API calls: setup/apply, re-run/no-change, teardown/destroy',
            [ours.setup!.total / theirs.apply!.total, ours.rerun!.total / theirs.noChangeApply!.total]
              .concat([ours.teardown!.total / theirs.destroy!.total])
              .map((x) => fixed(x))
              .join(', '),
          ),
        ]
      : []),
  ];
  const rows: Row[] = [
    { figure: `dev server, raw moto (median of ${RUNS})`, measured: '' },
    info('(a) bare script, sides in parallel', `${ms(aParallel)} (${range(s.aParallel)})`),
    info('(a) bare script, one side after the other', `${ms(median(s.a))} (${range(s.a)})`),
    info('(b) SetupInterRegionPeering', `${ms(bMed)} (${range(s.b)})`),
    judged(TARGETS.raw, fixed(rawRatio)),
    info('same, against the one-side-after-the-other script', fixed(bMed / median(s.a))),
    info(
      `(c) ${CONCURRENCY} at once: bare, setups`,
      `${fixed(c.bareBurst.perSecond)}/s, ${fixed(c.flowBurst.perSecond)}/s`,
    ),
    info('(c) throughput ratio on the dev server', fixed(devThroughputRatio)),
    info('EC2 calls per fresh setup', calls(freshCalls)),
    info('no-change re-run', calls(rerun)),
    info('teardown', calls(down)),
    info('history events per setup', String(median(s.freshHistories.map((h) => h.events)))),
    { figure: `cluster on PostgreSQL, ${k.nodes.length} nodes, raw moto`, measured: '' },
    info('(b) SetupInterRegionPeering', `${ms(median(k.b))} (${range(k.b)})`),
    info(
      'setup ÷ bare script (sides in parallel, run between them)',
      `${fixed(median(k.b) / median(k.aParallel))} (bare ${ms(median(k.aParallel))})`,
    ),
    info(
      `(c) ${CONCURRENCY} at once: bare, setups`,
      `${fixed(kc.bareBurst.perSecond)}/s, ${fixed(kc.flowBurst.perSecond)}/s`,
    ),
    judged(TARGETS.cluster, fixed(clusterThroughputRatio)),
    { figure: 'worker memory', measured: '' },
    judged(TARGETS.memory, `${fixed(m.cacheMemory.perWorkflow.rssMb, 2)} MB of RSS`),
    ...memoryRows(m.cacheMemory),
    judged(TARGETS.rss, `${fixed(workerRssMb, 1)} MB`),
    info('dev server, cluster', `${fixed(c.rss.peakMb, 1)} MB, ${fixed(kc.rss.peakMb, 1)} MB`),
    info(
      "same code bundled with the SDK's defaults",
      `${fixed(m.sdkDefaults.rss.peakMb, 1)} MB (${fixed(m.sdkDefaults.readyMb, 1)} MB before)`,
    ),
    { figure: 'Terraform, raw moto, through the counting proxy', measured: '' },
    ...terraformRows,
    { figure: `realistic AWS profile (median of ${r.setup.length})`, measured: '' },
    info('bare script, sides in parallel', `${ms(realisticBare)} (${range(r.bareParallel)})`),
    info('bare script, one side after the other', `${ms(median(r.bareSequential))}`),
    info('SetupInterRegionPeering, dev server', timeAndCalls(realisticSetup)),
    judged(TARGETS.realistic, fixed(realisticRatio)),
    info('setup − bare script', `${ms(realisticSetup.ms - realisticBare)}`),
    info(
      'SetupInterRegionPeering, cluster; ÷ bare script',
      `${ms(median(k.realistic.map((x) => x.ms)))}; ${fixed(median(k.realistic.map((x) => x.ms)) / realisticBare)}`,
    ),
    judged(TARGETS.terraformRealistic, orSkipped(terraformRealisticRatio, 3)),
    ...(realTf
      ? [
          info('terraform apply', timeAndCalls(medianMeasured([realTf.apply!]))),
          info('terraform no-change apply, destroy', `${ms(realTf.noChangeApply!.ms)}, ${ms(realTf.destroy!.ms)}`),
        ]
      : []),
    { figure: 'failover and protection, realistic profile, AWS-faithful layer', measured: '' },
    judged(TARGETS.failoverCritical, fo.criticalRatio === undefined ? 'not measured' : fixed(fo.criticalRatio)),
    judged(TARGETS.failoverSequential, fo.sequentialRatio === undefined ? 'not measured' : fixed(fo.sequentialRatio)),
    ...fo.rows,
    judged(TARGETS.protect, protectMeasured(m.failover, fo.protectRatio)),
  ];

  const stepNames = Object.keys(s.bareSteps[0] ?? {});
  const diagnostics = {
    bareCallsMatchWorkflow: callDifference(bare, freshCalls),
    bareCallOrderMatchesWorkflow: [...s.orderDifferences],
    bareStepsMs: Object.fromEntries(stepNames.map((n) => [n, Math.round(median(s.bareSteps.map((x) => x[n] ?? 0)))])),
    setupHistory: summarizeHistories(s.freshHistories),
    concurrentHistory: c.flowHistory,
    clusterConcurrentHistory: kc.flowHistory,
    callsByOperation: { bare: bare.byOperation, fresh: freshCalls.byOperation, rerun: rerun.byOperation },
    realisticDrawnMedianMs: r.drawnMedianMs,
    bundle: m.bundle,
    sdkDefaultsBundle: m.sdkDefaults.composition,
    failoverByDirection: fo.byDirection,
    failoverSteps: fo.details,
  };
  return {
    rows,
    targets,
    diagnostics,
    ratios: { rawRatio, realisticRatio, terraformRatio, devThroughputRatio, clusterThroughputRatio },
    freshCalls,
    rerun,
  };
}
