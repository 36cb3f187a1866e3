// The site's zone as a promise (issue 10 point 2): a screen whose default is "the site's today"
// (the reports) waits for the zone instead of starting from this browser's day, which is another
// day for hours of every day in a zone far away (at 03:00 in Shanghai a UTC machine is on yesterday).
import { watch, type WatchSource } from 'vue';
import { browserZone } from './dates';

/**
 * Resolves with the zone once `zone` gives one (at once when it already does: the zones remembered
 * from the last visit). Should the site list fail to load (`failed` truthy) it resolves with this
 * browser's zone, so a screen is never left waiting: its own request will show the error.
 */
export function whenZoneKnown(zone: WatchSource<string | undefined>, failed: WatchSource<unknown>, fallback: () => string = browserZone): Promise<string> {
  return new Promise((resolve) => {
    let done = false;
    let stop: (() => void) | undefined;
    stop = watch(
      [zone, failed],
      ([known, error]) => {
        if (done || (!known && !error)) return;
        done = true;
        stop?.();
        resolve(known || fallback());
      },
      { immediate: true, flush: 'sync' },
    );
    if (done) stop();
  });
}
