// Issue 12 points 5 and 7 in Chromium against the real server: guards tap two routes over MQTT (on
// time, early, late and out of order, one checkpoint left missed), the server's clock closes every
// window, and the supervisor's 报表 › 巡更合规 shows per route and per guard the rounds, completed
// rounds, checkpoints by outcome and the compliance, as counted from the taps this test sent; in
// English too. 导出 saves the rounds as CSV for Excel (UTF-8 with BOM), a row per checkpoint.
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, parseSiteConfig, type PatrolCheckpointCountsDto, type RoundDto, type SiteConfig } from '@estate-watch/contracts';
import { localTimeOf } from '@estate-watch/domain';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { ManualClock } from '../../apps/server/src/common/clock';
import { api, connectDevice, connected, eventually, login, startTestServer } from '../support/server';
import { ensureDashboardBuilt, launchChromium, RESULTS, zoneWithoutMidnight } from '../support/browser';

const MIN = 60_000;
// S: both routes start 40 minutes before this minute, so every tap's ts is in the past (CONTRACT §1).
const S = Math.floor(Date.now() / MIN) * MIN - 40 * MIN;
const at = (min: number, sec = 0) => new Date(S + min * MIN + sec * 1000);
// The site's zone: Shanghai unless its midnight falls within the test's span, from the clock's
// first reading (20 minutes before S) to two hours after S.
const ZONE = zoneWithoutMidnight(S - 20 * MIN, S + 120 * MIN);
const hhmm = localTimeOf(new Date(S), ZONE);

const GUARDS = { G01: { name: '张伟', card: '0DBA449373C7E3' }, G02: { name: '李强', card: '797EB77F07FEC6' }, G03: { name: '王磊', card: '4D61193FB86B53' } };
const SITE_YAML = `
site: { id: report-site, name: 巡更报表小区, timezone: ${ZONE}, heartbeatSec: 60 }
departments:
  - { id: security, name: 安管部, sla: { acceptMin: 10, resolveMin: 60 } }
routing: { device.offline: security, patrol.unknown_card: security }
guards:
${Object.entries(GUARDS).map(([id, g]) => `  - { id: ${id}, name: ${g.name}, card: ${g.card} }`).join('\n')}
checkpoints:
  - { id: cp-e1, name: 东门, x: 800, y: 100, secret: secret-e1 }
  - { id: cp-e2, name: 东区花园, x: 820, y: 300, secret: secret-e2 }
  - { id: cp-e3, name: 东区车库, x: 840, y: 500, secret: secret-e3 }
  - { id: cp-w1, name: 西门, x: 100, y: 100, secret: secret-w1 }
  - { id: cp-w2, name: 西区泵房, x: 120, y: 400, secret: secret-w2 }
routes:
  - { id: east, name: 东区巡查, department: security, toleranceMin: 5, schedule: ["${hhmm}"], checkpoints: [{ checkpoint: cp-e1, offsetMin: 0 }, { checkpoint: cp-e2, offsetMin: 10 }, { checkpoint: cp-e3, offsetMin: 20 }] }
  - { id: west, name: 西区巡查, department: security, toleranceMin: 5, schedule: ["${hhmm}"], checkpoints: [{ checkpoint: cp-w1, offsetMin: 0 }, { checkpoint: cp-w2, offsetMin: 10 }] }
`;

type Outcome = 'on_time' | 'late' | 'early' | 'missed';
interface Sent {
  route: 'east' | 'west';
  cp: string;
  /** Minutes after the start; undefined: never tapped. */
  min?: number;
  guard?: keyof typeof GUARDS;
  /** What CONTRACT §3 makes of it (window = planned ± 5 min). */
  outcome: Outcome;
  outOfOrder?: boolean;
}
// In the order they are sent. cp-e3 (planned +20) tapped at +14 is early; cp-e2 (planned +10) at +16
// is late and, after cp-e3, out of order; cp-w2 is never tapped: missed when its window closes.
const SENT: Sent[] = [
  { route: 'east', cp: 'cp-e1', min: 1, guard: 'G01', outcome: 'on_time' },
  { route: 'west', cp: 'cp-w1', min: 2, guard: 'G02', outcome: 'on_time' },
  { route: 'east', cp: 'cp-e3', min: 14, guard: 'G01', outcome: 'early' },
  { route: 'east', cp: 'cp-e2', min: 16, guard: 'G01', outcome: 'late', outOfOrder: true },
  { route: 'west', cp: 'cp-w2', outcome: 'missed' },
];

/** The figures the report must show, counted from SENT (PatrolReportDto's definitions). */
function expected() {
  const counts = (rows: Sent[]): PatrolCheckpointCountsDto => ({
    onTime: rows.filter((r) => r.outcome === 'on_time').length,
    late: rows.filter((r) => r.outcome === 'late').length,
    early: rows.filter((r) => r.outcome === 'early').length,
    missed: rows.filter((r) => r.outcome === 'missed').length,
    outOfOrder: rows.filter((r) => r.outOfOrder).length,
  });
  const pct = (n: number, d: number) => (d === 0 ? '—' : `${Math.round((n / d) * 1000) / 10}%`);
  const routes = (['east', 'west'] as const).map((route) => {
    const rows = SENT.filter((r) => r.route === route);
    return { key: route, rounds: 1, completed: 1, checkpoints: counts(rows), pct: pct(counts(rows).onTime, rows.length) };
  });
  const guards = (Object.keys(GUARDS) as (keyof typeof GUARDS)[]).map((guard) => {
    const own = SENT.filter((r) => r.guard === guard);
    const walked = new Set(own.map((r) => r.route));
    const missedInWalked = SENT.filter((r) => walked.has(r.route) && r.outcome === 'missed').length;
    return { key: guard, rounds: walked.size, completed: walked.size, checkpoints: { ...counts(own), missed: missedInWalked }, pct: pct(counts(own).onTime, own.length) };
  });
  return { routes, guards };
}

/** RFC 4180 as the server writes it: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

describe('patrol compliance report and rounds export in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let site: SiteConfig;
  const clock = new ManualClock(at(-20)); // the site is first seen before the rounds start
  const readers = new Map<string, MqttClient>();

  const tap = async (s: Sent, n: number) => {
    let reader = readers.get(s.cp);
    if (!reader) readers.set(s.cp, (reader = await connected(await connectDevice(server, site, 'checkpoint', s.cp))));
    const topic = buildTopic({ site: site.site.id, kind: 'checkpoint', device: s.cp, stream: 'event' });
    await reader.publishAsync(topic, JSON.stringify({ id: `report-${n}`, ts: at(s.min!).toISOString(), type: 'tap', card: GUARDS[s.guard!].card }), { qos: 1 });
  };
  let operator: string;
  const rounds = async () => (await api<RoundDto[]>(server, operator, '/api/patrol/rounds')).body;

  beforeAll(async () => {
    ensureDashboardBuilt();
    mkdirSync(RESULTS, { recursive: true });
    site = parseSiteConfig(SITE_YAML, 'report-site.yaml');
    server = await startTestServer({ clock, sites: [site], patrolSweepIntervalMs: 50 });
    operator = (await login(server, 'operator')).token;
    await eventually(rounds, (list) => list.length === 2);
    for (const [n, s] of SENT.entries()) {
      if (s.min === undefined) continue;
      clock.set(at(s.min));
      await tap(s, n);
      await eventually(rounds, (list) => list.some((r) => r.checkpoints.some((c) => c.checkpointId === s.cp && c.outcome === s.outcome)));
    }
    clock.set(at(26)); // every window has closed: cp-w2 is missed, both rounds complete
    const done = await eventually(rounds, (list) => list.every((r) => r.status === 'completed'));
    // The server judged each checkpoint as this test meant it to.
    for (const s of SENT) {
      const cp = done.flatMap((r) => r.checkpoints).find((c) => c.checkpointId === s.cp)!;
      expect({ cp: s.cp, outcome: cp.outcome, outOfOrder: cp.flags.includes('out_of_order') }).toEqual({ cp: s.cp, outcome: s.outcome, outOfOrder: !!s.outOfOrder });
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    for (const reader of readers.values()) reader.end(true);
    await browser?.close();
    await server?.close();
  });

  const cell = (kind: 'routes' | 'guards', key: string, field: string) =>
    page.locator(`[data-testid="patrol-report-${kind}"] [data-testid="patrol-report-row"][data-key="${key}"] [data-field="${field}"]`).textContent();

  async function expectFigures(): Promise<void> {
    const want = expected();
    for (const [kind, rows] of [['routes', want.routes], ['guards', want.guards]] as const) {
      for (const row of rows) {
        const shown = {
          rounds: await cell(kind, row.key, 'rounds'),
          completed: await cell(kind, row.key, 'completed'),
          ...Object.fromEntries(await Promise.all(Object.keys(row.checkpoints).map(async (k) => [k, await cell(kind, row.key, k)]))),
          pct: await cell(kind, row.key, 'pct'),
        };
        const sent = { rounds: String(row.rounds), completed: String(row.completed), ...Object.fromEntries(Object.entries(row.checkpoints).map(([k, v]) => [k, String(v)])), pct: row.pct };
        expect({ [row.key]: shown }).toEqual({ [row.key]: sent });
      }
    }
  }

  it('a supervisor opens 报表 › 巡更合规 and reads per route and per guard what the guards did', async () => {
    await page.goto(server.httpUrl);
    await page.getByTestId('login-username').fill('supervisor');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-banner"][data-state="ok"]').waitFor();
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('reports-view-patrol').click();
    await page.getByTestId('patrol-report').waitFor();
    await expect(page.getByTestId('reports-view-patrol').textContent()).resolves.toContain('巡更合规');
    await expectFigures();
    // Named as in the site file, never by id.
    await expect(page.locator('[data-testid="patrol-report-routes"] [data-key="east"] .name').textContent()).resolves.toBe('东区巡查');
    await expect(page.locator('[data-testid="patrol-report-guards"] [data-key="G02"] .name').textContent()).resolves.toBe('李强');
    await page.screenshot({ path: resolve(RESULTS, 'dashboard-patrol-report-zh-CN-1366.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
  });

  it('in English the same figures, with English headings', async () => {
    await page.evaluate(() => localStorage.setItem('estate-watch.locale', 'en'));
    await page.reload();
    await page.getByTestId('patrol-report').waitFor();
    await page.getByText('Rounds planned', { exact: true }).waitFor();
    await page.getByText('Missed in their rounds', { exact: true }).waitFor();
    await expectFigures();
    await page.screenshot({ path: resolve(RESULTS, 'dashboard-patrol-report-en-1366.png') });
    await page.evaluate(() => localStorage.setItem('estate-watch.locale', 'zh-CN'));
  });

  it('exports the rounds as CSV for Excel: BOM, a row per checkpoint, outcomes and guards as sent, site-local times', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('patrol-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^rounds-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
    const col = (name: string) => header!.findIndex((h) => h.endsWith(` ${name}`));
    expect(rows).toHaveLength(SENT.length);
    const local = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, dateStyle: 'short', timeStyle: 'medium' }).format(d);
    for (const s of SENT) {
      const row = rows.find((r) => r[col('checkpoint id')] === s.cp)!;
      expect({
        route: row[col('route')],
        outcome: row[col('outcome')],
        guard: row[col('guard id')],
        flags: row[col('flags')],
        tapped: row[col('tapped')],
        zone: row[col('timezone')],
      }).toEqual({
        route: s.route === 'east' ? '东区巡查' : '西区巡查',
        outcome: s.outcome,
        guard: s.guard ?? '',
        flags: s.outOfOrder ? 'out_of_order' : '',
        tapped: s.min === undefined ? '' : local(at(s.min)),
        zone: ZONE,
      });
    }
    expect(rows.filter((r) => r[col('route')] === '东区巡查').map((r) => r[col('compliance %')])).toEqual(['33.3', '33.3', '33.3']);
  });

  it('the export needs a signed-in member of staff: no token 401, a guard 403', async () => {
    expect((await fetch(`${server.httpUrl}/api/patrol/rounds/export.csv`)).status).toBe(401);
    const guard = (await login(server, 'guard')).token;
    expect((await api(server, guard, '/api/patrol/rounds/export.csv')).status).toBe(403);
    const res = await fetch(`${server.httpUrl}/api/patrol/rounds/export.csv?routeId=west`, { headers: { authorization: `Bearer ${operator}` } });
    expect(res.status).toBe(200);
    expect((await res.text()).split('\r\n').filter(Boolean)).toHaveLength(1 + 2); // header and west's two checkpoints
  });
});
