import { defineConfig, devices } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// One scratch copy of demo/ per run. Set here, in the main process, so the workers (which
// re-read this file) inherit the same folder through the environment.
if (!process.env.CTXGATE_E2E_ROOT) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxgate-e2e-'));
  fs.cpSync(path.join(__dirname, '..', 'demo'), root, { recursive: true });
  process.env.CTXGATE_E2E_ROOT = root;
}
const root = process.env.CTXGATE_E2E_ROOT;
const port = Number(process.env.CTXGATE_E2E_PORT ?? 3917);
const profile = process.env.SERVER_PROFILE ?? 'release';
// The server is a copy of the built binary in a temp folder outside the checkout, run with an
// empty environment from inside the project: what a user who copied `ctxgate` gets, so every
// test also proves that the binary carries its own page assets.
if (!process.env.CTXGATE_E2E_BIN) {
  const built = path.join(__dirname, '..', 'target', profile, 'ctxgate');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxgate-bin-'));
  const bin = path.join(dir, 'ctxgate');
  if (fs.existsSync(built)) {
    fs.copyFileSync(built, bin);
    fs.chmodSync(bin, 0o755);
  }
  process.env.CTXGATE_E2E_BIN = bin;
  // The copy is as big as the release binary: do not leave one behind per run.
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}
const bin = process.env.CTXGATE_E2E_BIN;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: { baseURL: `http://127.0.0.1:${port}`, trace: 'off' },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          // The machine has no outside network: keep Chromium from trying.
          args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      },
    },
  ],
  webServer: {
    // stderr (the tracing log, incl. the audit line) goes to a file the tests read.
    command: `cd "${root}" && exec env -i PATH=/usr/bin:/bin HOME="${root}" "${bin}" serve --addr 127.0.0.1:${port} 2> server.log`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'pipe',
  },
});
