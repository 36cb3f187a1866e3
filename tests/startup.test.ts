// Issue 2, points 1 and 10: bad site files stop start-up with a useful message; data survives a restart.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SiteConfigError, type AlertDto, type DeviceDto } from '@estate-watch/contracts';
import { startServer } from '../apps/server/src/bootstrap';
import { AlertsService } from '../apps/server/src/alerts/alerts.service';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { api, login } from './support/server';

const dir = mkdtempSync(join(tmpdir(), 'estate-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { httpPort: 0, mqttPort: 0, logLevel: 'error' as const };

describe('start-up', () => {
  it('a bad site file stops it with the file, the path inside it and the problem', async () => {
    const file = join(dir, 'bad-site.yaml');
    writeFileSync(file, testSiteYaml().replace('{ checkpoint: cp-2, offsetMin: 20 }', '{ checkpoint: cp-x, offsetMin: 20 }'));
    const start = startServer({ source: { SITE_CONFIG: file, ADMIN_PASSWORD: 'S3cure-pass-1234' }, env: { ...quiet, dataDir: undefined } });
    await expect(start).rejects.toThrow(SiteConfigError);
    await expect(start).rejects.toThrow(`${file}: routes[0].checkpoints[1].checkpoint: no checkpoint "cp-x"`);
  });

  // Issue 8, points 1 and 3: a misspelt key and a department the site relies on but lacks.
  it.each([
    { name: 'an unknown key', edit: (t: string) => t.replace('{ id: lot-1, name: 北区地面车场, capacity: 10 }', '{ id: lot-1, name: 北区地面车场, capacty: 10 }'), problem: 'lots[0].capacty: unknown key, did you mean capacity?' },
    {
      name: 'a department §4 needs and routing does not map',
      edit: (t: string) => t.replace(/  - \{ id: parking, .*\n/, ''),
      problem: 'departments: no department "parking", where CONTRACT §4 sends gate.stuck_open work orders; add { id: parking',
    },
  ])('$name stops it, naming the file, the path and what to add', async ({ edit, problem }) => {
    const file = join(dir, 'strict-site.yaml');
    writeFileSync(file, edit(testSiteYaml()));
    const error = await startServer({ source: { SITE_CONFIG: file, ADMIN_PASSWORD: 'S3cure-pass-1234' }, env: { ...quiet, dataDir: undefined } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SiteConfigError);
    expect((error as SiteConfigError).message.startsWith(`${file}: `)).toBe(true);
    expect((error as SiteConfigError).problems).toContainEqual(expect.stringContaining(problem));
  });

  it('a folder of site files loads each of them; a missing path is named', async () => {
    await expect(startServer({ source: { SITE_CONFIG: join(dir, 'nope'), ADMIN_PASSWORD: 'S3cure-pass-1234' }, env: quiet })).rejects.toThrow('no such file or folder');
  });

  it('outside the demo, ADMIN_PASSWORD is required', async () => {
    await expect(startServer({ source: { SITE_CONFIG: dir }, env: quiet })).rejects.toThrow('ADMIN_PASSWORD is required');
  });

  it('keeps users, devices and alerts across a restart on the same data directory', async () => {
    const dataDir = join(dir, 'data');
    const siteDir = join(dir, 'sites');
    mkdirSync(siteDir);
    writeFileSync(join(siteDir, 'testsite.yaml'), testSiteYaml());
    const source = { SITE_CONFIG: siteDir, ADMIN_PASSWORD: 'First-pass-1', DATA_DIR: dataDir };

    const first = await startServer({ source, env: quiet });
    const admin = (await login(first, 'admin', 'First-pass-1')).token;
    expect((await api(first, admin, '/api/users', { method: 'POST', body: JSON.stringify({ username: 'li.na', password: 'night-shift-7', role: 'operator' }) })).status).toBe(201);
    const raised = await first.app.get(AlertsService).raise({ siteId: 'testsite', type: 'device.offline', subject: 'gate-1', message: '北门入口：连接中断' });
    await first.close();

    const second = await startServer({ source, env: quiet });
    try {
      const token = (await login(second, 'li.na', 'night-shift-7')).token;
      const alerts = (await api<AlertDto[]>(second, token, '/api/alerts')).body;
      expect(alerts.map((a) => a.id)).toContain(raised.id);
      const devices = (await api<DeviceDto[]>(second, token, '/api/devices')).body;
      expect(devices).toHaveLength(5);
    } finally {
      await second.close();
    }
  });
});
