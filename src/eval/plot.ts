// A small SVG line chart: one panel per metric, one line per method.

export interface Panel {
  title: string;
  series: { name: string; points: [number, number][] }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f'];

const escapeXml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface ChartOptions {
  /** An x tick's label (default: the number as is). */
  xTick?: (v: number) => string;
  /** A line above the panels (e.g. the channel the curves were measured on). */
  heading?: string;
}

export function lineChartSvg(panels: Panel[], xLabel: string, { xTick = String, heading }: ChartOptions = {}): string {
  const pw = 320, ph = 220, m = { l: 50, r: 15, t: 30, b: 40 };
  const W = panels.length * pw;
  const top = heading ? 20 : 0;
  // a series keeps its colour in every panel (by name, in order of first appearance); the legend sits in a
  // band under each panel's axis label, clear of the lines
  const colourOf = new Map<string, string>();
  for (const s of panels.flatMap((p) => p.series)) if (!colourOf.has(s.name)) colourOf.set(s.name, COLORS[colourOf.size % COLORS.length]);
  const legendRows = Math.max(0, ...panels.map((p) => p.series.length));
  const height = ph + 20 + top + 14 * legendRows + 6;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif" font-size="11">`];
  if (heading) parts.push(`<text x="${W / 2}" y="14" text-anchor="middle" font-weight="bold" font-size="12">${escapeXml(heading)}</text>`);
  if (heading) parts.push(`<g transform="translate(0, ${top})">`);
  panels.forEach((p, k) => {
    const all = p.series.flatMap((s) => s.points);
    const xs = all.map((q) => q[0]), ys = all.map((q) => q[1]);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    if (y1 - y0 < 1e-9) { y0 -= 0.5; y1 += 0.5; }
    const pad = (y1 - y0) * 0.1;
    y0 -= pad; y1 += pad;
    const X = (v: number) => k * pw + m.l + ((v - x0) / Math.max(1e-9, x1 - x0)) * (pw - m.l - m.r);
    const Y = (v: number) => m.t + (1 - (v - y0) / (y1 - y0)) * (ph - m.t - m.b);
    parts.push(`<text x="${k * pw + pw / 2}" y="16" text-anchor="middle" font-weight="bold">${escapeXml(p.title)}</text>`);
    parts.push(`<line x1="${X(x0)}" y1="${Y(y0)}" x2="${X(x1)}" y2="${Y(y0)}" stroke="#333"/><line x1="${X(x0)}" y1="${Y(y0)}" x2="${X(x0)}" y2="${Y(y1)}" stroke="#333"/>`);
    for (const v of [...new Set(xs)]) parts.push(`<text x="${X(v)}" y="${Y(y0) + 14}" text-anchor="middle">${escapeXml(xTick(v))}</text>`);
    for (let i = 0; i <= 4; i++) {
      const v = y0 + ((y1 - y0) * i) / 4;
      parts.push(`<text x="${X(x0) - 4}" y="${Y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`);
    }
    parts.push(`<text x="${k * pw + pw / 2}" y="${ph + 10}" text-anchor="middle">${xLabel}</text>`);
    p.series.forEach((s, i) => {
      const c = colourOf.get(s.name)!;
      parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${s.points.map(([x, y]) => `${X(x)},${Y(y)}`).join(' ')}"/>`);
      for (const [x, y] of s.points) parts.push(`<circle cx="${X(x)}" cy="${Y(y)}" r="3" fill="${c}"/>`);
      const ly = ph + 24 + 14 * i;
      parts.push(`<line x1="${k * pw + m.l}" y1="${ly - 4}" x2="${k * pw + m.l + 16}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/>`);
      parts.push(`<text x="${k * pw + m.l + 20}" y="${ly}" fill="${c}">${escapeXml(s.name)}</text>`);
    });
  });
  if (heading) parts.push('</g>');
  parts.push('</svg>');
  return parts.join('\n');
}
