// What the connection banner says. Socket.IO keeps retrying forever; after a short grace the
// operator must be told plainly that what they see is no longer live.
export type LinkState = 'idle' | 'connecting' | 'connected' | 'reconnecting';
export type BannerLevel = 'ok' | 'pending' | 'warn' | 'down';

/** Past this, "reconnecting" (amber) becomes "disconnected" (red). */
export const DISCONNECTED_AFTER_MS = 15_000;

export function bannerLevel(link: LinkState, since: number, now: number): BannerLevel {
  switch (link) {
    case 'connected':
      return 'ok';
    case 'idle':
    case 'connecting':
      return 'pending';
    case 'reconnecting':
      return now - since >= DISCONNECTED_AFTER_MS ? 'down' : 'warn';
  }
}

/** Past this the control room is told its screens lag the devices (issue 9: "behind by …"). */
export const BEHIND_AFTER_MS = 5_000;

export type PipelineIssue =
  | { kind: 'behind'; lagMs: number; waiting: number }
  | { kind: 'failed'; handler: string; count: number };

interface PipelineHealth {
  lagMs?: number;
  handlers?: { name: string; stored: number; applied: number; failed: number }[];
}

/**
 * What the message handlers' state means for an operator: screens behind the devices (the
 * slowest handler's wait, and how many messages still wait), and messages a handler gave up on.
 */
export function pipelineIssues(health: PipelineHealth | null): PipelineIssue[] {
  if (!health) return [];
  const out: PipelineIssue[] = [];
  const handlers = health.handlers ?? [];
  const lagMs = health.lagMs ?? 0;
  if (lagMs >= BEHIND_AFTER_MS) {
    out.push({ kind: 'behind', lagMs, waiting: handlers.reduce((n, h) => Math.max(n, h.stored - h.applied), 0) });
  }
  for (const h of handlers) if (h.failed > 0) out.push({ kind: 'failed', handler: h.name, count: h.failed });
  return out;
}
