import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parseSiteConfig, SiteConfigError, type SiteConfig } from '@estate-watch/contracts';
import { problemLine } from './problem-line';
import { resolvePlan } from './site-plan';

/** The bundled demo estate in the repository's top-level demo/ (CONTRACT §7: SITE_CONFIG unset); from src/sites and dist/sites alike. */
export const DEMO_SITE_FILE = resolve(__dirname, '../../../../demo/lakeside-garden.yaml');

export interface LoadedSite {
  file: string;
  config: SiteConfig;
}

/** One thing wrong in the site files: the file, the line when it can be told, and what is wrong (with its path in the file). */
export interface SiteFileProblem {
  file: string;
  line?: number;
  problem: string;
}

/** Reads a site file or every *.yaml / *.yml in a folder. Throws SiteConfigError; nothing starts on error. */
export function loadSiteFiles(path: string): LoadedSite[] {
  const read = readSiteFiles(path);
  if (read.errors.length > 0) throw read.errors[0];
  return read.sites;
}

/**
 * Every file read and checked, every problem kept (a reload answers with all of them, not the
 * first); `sites` is complete only when `errors` is empty.
 */
export function readSiteFiles(path: string): { sites: LoadedSite[]; errors: SiteConfigError[]; problems: SiteFileProblem[] } {
  const errors: SiteConfigError[] = [];
  const sites: LoadedSite[] = [];
  const texts = new Map<string, string>();
  let stat;
  try {
    stat = statSync(path);
  } catch {
    errors.push(new SiteConfigError(path, ['no such file or folder (SITE_CONFIG)']));
    return { sites, errors, problems: flatten(errors, texts) };
  }
  const files = stat.isDirectory()
    ? readdirSync(path)
        .filter((f) => ['.yaml', '.yml'].includes(extname(f)))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) errors.push(new SiteConfigError(path, ['folder holds no .yaml or .yml site file']));
  for (const file of files) {
    try {
      const text = readFileSync(file, 'utf8');
      texts.set(file, text);
      sites.push({ file, config: resolvePlan(file, parseSiteConfig(text, file)) });
    } catch (error) {
      errors.push(error instanceof SiteConfigError ? error : new SiteConfigError(file, [`cannot read: ${(error as Error).message}`]));
    }
  }
  const seen = new Map<string, string>();
  for (const { file, config } of sites) {
    const other = seen.get(config.site.id);
    if (other) errors.push(new SiteConfigError(file, [`site.id: "${config.site.id}" is already defined in ${other}`]));
    seen.set(config.site.id, file);
  }
  return { sites, errors, problems: flatten(errors, texts) };
}

function flatten(errors: readonly SiteConfigError[], texts: ReadonlyMap<string, string>): SiteFileProblem[] {
  return errors.flatMap((e) =>
    e.problems.map((problem) => {
      const text = texts.get(e.file);
      const line = text === undefined ? undefined : problemLine(text, problem);
      return line === undefined ? { file: e.file, problem } : { file: e.file, line, problem };
    }),
  );
}
