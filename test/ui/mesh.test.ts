/**
 * A mesh as an operator sees it in the Temporal Web UI (Debian's chromium via playwright-core):
 * the parent's summary names the mesh and its size, its pairs are its related runs (children), and
 * each child's summary names its pair.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { MeshResult } from '../../src/domain/mesh/types';
import { cliEnv, runCli } from '../support/cli-process';
import { testEnv } from '../support/env';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { ROOT } from '../../harness/stack';
import { frameWithText, openBrowser } from '../support/ui-page';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const meshId = uniqueId('ui-mesh');
let w: TestWorker;
let browser: Browser | undefined;
let page: Page;
let result: MeshResult;

beforeAll(async () => {
  w = await startTestWorker();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-mesh-'));
  const file = path.join(tmp, 'mesh.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      vpcs: {
        app: { region: 'us-east-1', cidrBlock: '10.190.0.0/16' },
        dr: { region: 'eu-west-1', cidrBlock: '10.191.0.0/16' },
        shared: { region: 'eu-west-1', cidrBlock: '10.192.0.0/16' },
      },
      topology: 'full-mesh',
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    }),
  );
  // Started through the CLI, as an operator would: the Web UI must show what the CLI set.
  const run = await runCli(['mesh', 'setup', '--file', file, '--id', meshId, '--wait'], cliEnv(w.taskQueue));
  fs.rmSync(tmp, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`mesh setup failed: ${run.stderr}`);
  result = JSON.parse(run.stdout) as MeshResult;
  ({ browser, page } = await openBrowser());
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await w?.shutdown();
});

const open = (workflowId: string) =>
  page.goto(`${testEnv().temporalUiUrl}/namespaces/default/workflows/${workflowId}`, { waitUntil: 'networkidle' });

test("GIVEN a mesh set up by the CLI WHEN its page's User Metadata is opened THEN its summary names the mesh and its size", async () => {
  await open(meshId);
  await page
    .getByRole('tab', { name: /User Metadata/ })
    .first()
    .click();

  await frameWithText(page, `Mesh ${meshId}: 3 VPCs in 2 region(s), 3 peerings (full mesh)`);
});

test('WHEN its Relationships tab is opened THEN it lists the 3 pairs as its child runs', async () => {
  await open(meshId);
  await page
    .getByRole('tab', { name: /Relationships/ })
    .first()
    .click();

  for (const p of result.peerings) await page.getByText(p.setupWorkflowId, { exact: true }).first().waitFor();
  expect(await page.getByText('SetupInterRegionPeering', { exact: true }).count()).toBe(3);
  await page.screenshot({ path: path.join(ARTIFACTS, 'ui-mesh-relationships.png'), fullPage: false });
});

test("WHEN a child's page is opened THEN its summary names its pair, and its parent is the mesh", async () => {
  const pair = result.peerings.find((p) => p.between.join() === 'dr,shared')!;
  await open(pair.setupWorkflowId);
  await page.getByText(meshId, { exact: true }).first().waitFor();
  await page
    .getByRole('tab', { name: /User Metadata/ })
    .first()
    .click();

  await frameWithText(page, `Mesh ${meshId} pair dr 10.191.0.0/16 (eu-west-1) ↔ shared 10.192.0.0/16 (eu-west-1)`);
});
