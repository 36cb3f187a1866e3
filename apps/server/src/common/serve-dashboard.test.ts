import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serveDashboard } from './serve-dashboard';

describe(serveDashboard.name, () => {
  const dist = mkdtempSync(join(tmpdir(), 'estate-dashboard-'));
  let base = '';
  let close: () => void = () => undefined;

  beforeAll(async () => {
    writeFileSync(join(dist, 'index.html'), '<html>index</html>');
    writeFileSync(join(dist, 'app.js'), 'console.log(1)');
    const app = express();
    serveDashboard(app as unknown as NestExpressApplication, dist);
    app.use((_req, res) => res.status(404).send('api: not found'));
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => {
    close();
    rmSync(dist, { recursive: true, force: true });
  });

  it.each([
    { path: '/app.js', body: 'console.log(1)' },
    { path: '/work-orders/42', body: '<html>index</html>' }, // a client-side route survives a reload
    { path: '/api/health', body: 'api: not found' },
    { path: '/socket.io/?EIO=4', body: 'api: not found' },
  ])('GET $path → $body', async ({ path, body }) => {
    expect(await (await fetch(`${base}${path}`)).text()).toBe(body);
  });

  it('an API request never looks at the file system (a stat per call showed in the server profile)', async () => {
    const stat = vi.spyOn(fs, 'stat');
    try {
      await fetch(`${base}/api/devices`);
      expect(stat).not.toHaveBeenCalled();
      await fetch(`${base}/app.js`);
      expect(stat).toHaveBeenCalled();
    } finally {
      stat.mockRestore();
    }
  });
});
