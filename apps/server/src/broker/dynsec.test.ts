import { describe, expect, it } from 'vitest';
import { packCommands } from './dynsec-admin';
import { deviceRole, dynsecChanges, harmlessDynsecError, serverRole, type DynsecDevice } from './dynsec';
import { deviceChanges } from './external-reload';
import type { SiteChange } from '../sites/site-diff';
import type { SiteDevice } from '../sites/sites.service';

const pump: DynsecDevice = { siteId: 'lakeside', id: 'pump-1', kind: 'sensor', name: '2号水泵' };

describe('dynamic-security users from the site files', () => {
  it("a device's role: its own upstream streams out, its own cmd in, nothing else", () => {
    expect(deviceRole(pump)).toEqual({
      rolename: 'device:lakeside:pump-1',
      acls: [
        { acltype: 'publishClientSend', topic: 'estate/v1/lakeside/sensor/pump-1/event', allow: true },
        { acltype: 'publishClientSend', topic: 'estate/v1/lakeside/sensor/pump-1/telemetry', allow: true },
        { acltype: 'publishClientSend', topic: 'estate/v1/lakeside/sensor/pump-1/status', allow: true },
        { acltype: 'publishClientSend', topic: 'estate/v1/lakeside/sensor/pump-1/ack', allow: true },
        { acltype: 'subscribePattern', topic: 'estate/v1/lakeside/sensor/pump-1/cmd', allow: true },
      ],
    });
  });

  it("the server's role may send the plugin commands and read its answers (Mosquitto needs publishClientReceive for them)", () => {
    expect(serverRole().acls.filter((a) => a.topic.startsWith('$CONTROL')).map((a) => a.acltype)).toEqual(['publishClientSend', 'subscribePattern', 'publishClientReceive']);
  });

  it.each([
    ['removed only: user and role deleted', [pump], [], ['deleteClient lakeside:pump-1', 'deleteRole device:lakeside:pump-1']],
    ['added: whatever a stale file held is deleted, then created', [], [pump], ['deleteClient lakeside:pump-1', 'deleteRole device:lakeside:pump-1', 'createRole device:lakeside:pump-1', 'createClient lakeside:pump-1']],
    ['moved to another kind (removed and added): deleted once, created once', [pump], [{ ...pump, kind: 'gate' as const }], ['deleteClient lakeside:pump-1', 'deleteRole device:lakeside:pump-1', 'createRole device:lakeside:pump-1', 'createClient lakeside:pump-1']],
    ['nothing changed: no command', [], [], []],
  ])('%s', (_name, removed, added, expected) => {
    const { commands } = dynsecChanges(removed, added, () => 'secret-Pq8wLm3x');
    expect(commands.map((c) => `${c.command} ${String(c.username ?? c.rolename)}`)).toEqual(expected);
  });

  it('a device with only a secretHash cannot be given to the broker: listed, not created', () => {
    const { commands, withoutSecret } = dynsecChanges([], [pump], () => undefined);
    expect(withoutSecret).toEqual([pump]);
    expect(commands.map((c) => c.command)).toEqual(['deleteClient', 'deleteRole']);
  });

  it.each([
    ['deleteClient', 'Client not found', true],
    ['deleteRole', 'Role not found', true],
    ['createClient', 'Client already exists', true],
    ['createRole', 'Role already exists', true],
    ['createClient', 'Role not found', false],
    ['createRole', 'Invalid/missing acls', false],
  ])('%s answered %s: harmless %s', (command, error, harmless) => {
    expect(harmlessDynsecError(command, error)).toBe(harmless);
  });

  it('packs commands under the packet cap, in order, never an empty packet', () => {
    const commands = Array.from({ length: 100 }, (_, i) => ({ command: 'deleteClient', username: `lakeside:device-${String(i).padStart(3, '0')}` }));
    const packets = packCommands(commands, 1_000);
    expect(packets.flat()).toEqual(commands);
    for (const p of packets) expect(p.length).toBeGreaterThan(0);
    for (const p of packets) expect(JSON.stringify({ commands: p }).length).toBeLessThanOrEqual(1_000);
    expect(packCommands([])).toEqual([]);
  });

  it("a reload's device changes: removed, added, re-keyed, moved to another section", () => {
    const now = new Map<string, SiteDevice>([
      ['lakeside/pump-1', { siteId: 'lakeside', id: 'pump-1', kind: 'sensor', name: 'p', secret: 's' }],
      ['lakeside/gate-1', { siteId: 'lakeside', id: 'gate-1', kind: 'gate', name: 'g', secret: 's2' }],
      ['lakeside/x-1', { siteId: 'lakeside', id: 'x-1', kind: 'gate', name: 'x', secret: 's3' }],
    ]);
    const changes: SiteChange[] = [
      { siteId: 'lakeside', section: 'sensors', id: 'pump-1', change: 'added' },
      { siteId: 'lakeside', section: 'gates', id: 'gate-1', change: 'rekeyed' },
      { siteId: 'lakeside', section: 'dispensers', id: 'soap-1', change: 'removed' },
      { siteId: 'lakeside', section: 'sensors', id: 'x-1', change: 'removed' },
      { siteId: 'lakeside', section: 'gates', id: 'x-1', change: 'added' },
      { siteId: 'lakeside', section: 'routes', id: 'r1', change: 'changed' },
    ];
    const { removed, added } = deviceChanges({ changes } as never, (siteId, id) => now.get(`${siteId}/${id}`));
    expect(removed.map((d) => d.id)).toEqual(['soap-1']);
    expect(added.map((d) => `${d.id}:${d.kind}`)).toEqual(['pump-1:sensor', 'gate-1:gate', 'x-1:gate']);
  });
});
