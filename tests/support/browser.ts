// What every browser suite needs: the built dashboard and Debian's Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { localDateOf } from '@estate-watch/domain';

export const ROOT = resolve(__dirname, '../..');
export const DEMO_FILE = resolve(ROOT, 'demo/lakeside-garden.yaml');
export const RESULTS = resolve(ROOT, 'test-results');

/**
 * The zone for a site whose rounds a test schedules from the wall clock: the first of Shanghai,
 * Ürümqi (UTC+6) and Tokyo (UTC+9) whose local midnight does not fall within [from, to] (epoch ms).
 * Their midnights are 16:00, 18:00 and 15:00 UTC, so any span under three hours misses one of them.
 * Across a midnight the rounds of two local dates are shown and counted: the patrol tests failed
 * when run between 16:00 and 16:50 UTC, and with Shanghai and Ürümqi alone a span from before 16:00
 * to after 18:00 had no zone (CI at 16:48 UTC).
 */
export function zoneWithoutMidnight(from: number, to: number): string {
  if (to - from >= 3 * 3_600_000) throw new Error(`zoneWithoutMidnight: a span of ${to - from} ms is too long; keep it under three hours`);
  return ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Tokyo'].find((zone) => localDateOf(from, zone) === localDateOf(to, zone))!;
}
/** The demo estate's site file with its zone replaced (the patrol tests schedule its rounds from the wall clock). */
export function demoYamlIn(zone: string): string {
  const yaml = readFileSync(DEMO_FILE, 'utf8');
  if (!yaml.includes('timezone: Asia/Shanghai')) throw new Error(`${DEMO_FILE} no longer says timezone: Asia/Shanghai`);
  return yaml.replace('timezone: Asia/Shanghai', `timezone: ${zone}`);
}
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

/**
 * What does not fit across the window (issue 12.1): the page wider than the window, tabs that need
 * more than the top bar gives them, top-bar controls that end off screen. `where` prefixes each
 * line; none when everything fits.
 */
export async function horizontalOverflow(page: Page, where: string): Promise<string[]> {
  const fit = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = Array.from(document.querySelectorAll('header.topbar *'))
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .map((el) => ({ el: (el as HTMLElement).dataset.testid ?? el.className.toString(), right: el.getBoundingClientRect().right }))
      .filter((r) => r.right > width + 0.5);
    // Tabs squeezed under the register button overflow the nav, not the page.
    const nav = document.querySelector('header.topbar nav') as HTMLElement;
    return { scroll: document.documentElement.scrollWidth, width, out, nav: nav.scrollWidth - nav.clientWidth };
  });
  const problems: string[] = [];
  if (fit.scroll > fit.width) problems.push(`${where}: page ${fit.scroll - fit.width}px wider than the window`);
  if (fit.nav > 0) problems.push(`${where}: the tabs need ${fit.nav}px more than the top bar gives them`);
  for (const o of fit.out) problems.push(`${where}: top bar ${o.el} ends ${Math.round(o.right - fit.width)}px off screen`);
  return problems;
}
