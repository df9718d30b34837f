// The page's download meter: one bar for every model being fetched (lazily, when a method first needs it),
// with the file names and bytes so far. Fed by fetchSource's progress reports.
import type { DownloadProgress } from '../src/pipeline/index.js';

const MB = (n: number) => (n / 1e6).toFixed(1);

/** A progress callback that draws the downloads under way into `root` (a <progress> and a line of text) and hides it when none is. */
export function downloadMeter(root: HTMLElement): (p: DownloadProgress) => void {
  const bar = root.querySelector('progress')!;
  const text = root.querySelector('span')!;
  const active = new Map<string, DownloadProgress>();
  return (p) => {
    if (p.done) active.delete(p.url);
    else active.set(p.url, p);
    root.hidden = active.size === 0;
    if (!active.size) return;
    const all = [...active.values()];
    const loaded = all.reduce((a, d) => a + d.loaded, 0);
    const known = all.every((d) => d.total !== null);
    const total = known ? all.reduce((a, d) => a + d.total!, 0) : 0;
    if (known) {
      bar.max = total;
      bar.value = loaded;
    } else bar.removeAttribute('value'); // indeterminate: the server did not say the size
    const names = all.map((d) => d.url.replace(/^.*\//, '')).join(', ');
    text.textContent = `Downloading ${names}: ${MB(loaded)}${known ? ` of ${MB(total)}` : ''} MB`;
  };
}
