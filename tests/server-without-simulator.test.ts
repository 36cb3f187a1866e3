// Issue 10 point 6: the server has no dependency on the simulator (package.json, tsconfig references,
// imports); the demo's virtual devices are a process of their own that connects over MQTT. Both read
// the one demo site file in the repository's top-level demo/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SITE_FILE as SERVER_DEMO_FILE } from '../apps/server/src/sites/load-site-files';
import { DEMO_SITE_FILE as SIMULATOR_DEMO_FILE } from '../firmware-sim/src/site-files';

const ROOT = resolve(__dirname, '..');
const SERVER = join(ROOT, 'apps/server');
const SIMULATOR = /firmware-sim/;

/** Every module specifier a TypeScript source names: static and type imports, re-exports, import() and require(). */
function moduleSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

describe(moduleSpecifiers.name, () => {
  // The scan below is only as good as this: each way of naming a module is seen.
  it.each([
    { source: "import { startSimulator } from '@estate-watch/firmware-sim';", expected: ['@estate-watch/firmware-sim'] },
    { source: 'import type { SimLog } from "@estate-watch/firmware-sim";', expected: ['@estate-watch/firmware-sim'] },
    { source: "export * from '../../../firmware-sim/src/simulator';", expected: ['../../../firmware-sim/src/simulator'] },
    { source: "import '@estate-watch/firmware-sim/dist/cli/main';", expected: ['@estate-watch/firmware-sim/dist/cli/main'] },
    { source: "const sim = await import('@estate-watch/firmware-sim');", expected: ['@estate-watch/firmware-sim'] },
    { source: "const sim = require('@estate-watch/firmware-sim');", expected: ['@estate-watch/firmware-sim'] },
    { source: "import {\n  a,\n  b,\n} from './multi-line';", expected: ['./multi-line'] },
    { source: '// the simulator (firmware-sim) is another process', expected: [] },
  ])('$source → $expected', ({ source, expected }) => {
    expect(moduleSpecifiers(source)).toEqual(expected);
  });
});

describe('the server without the simulator', () => {
  it('apps/server/package.json lists no firmware-sim dependency of any kind', () => {
    const pkg = JSON.parse(readFileSync(join(SERVER, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const names = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => Object.keys(pkg[k] ?? {}));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => SIMULATOR.test(n))).toEqual([]);
  });

  it('apps/server/tsconfig.json references no firmware-sim project', () => {
    const tsconfig = JSON.parse(readFileSync(join(SERVER, 'tsconfig.json'), 'utf8')) as { references?: Array<{ path: string }> };
    expect((tsconfig.references ?? []).map((r) => r.path).filter((p) => SIMULATOR.test(p))).toEqual([]);
  });

  it('no source file of apps/server imports firmware-sim', () => {
    const files = sourceFiles(join(SERVER, 'src'));
    expect(files.length).toBeGreaterThan(100);
    const imports = files.flatMap((file) =>
      moduleSpecifiers(readFileSync(file, 'utf8'))
        .filter((s) => SIMULATOR.test(s))
        .map((s) => `${relative(ROOT, file)}: ${s}`),
    );
    expect(imports).toEqual([]);
  });

  it('the server and the simulator default to the one demo site file, in the top-level demo/', () => {
    const demo = join(ROOT, 'demo/lakeside-garden.yaml');
    expect(SERVER_DEMO_FILE).toBe(demo);
    expect(SIMULATOR_DEMO_FILE).toBe(demo);
    expect(existsSync(demo)).toBe(true);
    expect(existsSync(join(ROOT, 'apps/server/demo'))).toBe(false);
  });
});
