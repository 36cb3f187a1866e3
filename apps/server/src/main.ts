// `npm start`: the demo on the embedded broker and database unless the environment says otherwise.
import 'reflect-metadata';
import { SiteConfigError } from '@estate-watch/contracts';
import { startServer, type RunningServer } from './bootstrap';
import { EnvError } from './config/env';

async function main(): Promise<void> {
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
}

void main();
