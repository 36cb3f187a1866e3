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
