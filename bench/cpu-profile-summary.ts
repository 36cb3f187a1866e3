// Where a `--cpu-prof` profile's time went (the benches' CPU_PROF=dir): self time summed by
// function and by file (a package in node_modules counts as one file), largest first.
//
//   npx tsx bench/cpu-profile-summary.ts dir/CPU.….cpuprofile [top=40] [from-s] [to-s]
//
// It first prints the busy milliseconds of each second of the profile (start-up and migrations
// are in it too); `from-s`/`to-s` (seconds since the profile began) keep only a bench row's stretch.
//
// Self time is a node's samples × the interval before each: what the function itself ran, not
// what it called. "(program)" is V8 and native work outside JS, "(garbage collector)" GC.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** node_modules/@scope/pkg/… or node_modules/pkg/… → the package; our files relative to the repo. */
export function fileOf(url: string): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const repo = path.search(/\/(apps|libs|firmware-sim)\//);
  return repo >= 0 ? path.slice(repo + 1) : path;
}

const IDLE = '(idle)';

export function summarize(profile: Profile, fromS = 0, toS = Infinity): { totalMs: number; byFunction: Map<string, number>; byFile: Map<string, number>; busyPerSecond: number[] } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const busyPerSecond: number[] = [];
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const second = Math.floor(at / 1e6);
    if ((nodes.get(id) as ProfileNode).callFrame.functionName !== IDLE) busyPerSecond[second] = (busyPerSecond[second] ?? 0) + delta / 1000;
    if (at / 1e6 < fromS || at / 1e6 >= toS) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = (nodes.get(id) as ProfileNode).callFrame;
    const file = fileOf(frame.url);
    const fn = `${frame.functionName || '(anonymous)'} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us / 1000);
    if (frame.functionName !== IDLE) byFile.set(file, (byFile.get(file) ?? 0) + us / 1000);
    total += us / 1000;
  }
  return { totalMs: total, byFunction, byFile, busyPerSecond: Array.from(busyPerSecond, (x) => x ?? 0) };
}

function print(title: string, values: Map<string, number>, total: number, top: number): void {
  console.log(`\n${title}`);
  for (const [name, ms] of [...values].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`);
  }
}

if (require.main === module) {
  const [file, topArg, fromArg, toArg] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/cpu-profile-summary.ts file.cpuprofile [top]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const { totalMs, byFunction, byFile, busyPerSecond } = summarize(profile, Number(fromArg ?? 0), Number(toArg ?? Infinity));
  console.log('busy ms in each second:', busyPerSecond.map((ms, s) => `${s}:${ms.toFixed(0)}`).join(' '));
  const busy = totalMs - (byFunction.get(`${IDLE} (native)`) ?? 0);
  console.log(`${file}: ${(totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s not idle`);
  const top = Number(topArg ?? 40);
  print('self time by file', byFile, busy, top);
  print('self time by function', byFunction, busy, top);
}
