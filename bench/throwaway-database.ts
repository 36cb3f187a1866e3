// A PostgreSQL database of a bench's own on the server at `pgUrl`, dropped after: `f` gets its URL.
// Undefined (and a line saying so) when that server cannot be reached, so a bench skips its rows.
import { Client } from 'pg';

export async function withThrowawayDatabase<T>(pgUrl: string, prefix: string, f: (url: string) => Promise<T>): Promise<T | undefined> {
  const admin = new Client({ connectionString: pgUrl });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`PostgreSQL at ${pgUrl} not reachable (${(error as Error).message}): skipped`);
    return undefined;
  }
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`; // generated, never input
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return await f(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
