/**
 * src/domain is evaluated once per workflow thread and shared by every cached workflow
 * (src/workflows/shared-domain.ts, preloaded by src/workflow-bundle.ts). This loads the project's
 * bundle into the SDK's own reusable V8 context, which shares and deep-freezes what the preload
 * loaded, exactly as the worker does, and checks the three things sharing needs: every domain
 * module is there before any workflow, plain constants are frozen, and the validators still work on
 * frozen modules (zod writes to its schemas as it parses; frozen by the SDK's rule, they throw).
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import type { Validated } from '../../src/domain/validation';
import { domainModules, workflowBundleOptions } from '../../src/workflow-bundle';
import { ROOT } from '../../harness/root';

type Validator = (input: unknown) => Validated<unknown>;
interface SharedModule {
  exports: Record<string, unknown>;
}

let creator: ReusableVMWorkflowCreator;
/** A module from the context's shared cache, by its path under src/domain. */
let shared: (file: string) => SharedModule | undefined;

beforeAll(async () => {
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(ROOT, 'src', 'workflows'),
    ...workflowBundleOptions(),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  // As the worker does with a bundle: its inline source map read out of the code.
  const inline = bundle.code.slice(bundle.code.lastIndexOf('//# sourceMappingURL=data:'));
  const sourceMap = JSON.parse(Buffer.from(inline.split('base64,')[1]!, 'base64').toString('utf8')) as object;
  creator = await ReusableVMWorkflowCreator.create(
    { code: bundle.code, filename: path.join(ROOT, 'workflow-bundle.js'), sourceMap: sourceMap as never },
    5_000,
    new Set(),
  );
  const { context } = creator as unknown as {
    context: { __webpack_module_cache__: Record<string, SharedModule | undefined> };
  };
  const cache = context.__webpack_module_cache__;
  shared = (file) => cache[`./src/domain/${file}`];
}, 120_000);

afterAll(async () => {
  await creator?.destroy();
});

const abcCorp = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'abc-corp.json'), 'utf8')) as object;

describe('src/domain shared by every workflow of a worker thread', () => {
  test('GIVEN every file under src/domain WHEN the bundle is loaded, before any workflow THEN each is in the shared module cache', () => {
    const files = fs
      .readdirSync(path.join(ROOT, 'src', 'domain'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.split(path.sep).join('/'));
    expect(Object.keys(domainModules()).map((k) => k.slice(2))).toEqual([...files].sort());
    expect(files.filter((f) => !shared(f))).toEqual([]);
  });

  test('GIVEN the shared domain THEN its exports and constants are frozen: no workflow can change them for another', () => {
    const failures = shared('failure-types.ts')!.exports;
    expect(Object.isFrozen(failures)).toBe(true);
    expect(Object.isFrozen(failures.FailureTypes)).toBe(true);
    expect(Object.isFrozen(shared('peering/validate.ts')!.exports.validatePeeringRequest)).toBe(true);
  });

  test('GIVEN the frozen, shared modules WHEN the validators run, good input and bad, again and again THEN they answer as on their first run', () => {
    const validate = shared('peering/validate.ts')!.exports.validatePeeringRequest as Validator;
    const failover = shared('failover/validate.ts')!.exports.validateFailoverRequest as Validator;
    const badRole = { ...abcCorp(), requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16', roleArn: 'nope' } };
    const badPeering = {
      hostedZoneId: 'Z123',
      recordName: 'app.example.com',
      recordType: 'CNAME',
      from: { region: 'us-east-1', value: 'a.example.com' },
      to: { region: 'eu-west-1', value: 'b.example.com' },
      peeringConnectionId: 'pcx-NOT',
    };
    for (let i = 0; i < 3; i++) {
      expect(validate(abcCorp()).ok).toBe(true);
      expect(validate(badRole)).toEqual({
        ok: false,
        error: { field: 'requester.roleArn', reason: 'must be an IAM role ARN' },
      });
      expect(failover(badPeering)).toEqual({
        ok: false,
        error: { field: 'peeringConnectionId', reason: 'must look like pcx-0123456789abcdef0' },
      });
    }
  });

  test('GIVEN the domain sources THEN no module keeps state of its own at module level (no top-level let or var)', () => {
    const dir = path.join(ROOT, 'src', 'domain');
    const stateful = Object.keys(domainModules(dir)).flatMap((rel) => {
      const file = path.join(dir, rel);
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      return source.statements
        .filter(ts.isVariableStatement)
        .filter((s) => !(s.declarationList.flags & ts.NodeFlags.Const))
        .map((s) => `${rel}: ${s.getText().split('\n')[0]}`);
    });
    expect(stateful).toEqual([]);
  });
});
