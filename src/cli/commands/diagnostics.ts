// `transmit --verbose / --diagnostics`: CommIN's per-step guidance values, printed, as JSON and as a plot.
import { writeFileAtomic } from '../../util/atomic_write.js';
import { lineChartSvg } from '../../eval/plot.js';
import type { StepEvent } from '../../pipeline/index.js';

export interface StepDiagnostics { i: number; t: number; innDistance: number; coarseResidual: number; guidanceRms: number }

/** FILE.json for one image; FILE_<stem>.json for each of several, so they do not overwrite each other. */
export function diagnosticsPath(file: string, stem: string, imageCount: number): string {
  return imageCount === 1 ? file : `${file.replace(/\.json$/, '')}_${stem}.json`;
}

export const svgPath = (json: string) => json.replace(/\.json$/, '') + '.svg';

/** One step's values for the batch's (single) image; null when the step read none back. */
export function stepDiagnostics({ i, t, diagnostics: d }: StepEvent): StepDiagnostics | null {
  return d ? { i, t, innDistance: d.innDistance[0], coarseResidual: d.coarseResidual[0], guidanceRms: d.guidanceRms[0] ?? 0 } : null;
}

export function printStep(s: StepDiagnostics): void {
  console.log(`  step ${s.i + 1} t=${s.t}: ‖x_inn − x̂0‖ ${s.innDistance.toFixed(3)}, ‖target − coarse(INN(x̂0))‖ ${s.coarseResidual.toFixed(3)}, guidance RMS ${s.guidanceRms.toExponential(2)}`);
}

/** The INN's own error floor (its validation coarse MSE in [0, 1], as a [−1, 1]-range norm over a coarse image), per-step values as JSON and a plot. */
export function reportDiagnostics(verbose: boolean | undefined, file: string | undefined, image: string, steps: StepDiagnostics[], innMeta: Record<string, string>, size: number): void {
  let floor: number | null = null;
  try {
    const history = JSON.parse(innMeta.history ?? '[]') as { valCoarseMse?: number }[];
    const cfg = JSON.parse(innMeta.config ?? '{}') as { levels?: number; mode?: string };
    const mse = history[history.length - 1]?.valCoarseMse;
    const side = size / (cfg.mode === 'decimated' ? 2 ** (cfg.levels ?? 0) : 1);
    if (mse !== undefined) floor = 2 * Math.sqrt(mse * 3 * side * side);
  } catch {
    floor = null;
  }
  if (verbose) console.log(`  the INN's validation error as the same norm: ${floor === null ? 'not recorded' : floor.toFixed(3)} (a coarse residual at this level is the INN's floor, not the prior's)`);
  if (!file) return;
  if (steps.length === 0) console.warn('warning: no guided steps (ζ = 0): no diagnostics to write');
  writeFileAtomic(file, JSON.stringify({ image, innErrorFloor: floor, steps }, null, 2) + '\n');
  const series = (k: keyof StepDiagnostics) => [{ name: k, points: steps.map((s) => [s.i + 1, s[k]] as [number, number]) }];
  const panels = [
    { title: '‖x_inn − x̂0‖', series: series('innDistance') },
    { title: '‖target − coarse(INN(x̂0))‖', series: floor === null ? series('coarseResidual') : [...series('coarseResidual'), { name: 'INN error floor', points: steps.map((s) => [s.i + 1, floor!] as [number, number]) }] },
    { title: 'guidance step RMS', series: series('guidanceRms') },
  ];
  writeFileAtomic(svgPath(file), lineChartSvg(panels, 'sampling step'));
}
