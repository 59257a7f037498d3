// A berthd with its dashboard on a free loopback port, and one headless Chromium (Debian's package,
// driven by playwright-core) logged in to it. Screenshots go to test-artifacts/dashboard/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT, startDaemon, type TestDaemon } from './daemon.js';

export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts/dashboard');

export function chromiumPath(): string | undefined {
  return ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
}

export interface DashboardSession {
  daemon: TestDaemon;
  url: string;
  token: string;
  browser: Browser;
  page: Page;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Waits for the daemon's "dashboard listening" log line (written after the API socket listens). */
export function dashboardUrl(daemon: TestDaemon): Promise<{ url: string; login: string }> {
  return new Promise((resolve, reject) => {
    const find = (): boolean => {
      const line = daemon
        .logs()
        .split('\n')
        .find((l) => l.includes('"msg":"dashboard listening"'));
      if (!line) return false;
      const { url, login } = JSON.parse(line) as { url: string; login: string };
      resolve({ url, login });
      return true;
    };
    if (find()) return;
    const onData = (): void => {
      if (find()) daemon.process.stderr?.off('data', onData);
    };
    daemon.process.stderr?.on('data', onData);
    daemon.process.once('exit', () => reject(new Error(`berthd exited:\n${daemon.logs()}`)));
  });
}

export async function startDashboardSession(): Promise<DashboardSession> {
  const daemon = await startDaemon({ dashboard: '127.0.0.1:0' });
  const { url, login } = await dashboardUrl(daemon);
  const token = new URL(login).searchParams.get('token') ?? '';
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Tests talk to loopback only. Chromium resolves Google's hosts on its own (autofill, accounts, updates, seen in a
    // capture of a test run) even with Playwright's --disable-background-networking: its resolver is fenced off so no
    // name resolves; the dashboard is reached by its IP literal, which needs no resolution.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      '--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,Translate',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  // Confirmations ("remove ...?") are accepted, as a user clicking OK.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(login);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    daemon,
    url,
    token,
    browser,
    page,
    async shot(name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    async close() {
      await browser.close().catch(() => undefined);
      await daemon.cleanup();
    },
  };
}
