import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parseSiteConfig, type SiteConfig } from '@estate-watch/contracts';

/**
 * The bundled demo estate, in the repository's top-level `demo/` (the server loads it by default,
 * CONTRACT §7). The simulator only reads the file; it does not depend on the server package.
 */
export const DEMO_SITE_FILE = resolve(__dirname, '../../demo/lakeside-garden.yaml');

/** Reads and validates one site file; throws SiteConfigError naming file, path and problem. */
export function loadSiteFile(path: string = DEMO_SITE_FILE): SiteConfig {
  return parseSiteConfig(readFileSync(path, 'utf8'), path);
}

/** A site file, or every *.yaml / *.yml in a folder (as SITE_CONFIG names them, CONTRACT §2), in name order. */
export function loadSiteFiles(path: string): SiteConfig[] {
  if (!statSync(path).isDirectory()) return [loadSiteFile(path)];
  return readdirSync(path)
    .filter((f) => ['.yaml', '.yml'].includes(extname(f)))
    .sort()
    .map((f) => loadSiteFile(join(path, f)));
}
