// The site plan image (issue 12 point 6): named in the site file relative to that file, checked at
// start-up like every other config error (CONTRACT §2: nothing starts), served by GET /api/sites/{id}/plan.
import { statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { SiteConfigError, type SiteConfig } from '@estate-watch/contracts';

export const PLAN_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** Largest plan served: a site plan is a drawing, not a satellite photo. */
const MAX_PLAN_BYTES = 10 * 1024 * 1024;

/** The site file's config with `plan.image` made absolute; throws SiteConfigError naming `plan.image` when the file is not there. */
export function resolvePlan(siteFile: string, config: SiteConfig): SiteConfig {
  if (!config.plan) return config;
  const image = isAbsolute(config.plan.image) ? config.plan.image : resolve(dirname(siteFile), config.plan.image);
  let size: number;
  try {
    const stat = statSync(image);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw new SiteConfigError(siteFile, [`plan.image: no file ${image} (the path is relative to the site file)`]);
  }
  if (size > MAX_PLAN_BYTES) throw new SiteConfigError(siteFile, [`plan.image: ${image} is ${size} bytes; at most ${MAX_PLAN_BYTES}`]);
  if (!PLAN_CONTENT_TYPES[extname(image).toLowerCase()]) throw new SiteConfigError(siteFile, [`plan.image: ${image} is not .svg, .png, .jpg or .webp`]);
  return { ...config, plan: { ...config.plan, image } };
}
