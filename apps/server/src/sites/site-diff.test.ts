// Issue 13 point 5: what a reload changes, from two versions of a site file.
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '@estate-watch/contracts';
import { diffSites, evictedDevices, type SiteChange } from './site-diff';
import { testSiteYaml } from './sites.testing';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Vb8C3X3cXoiVZ3TC0rWCqSG4xJ0QKp2Sx5iVjH8M6rk';
const before = parseSiteConfig(testSiteYaml(), 'before.yaml');
const after = (edit: (yaml: string) => string) => parseSiteConfig(edit(testSiteYaml()), 'after.yaml');
const change = (section: SiteChange['section'], id: string, what: SiteChange['change']): SiteChange => ({ siteId: 'testsite', section, id, change: what });

describe(diffSites.name, () => {
  it.each([
    { name: 'the same file', edit: (t: string) => t, changes: [] },
    { name: 'only comments and layout', edit: (t: string) => `# edited\n${t.replace('  - { id: lot-1, name: 北区地面车场, capacity: 10 }', '  - id: lot-1\n    name: 北区地面车场\n    capacity: 10')}`, changes: [] },
    {
      name: 'a device added',
      edit: (t: string) => t.replace('dispensers:\n', 'dispensers:\n  - { id: soap-2, name: 二楼洗手液, consumable: soap, secret: secret-soap-two }\n'),
      changes: [change('dispensers', 'soap-2', 'added')],
    },
    { name: 'a device removed', edit: (t: string) => t.replace(/dispensers:\n {2}- \{ id: soap-1.*\n/, 'dispensers: []\n'), changes: [change('dispensers', 'soap-1', 'removed')] },
    { name: 'a secret rotated', edit: (t: string) => t.replace('secret: secret-gate-1', 'secret: secret-gate-1-rotated'), changes: [change('gates', 'gate-1', 'rekeyed')] },
    { name: 'a secret replaced by its hash', edit: (t: string) => t.replace('secret: secret-gate-1', `secretHash: '${HASH}'`), changes: [change('gates', 'gate-1', 'rekeyed')] },
    { name: 'a device renamed, same secret', edit: (t: string) => t.replace('name: 北门入口', 'name: 北门入口（新）'), changes: [change('gates', 'gate-1', 'changed')] },
    { name: 'a secret rotated and the name changed: rekeyed wins', edit: (t: string) => t.replace('name: 北门入口, lot: lot-1, secret: secret-gate-1', 'name: 北门, lot: lot-1, secret: secret-gate-1-new'), changes: [change('gates', 'gate-1', 'rekeyed')] },
    {
      name: 'a device moved to another kind under the same id',
      edit: (t: string) => t.replace(/dispensers:\n {2}- \{ id: soap-1.*\n/, 'dispensers: []\n').replace('  - { id: cp-2,', '  - { id: soap-1, name: 新点, x: 1, y: 1, secret: secret-soap-1 }\n  - { id: cp-2,'),
      changes: [change('checkpoints', 'soap-1', 'added'), change('dispensers', 'soap-1', 'removed')],
    },
    { name: 'a limit changed', edit: (t: string) => t.replace('max: 85', 'max: 70'), changes: [change('limits', 'boiler-1.temperature_c', 'changed')] },
    {
      name: 'a limit added: the sensor itself unchanged',
      edit: (t: string) => t.replace('hysteresis: 2 }', 'hysteresis: 2 }\n      leak: { equals: true, severity: critical }'),
      changes: [change('limits', 'boiler-1.leak', 'added')],
    },
    { name: 'a route re-timed', edit: (t: string) => t.replace('schedule: ["09:30"]', 'schedule: ["10:00"]'), changes: [change('routes', 'r1', 'changed')] },
    { name: 'a route removed', edit: (t: string) => t.replace(/routes:\n.*\n/, 'routes: []\n'), changes: [change('routes', 'r1', 'removed')] },
    { name: 'a lot capacity changed', edit: (t: string) => t.replace('capacity: 10', 'capacity: 12'), changes: [change('lots', 'lot-1', 'changed')] },
    { name: 'a department SLA changed', edit: (t: string) => t.replace('acceptMin: 5,  resolveMin: 30', 'acceptMin: 6,  resolveMin: 30'), changes: [change('departments', 'parking', 'changed')] },
    { name: 'the heartbeat changed', edit: (t: string) => t.replace('heartbeatSec: 30', 'heartbeatSec: 60'), changes: [change('site', 'testsite', 'changed')] },
    { name: 'a guard added', edit: (t: string) => t.replace('guards:\n', 'guards:\n  - { id: G02, name: 李娜, card: 04A1B2C3D4E5F7 }\n'), changes: [change('guards', 'G02', 'added')] },
  ])('$name', ({ edit, changes }) => {
    const diff = diffSites([before], [after(edit)]);
    expect(diff.removedSites).toEqual([]);
    expect(diff.addedSites).toEqual([]);
    expect(diff.changes).toEqual(changes);
  });

  it('a site gone and one new are told apart from the changes (a rename looks like both)', () => {
    const renamed = after((t) => t.replace('id: testsite', 'id: testsite-2'));
    const diff = diffSites([before], [renamed]);
    expect(diff.removedSites).toEqual(['testsite']);
    expect(diff.addedSites).toEqual(['testsite-2']);
    // Everything of the new site is added.
    expect(diff.changes.filter((c) => c.change !== 'added')).toEqual([]);
    expect(diff.changes.filter((c) => c.section === 'gates')).toEqual([{ siteId: 'testsite-2', section: 'gates', id: 'gate-1', change: 'added' }]);
  });

  it('never carries a secret or a hash', () => {
    const diff = diffSites([before], [after((t) => t.replace('secret: secret-gate-1', `secretHash: '${HASH}'`))]);
    expect(JSON.stringify(diff)).not.toMatch(/secret-gate-1|argon2/);
  });
});

describe(evictedDevices.name, () => {
  it('lists the devices removed, moved to another kind (once) or re-keyed, not those added or renamed', () => {
    const edited = after((t) =>
      t
        .replace(/dispensers:\n {2}- \{ id: soap-1.*\n/, 'dispensers: []\n')
        .replace('  - { id: cp-2,', '  - { id: soap-1, name: 新点, x: 1, y: 1, secret: secret-soap-1 }\n  - { id: cp-2,')
        .replace('secret: secret-gate-1', 'secret: secret-gate-1-rotated')
        .replace('name: 1号锅炉', 'name: 1号锅炉（新）')
        .replace('dispensers: []\n', 'dispensers:\n  - { id: soap-2, name: 二楼洗手液, consumable: soap, secret: secret-soap-two }\n'),
    );
    expect(evictedDevices(diffSites([before], [edited]))).toEqual([
      { siteId: 'testsite', deviceId: 'gate-1', why: 'rekeyed' },
      { siteId: 'testsite', deviceId: 'soap-1', why: 'removed' },
    ]);
  });
});
