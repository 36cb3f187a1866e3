// Entry point: `npx tsx bench/reports-bench.ts`. The server's Nest classes use parameter
// decorators, which tsx compiles only with experimentalDecorators: the root tsconfig does not set
// it, bench/tsconfig.json does. So this runs bench/reports-bench.run.ts under that tsconfig.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const result = spawnSync(process.execPath, [...process.execArgv, join(__dirname, 'reports-bench.run.ts')], {
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: join(__dirname, 'tsconfig.json') },
});
process.exit(result.status ?? 1);
