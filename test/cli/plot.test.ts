import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../src/eval/plot.js';

const colourOf = (svg: string, name: string) => [...svg.matchAll(/<text [^>]*fill="(#[0-9a-f]{6})">([^<]*)<\/text>/g)].filter((m) => m[2] === name).map((m) => m[1]);

describe('lineChartSvg', () => {
  it('a series keeps its colour in every panel, whatever the other panels hold', () => {
    const pts: [number, number][] = [[1, 0.5], [4, 0.4], [7, 0.3]];
    const svg = lineChartSvg(
      [
        { title: 'a', series: [{ name: 'DeepJSCC', points: pts }, { name: 'faces', points: pts }, { name: 'JPEG', points: pts }] },
        { title: 'b', series: [{ name: 'DeepJSCC', points: pts }, { name: 'JPEG', points: pts }] },
      ],
      'SNR (dB)',
    );
    for (const name of ['DeepJSCC', 'JPEG']) {
      const cs = colourOf(svg, name);
      expect(cs, name).toHaveLength(2);
      expect(new Set(cs).size, name).toBe(1);
    }
    expect(colourOf(svg, 'JPEG')[0]).not.toBe(colourOf(svg, 'DeepJSCC')[0]);
  });

  it('the legend sits below the plot area, the picture tall enough for the longest legend', () => {
    const series = ['a', 'b', 'c', 'd', 'e'].map((name, i) => ({ name, points: [[0, i], [1, i + 1]] as [number, number][] }));
    const svg = lineChartSvg([{ title: 't', series }], 'x');
    const height = Number(svg.match(/height="(\d+)"/)![1]);
    const legendYs = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" fill=/g)].map((m) => Number(m[1]));
    expect(legendYs).toHaveLength(5);
    expect(Math.min(...legendYs)).toBeGreaterThan(220); // under the axes (panel height 220)
    expect(Math.max(...legendYs)).toBeLessThan(height);
  });
});
