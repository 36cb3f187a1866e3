import { describe, expect, it } from 'vitest';
import { siteDevices } from '@estate-watch/contracts';
import { DEMO_SITE_FILE, loadSiteFile } from './site-files';

describe('the bundled demo site (湖畔花园)', () => {
  const site = loadSiteFile(DEMO_SITE_FILE);

  it('is lakeside on Shanghai time with a 30 s heartbeat', () => {
    expect(site.site).toEqual({ id: 'lakeside', name: '湖畔花园', timezone: 'Asia/Shanghai', heartbeatSec: 30 });
  });

  it('has the five departments with the SLAs of CONTRACT §2', () => {
    expect(Object.fromEntries(site.departments.map((d) => [d.id, d.sla]))).toEqual({
      security: { acceptMin: 10, resolveMin: 60 },
      cleaning: { acceptMin: 15, resolveMin: 120 },
      engineering: { acceptMin: 15, resolveMin: 240 },
      parking: { acceptMin: 5, resolveMin: 30 },
      service: { acceptMin: 10, resolveMin: 1440 },
    });
  });

  it('has at least 12 checkpoints placed on the 1000 × 700 plan', () => {
    expect(site.checkpoints.length).toBeGreaterThanOrEqual(12);
    for (const cp of site.checkpoints) {
      expect(cp.x).toBeGreaterThanOrEqual(0);
      expect(cp.x).toBeLessThanOrEqual(1000);
      expect(cp.y).toBeGreaterThanOrEqual(0);
      expect(cp.y).toBeLessThanOrEqual(700);
    }
  });

  it('has two routes at 09:30 and 15:00, an hourly fire-lane check and an hourly lobby check that between them visit every checkpoint', () => {
    const [perimeter, garage, fireLanes, lobbies, ...others] = site.routes;
    expect(others).toEqual([]);
    // At half past the hours the day routes do not walk the same lobbies (issue 12 point 9: a round under way at any minute).
    expect(lobbies!.schedule).toHaveLength(21);
    expect(lobbies!.schedule).not.toContain('09:30');
    for (const route of [perimeter!, garage!]) {
      expect(route.schedule).toEqual(['09:30', '15:00']);
      expect(route.toleranceMin).toBe(15);
    }
    expect(perimeter!.checkpoints.length + garage!.checkpoints.length).toBeGreaterThanOrEqual(12);
    // So a demo started at any hour shows patrol within the hour.
    expect(fireLanes!.schedule).toHaveLength(24);
    expect(fireLanes!.schedule[0]).toBe('00:00');
    const visited = new Set(site.routes.flatMap((r) => r.checkpoints.map((c) => c.checkpoint)));
    expect(visited).toEqual(new Set(site.checkpoints.map((c) => c.id)));
  });

  it('has 4 gates, an entrance and an exit on each of its 2 lots', () => {
    expect(site.lots).toHaveLength(2);
    expect(site.gates).toHaveLength(4);
    for (const lot of site.lots) {
      const gates = site.gates.filter((g) => g.lot === lot.id).map((g) => g.id);
      expect(gates.some((g) => g.endsWith('-in'))).toBe(true);
      expect(gates.some((g) => g.endsWith('-out'))).toBe(true);
    }
  });

  it('has 10 dispensers covering every consumable', () => {
    expect(site.dispensers).toHaveLength(10);
    expect(new Set(site.dispensers.map((d) => d.consumable))).toEqual(
      new Set(['soap', 'toilet_paper', 'paper_towel', 'sanitizer', 'shoe_cover']),
    );
  });

  it('has 8 sensors, leak detectors alarming on leak equals true', () => {
    expect(site.sensors).toHaveLength(8);
    const leaks = site.sensors.filter((s) => s.limits.leak);
    expect(leaks.length).toBeGreaterThanOrEqual(2);
    for (const s of leaks) expect(s.limits.leak).toMatchObject({ equals: true, severity: 'critical' });
  });

  it('has guards with cards, and a different secret for every device', () => {
    expect(site.guards.length).toBeGreaterThanOrEqual(4);
    const secrets = siteDevices(site).map((d) => d.secret);
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});
