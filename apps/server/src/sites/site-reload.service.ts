// Issue 13 point 5 — the site files edited while the server runs take effect when it is told
// (SIGHUP, or POST /api/sites/reload by an admin). Every file is read and checked first: a bad
// file, or a site gone from the files, changes nothing and every problem is said. Then the new
// files are written to the database and put in force at once (SitesService.replace), whose
// followers cut removed and re-keyed devices off (BrokerService), rebuild the sensor index
// (EquipmentService) and re-plan rounds not yet started (PatrolService). Audited either way.
import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SiteConfig } from '@estate-watch/contracts';
import { AuditService } from '../audit/audit.service';
import { ENV, type Env } from '../config/env';
import { DEMO_SITE_FILE, readSiteFiles, type SiteFileProblem } from './load-site-files';
import { diffSites, evictedDevices, type SiteChange } from './site-diff';
import { SitesService } from './sites.service';

/** Who asked: an admin over HTTP, or the operator's SIGHUP (no user). */
export interface ReloadRequest {
  trigger: 'api' | 'SIGHUP';
  actor?: string;
  address?: string;
}

export type ReloadOutcome =
  | { ok: true; revision: number; changes: SiteChange[]; disconnected: { siteId: string; deviceId: string; why: 'removed' | 'rekeyed' }[] }
  | { ok: false; problems: SiteFileProblem[] };

@Injectable()
export class SiteReloadService {
  private readonly log = new Logger('Sites');
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sites: SitesService,
    private readonly audit: AuditService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** The file or folder read: SITE_CONFIG, or the bundled demo site. */
  get source(): string {
    return this.env.siteConfig ?? DEMO_SITE_FILE;
  }

  /** One reload at a time: a SIGHUP and an admin's call at once would otherwise diff against a half-applied state. */
  reload(request: ReloadRequest): Promise<ReloadOutcome> {
    const run = this.tail.then(() => this.reloadOnce(request));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async reloadOnce(request: ReloadRequest): Promise<ReloadOutcome> {
    const read = readSiteFiles(this.source);
    const configs = read.sites.map((s) => s.config);
    const problems = [...read.problems];
    if (problems.length === 0) problems.push(...this.sitesGone(configs, read.sites));
    if (problems.length > 0) {
      await this.record(request, 'invalid', { problems: problems.map(located) });
      this.log.warn(`site files not reloaded (${request.trigger}), nothing changed: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.map(located).join('\n  ')}`);
      return { ok: false, problems };
    }
    const diff = diffSites(this.sites.all(), configs);
    if (diff.changes.length > 0) {
      // Database first: if it fails, the old files stay in force everywhere.
      await this.sites.syncToDatabase(configs);
    }
    const { revision } = diff.changes.length > 0 ? this.sites.replace(configs) : { revision: this.sites.revision };
    const disconnected = evictedDevices(diff);
    await this.record(request, 'ok', { changes: diff.changes, sites: fingerprints(configs) });
    this.log.log(`site files reloaded (${request.trigger}${request.actor ? ` by ${request.actor}` : ''}): ${summary(diff.changes)}`);
    return { ok: true, revision, changes: diff.changes, disconnected };
  }

  /**
   * A site missing from the files (removed, or its id renamed) is refused: its rounds, alerts,
   * work orders and device history would be orphaned under a server still running, and a rename
   * cannot be told from a removal plus a new site. Removing a site takes a restart, deliberately.
   */
  private sitesGone(configs: readonly SiteConfig[], files: readonly { file: string; config: SiteConfig }[]): SiteFileProblem[] {
    const now = new Set(configs.map((c) => c.site.id));
    const added = files.filter((f) => !this.sites.site(f.config.site.id));
    return this.sites
      .all()
      .filter((s) => !now.has(s.site.id))
      .map((s) => ({
        file: this.source,
        problem:
          `site "${s.site.id}" is no longer in the site files` +
          (added.length > 0 ? ` (${added.map((a) => `"${a.config.site.id}" in ${a.file}`).join(', ')} is new: renaming a site id is not done by a reload)` : '') +
          ': removing or renaming a site takes a restart; put it back to reload the rest',
      }));
  }

  private record(request: ReloadRequest, outcome: 'ok' | 'invalid', details: Record<string, unknown>): Promise<void> {
    return this.audit.record({ action: 'config.reloaded', actor: request.actor, address: request.address, outcome, details: { trigger: request.trigger, source: this.source, ...details } });
  }
}

function located(p: SiteFileProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.problem}`;
}

/** "2 devices added, 1 re-keyed, 1 limit changed" for the log; the audit entry and the answer list each change. */
function summary(changes: readonly SiteChange[]): string {
  if (changes.length === 0) return 'nothing changed';
  const counts = new Map<string, number>();
  for (const c of changes) {
    const label = `${c.section} ${c.change}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${label}: ${n}`).join(', ');
}

function fingerprints(configs: readonly SiteConfig[]): { id: string; sha256: string }[] {
  return configs.map((s) => ({ id: s.site.id, sha256: createHash('sha256').update(JSON.stringify(s)).digest('hex') }));
}
