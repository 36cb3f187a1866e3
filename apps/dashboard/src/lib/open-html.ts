// The printable duty log needs the bearer header like every other call (a ?token= would put a
// 12-hour token into history and logs: apps/server/src/reports/README.md), so it is fetched
// here and opened as a blob in a new tab.

/**
 * Opens the HTML that `load` fetches in a new tab. The tab is opened at the click, before the
 * fetch, because a popup blocker lets through only what a user gesture opens.
 */
export async function openHtmlInNewTab(load: () => Promise<string>): Promise<void> {
  const tab = window.open('', '_blank');
  if (tab) tab.opener = null;
  try {
    const html = await load();
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
    if (tab) tab.location.href = url;
    else window.open(url, '_blank');
    // The tab has loaded it by then; the blob need not outlive that.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    tab?.close();
    throw err;
  }
}
