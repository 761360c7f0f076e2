/** Reading the Temporal Web UI in Debian's chromium (playwright-core), for the UI tests. */
import * as fs from 'node:fs';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** A headless chromium page; throws with how to get chromium when it is missing. */
export async function openBrowser(): Promise<{ browser: Browser; page: Page }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing, so the Web UI cannot be checked in a browser. scripts/ensure-tools.sh installs Debian's ` +
        `chromium when it runs as root with apt (npm test runs it); otherwise: sudo apt-get install -y chromium`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return { browser, page: await browser.newPage({ viewport: { width: 1400, height: 1100 } }) };
}

/** The UI renders summaries and details as Markdown inside iframes; find the one showing `text`. */
export async function frameWithText(page: Page, text: string, timeoutMs = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const body = await frame
        .locator('body')
        .innerText({ timeout: 1_000 })
        .catch(() => '');
      if (body.includes(text)) return frame;
    }
    if (Date.now() > deadline) {
      const shown = await Promise.all(
        page.frames().map((f) =>
          f
            .locator('body')
            .innerText({ timeout: 1_000 })
            .catch(() => ''),
        ),
      );
      throw new Error(`no frame shows "${text}"; frames show: ${JSON.stringify(shown.slice(1))}`);
    }
    await page.waitForTimeout(250);
  }
}
