import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSiteConfig, type SiteConfig } from '@estate-watch/contracts';

/**
 * The bundled demo estate. It lives with the server that loads it by default (CONTRACT §7);
 * the simulator only reads the file, it does not depend on the server package.
 */
export const DEMO_SITE_FILE = resolve(__dirname, '../../apps/server/demo/lakeside-garden.yaml');

/** Reads and validates one site file; throws SiteConfigError naming file, path and problem. */
export function loadSiteFile(path: string = DEMO_SITE_FILE): SiteConfig {
  return parseSiteConfig(readFileSync(path, 'utf8'), path);
}
