/**
 * What an operator sees in the Temporal Web UI, checked in a real browser: Debian's chromium driven
 * by playwright-core (never a downloaded browser). A setup started by our CLI must show its summary,
 * its current details and the summary of every activity it ran; screenshots go to test/artifacts/.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { testEnv } from '../support/env';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { activitySummaries } from '../support/history';
import { ROOT } from '../../harness/stack';
import { frameWithText, openBrowser } from '../support/ui-page';
import { tsNodeCommand } from '../support/ts-node';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const run = promisify(execFile);

let w: TestWorker;
let browser: Browser | undefined;
let page: Page;
const workflowId = uniqueId('ui-setup');

beforeAll(async () => {
  w = await startTestWorker();
  // Started through the CLI, as an operator would: the Web UI must show what the CLI set.
  await run(
    ...tsNodeCommand('src/client.ts', ['setup', '--file', 'examples/abc-corp.json', '--id', workflowId, '--wait']),
    {
      cwd: ROOT,
      env: { ...process.env, TEMPORAL_ADDRESS: testEnv().temporalAddress, TEMPORAL_TASK_QUEUE: w.taskQueue },
    },
  );
  ({ browser, page } = await openBrowser());
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await w?.shutdown();
});

describe('Temporal Web UI for a finished setup', () => {
  it('GIVEN a setup started by the CLI WHEN its history is read THEN every activity it scheduled has a readable summary', async () => {
    const summaries = activitySummaries(await w.client.workflow.getHandle(workflowId).fetchHistory());

    // The one-network check, two VPCs, the request, establishPeering, and one ensureSideRules per side.
    expect(summaries.length).toBe(7);
    expect(summaries.filter((s) => !s.summary || s.summary.length < 10)).toEqual([]);
  });

  it('GIVEN the run WHEN its page is opened in chromium THEN the event timeline shows each activity with its summary', async () => {
    const summaries = activitySummaries(await w.client.workflow.getHandle(workflowId).fetchHistory());

    await page.goto(`${testEnv().temporalUiUrl}/namespaces/default/workflows/${workflowId}`, {
      waitUntil: 'networkidle',
    });
    await page.getByText('SetupInterRegionPeering').first().waitFor({ timeout: 15_000 });
    for (const { activityType, summary } of summaries) {
      // The timeline labels each activity "<type> • <summary>".
      await page.getByText(`${activityType} • ${summary}`, { exact: true }).first().waitFor({ timeout: 10_000 });
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'ui-setup-history.png'), fullPage: false });
  });

  it("GIVEN the run WHEN its User Metadata tab is opened THEN it shows the CLI's summary, the final current details and the activity summaries", async () => {
    const summaries = activitySummaries(await w.client.workflow.getHandle(workflowId).fetchHistory());

    await page.goto(`${testEnv().temporalUiUrl}/namespaces/default/workflows/${workflowId}`, {
      waitUntil: 'networkidle',
    });
    await page
      .getByRole('tab', { name: 'User Metadata' })
      .or(page.getByText('User Metadata', { exact: true }))
      .first()
      .click();

    await frameWithText(page, 'Peer 10.0.0.0/16 (us-east-1) ↔ 10.1.0.0/16 (eu-west-1)');
    // Current details of a closed run come from a query to the worker: the last setCurrentDetails.
    const details = await frameWithText(page, 'Done:');
    expect(await details.locator('body').innerText()).toMatch(/Done: pcx-[0-9a-f]+ is active; \d+ resources created\./);
    await page.getByText('Events with Metadata').waitFor({ timeout: 10_000 });
    for (const { summary } of summaries) {
      // Exactly the summary: the timeline's labels ("<type> • <summary>") do not match.
      await page.getByText(summary!, { exact: true }).first().waitFor({ timeout: 10_000 });
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'ui-setup-metadata.png'), fullPage: true });
  });
});
