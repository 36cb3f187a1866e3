// What every browser suite needs: the built dashboard and Debian's Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = resolve(__dirname, '../..');
export const DEMO_FILE = resolve(ROOT, 'demo/lakeside-garden.yaml');
export const RESULTS = resolve(ROOT, 'test-results');
const DIST_INDEX = resolve(ROOT, 'apps/dashboard/dist/index.html');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The server serves whatever dashboard build exists; CI builds first, a fresh clone may not have. */
export function ensureDashboardBuilt(): void {
  if (existsSync(DIST_INDEX)) return;
  execFileSync('npm', ['run', 'build', '-w', '@estate-watch/dashboard'], { cwd: ROOT, stdio: 'inherit' });
}

/** Headless Chromium as this machine allows it: as root, with no network of its own to call home on. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
