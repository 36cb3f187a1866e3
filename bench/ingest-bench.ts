// Entry point: `npx tsx bench/ingest-bench.ts`. The server's Nest classes use parameter
// decorators, which tsx compiles only with experimentalDecorators: the root tsconfig does not
// set it, bench/tsconfig.json does. So this re-runs the benchmark under that tsconfig.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Default (issue 11.5): raw Mosquitto against the server path with 1 and 3 servers
// (ingest-bench-cluster.ts); BENCH=embedded: the embedded broker and PGlite / PostgreSQL in-process.
const file = process.env.BENCH === 'embedded' ? 'ingest-bench.run.ts' : 'ingest-bench-cluster.ts';
const result = spawnSync(process.execPath, [...process.execArgv, join(__dirname, file)], {
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: join(__dirname, 'tsconfig.json') },
});
process.exit(result.status ?? 1);
