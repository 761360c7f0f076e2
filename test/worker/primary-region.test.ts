/**
 * The worker warns at start when it runs in the region a failover moves away from: PRIMARY_REGION
 * (the operator says which region that is) equal to its own AWS_REGION.
 */
import * as fs from 'node:fs';
import { primaryRegionWarning } from '../../src/config';
import { uniqueId } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

describe('primaryRegionWarning', () => {
  it('GIVEN AWS_REGION is the PRIMARY_REGION WHEN the worker starts THEN the warning names the region and where to run instead', () => {
    const warning = primaryRegionWarning({ AWS_REGION: 'us-east-1', PRIMARY_REGION: 'us-east-1' });

    expect(warning).toMatch(
      /^Warning: this worker runs in the primary region \(AWS_REGION us-east-1, PRIMARY_REGION us-east-1\)\./,
    );
    expect(warning).toContain('in the DR region or on Temporal Cloud with a multi-region namespace');
  });

  it.each<[NodeJS.ProcessEnv, string]>([
    [{ AWS_REGION: 'eu-west-1', PRIMARY_REGION: 'us-east-1' }, 'a worker in the DR region'],
    [{ AWS_REGION: 'us-east-1' }, 'no PRIMARY_REGION said'],
    [{ PRIMARY_REGION: 'us-east-1' }, 'no region of its own'],
    [{ AWS_REGION: 'us-east-1', PRIMARY_REGION: ' ' }, 'an empty PRIMARY_REGION'],
  ])('GIVEN %j (%s) THEN there is no warning', (env) => {
    expect(primaryRegionWarning(env)).toBeUndefined();
  });

  it('GIVEN several primaries and AWS_DEFAULT_REGION only WHEN the worker is in one of them THEN it warns', () => {
    expect(
      primaryRegionWarning({ AWS_DEFAULT_REGION: 'ap-northeast-1', PRIMARY_REGION: 'us-east-1, ap-northeast-1' }),
    ).toMatch(/AWS_REGION ap-northeast-1, PRIMARY_REGION us-east-1, ap-northeast-1/);
  });
});

describe('the worker process', () => {
  let worker: WorkerProcess | undefined;
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  it('GIVEN PRIMARY_REGION us-east-1 and a worker in us-east-1 WHEN it starts THEN its log warns before it is ready', async () => {
    worker = await startWorkerProcess({ taskQueue: uniqueId('primary-region'), env: { PRIMARY_REGION: 'us-east-1' } });

    const log = fs.readFileSync(worker.logFile, 'utf8');
    const warned = log.indexOf('Warning: this worker runs in the primary region (AWS_REGION us-east-1');
    expect(warned).toBeGreaterThanOrEqual(0);
    expect(warned).toBeLessThan(log.indexOf('Worker ready:'));
  });

  it('GIVEN a worker in the DR region WHEN it starts THEN it does not warn', async () => {
    worker = await startWorkerProcess({
      taskQueue: uniqueId('dr-region'),
      env: { PRIMARY_REGION: 'us-east-1', AWS_REGION: 'eu-west-1' },
    });

    expect(fs.readFileSync(worker.logFile, 'utf8')).not.toContain('primary region');
  });
});
