// The server's process: the demo on the embedded broker and database unless the environment says otherwise.
// `npm start` runs it beside the simulator's process (scripts/start.mjs).
import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { SiteConfigError } from '@estate-watch/contracts';
import { startServer, type RunningServer } from './bootstrap';
import { EnvError } from './config/env';
import { DEMO_SITE_FILE } from './sites/load-site-files';

/**
 * Told to a supervising parent once the server answers (npm start's launcher, scripts/start.mjs,
 * starts the simulator on it): where it listens, the site files, and whether this deployment
 * wants the simulator (CONTRACT §7: on in the demo, else SIMULATOR=on).
 */
export interface ServerReady {
  type: 'ready';
  httpUrl: string;
  mqttUrl: string;
  siteConfig: string;
  demo: boolean;
  simulator: boolean;
}

/**
 * After a full collection V8 lets the old generation grow to up to 4 × what survived before it
 * collects again. With 10,000 devices connected about 170 MB survive and the heap reached
 * 550–740 MB between collections: RSS 1.1–1.6 GiB with PGlite's ~200 MB beside it (issue 9.5
 * asks for under 1 GiB). 1.5 × what survived keeps the heap near 250 MB for a full collection
 * every ~10 s under that load (~50 ms each, mostly incremental). A `--heap-growing-percent` given
 * on the command line wins.
 */
const HEAP_GROWING_PERCENT = 50;

async function main(): Promise<void> {
  if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  let server: RunningServer | undefined;
  let stopping = false;
  // Issue 13 point 5: `kill -HUP` reloads the site files; a bad file changes nothing (both logged).
  // Registered first: SIGHUP's default would end a server still starting.
  process.on('SIGHUP', () => {
    if (stopping) return;
    if (!server) return console.warn('SIGHUP ignored: the server is still starting; send it again once it is ready');
    server.reloadSites().catch((error: unknown) => console.error('SIGHUP: site files not reloaded:', error));
  });
  try {
    server = await startServer();
  } catch (error) {
    // Known start-up problems get one clear message and no stack: nothing starts.
    if (error instanceof SiteConfigError || error instanceof EnvError || (error as { code?: string }).code === 'EADDRINUSE') {
      console.error(`Estate Watch did not start.\n${(error as Error).message}`);
    } else {
      console.error('Estate Watch did not start:', error);
    }
    process.exit(1);
  }
  const running = server;
  const ready: ServerReady = {
    type: 'ready',
    httpUrl: running.httpUrl,
    mqttUrl: running.env.mqttUrl ?? `mqtt://127.0.0.1:${running.mqttPort}`,
    siteConfig: running.env.siteConfig ?? DEMO_SITE_FILE,
    demo: running.env.demo,
    simulator: running.env.simulator,
  };
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Started by npm start's launcher: its IPC channel closing means the launcher is gone (even kill -9); stop rather than run on unseen.
  process.once('disconnect', () => void stop('launcher gone'));
  process.send?.(ready);
}

void main();
