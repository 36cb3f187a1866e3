import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parseSiteConfig, SiteConfigError, type SiteConfig } from '@estate-watch/contracts';
import { resolvePlan } from './site-plan';

/** The bundled demo estate (CONTRACT §7: SITE_CONFIG unset). */
export const DEMO_SITE_FILE = resolve(__dirname, '../../demo/lakeside-garden.yaml');

export interface LoadedSite {
  file: string;
  config: SiteConfig;
}

/** Reads a site file or every *.yaml / *.yml in a folder. Throws SiteConfigError; nothing starts on error. */
export function loadSiteFiles(path: string): LoadedSite[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new SiteConfigError(path, ['no such file or folder (SITE_CONFIG)']);
  }
  const files = stat.isDirectory()
    ? readdirSync(path)
        .filter((f) => ['.yaml', '.yml'].includes(extname(f)))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new SiteConfigError(path, ['folder holds no .yaml or .yml site file']);
  const sites = files.map((file) => ({ file, config: resolvePlan(file, parseSiteConfig(readFileSync(file, 'utf8'), file)) }));
  const seen = new Map<string, string>();
  for (const { file, config } of sites) {
    const other = seen.get(config.site.id);
    if (other) throw new SiteConfigError(file, [`site.id: "${config.site.id}" is already defined in ${other}`]);
    seen.set(config.site.id, file);
  }
  return sites;
}
