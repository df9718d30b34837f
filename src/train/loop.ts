// The loop the trainers share: steps with back-pressure, a progress bar (loss, images/s, ETA), periodic
// checkpoints, a time budget, a clean stop on SIGINT/SIGTERM (the caller then writes its checkpoint and exits
// with signalExitCode), and a stop with an error when the loss diverges — not finite, or over 100× its running
// level (the median of the last 20 sampled |losses|, at least 0.1) — after which nothing is saved.
import cliProgress from 'cli-progress';
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { checkDataFolder } from '../data/folder.js';
import { checkWritableFile } from '../util/output.js';
import { checkCheckpointTarget } from './checkpoint.js';
import { lockCheckpoint } from './lock.js';

/**
 * The engine a trainer runs on: a ready one, which stays the caller's, or a function that makes one once the
 * trainer has checked its arguments (so a bad argument fails before a device is opened); an engine made
 * that way is destroyed when the training ends. The `commin` command passes its createCliEngine.
 */
export type EngineSource = Engine | (() => Promise<Engine>);

/** The engine of a source, and what to call when the training is done with it. */
export async function openEngine(source: EngineSource): Promise<{ engine: Engine; release: () => void }> {
  if (typeof source === 'function') {
    const engine = await source();
    return { engine, release: () => engine.destroy() };
  }
  return { engine: source, release: () => {} };
}

/** What every trainer's start needs. */
export interface RunStart {
  out: string;
  resume: boolean;
  force?: boolean;
  data: string;
  engine: EngineSource;
  quiet?: boolean;
}

/**
 * A run's common start: the checkpoint target, the model's own check and the data folder fail here, before
 * the engine opens and the data loads; then the lock on the checkpoint (lock.ts), the engine and the run's
 * logger. `release` (call it in a finally) frees the lock and the engine.
 */
export async function startRun(o: RunStart, checkModel: () => void): Promise<{ engine: Engine; release: () => void; log: (s: string) => void }> {
  checkCheckpointTarget(o.out, o);
  checkWritableFile(o.out, 'checkpoint');
  checkModel();
  checkDataFolder(o.data);
  const unlock = lockCheckpoint(o.out);
  try {
    const { engine, release } = await openEngine(o.engine);
    return { engine, release: () => { unlock(); release(); }, log: (s: string) => void (o.quiet || console.log(s)) };
  } catch (e) {
    unlock();
    throw e;
  }
}

export interface LoopOptions {
  engine: Engine;
  name: string;
  start: number;
  steps: number;
  batch: number;
  /** Steps between calls of `checkpoint` (also called after the last step of the schedule). */
  every: number;
  /** Stop after this many seconds (0: no limit). */
  maxSeconds: number;
  quiet?: boolean;
  /** One optimisation step; returns its loss (the loop reads it now and then and disposes it). */
  step: (step: number) => Tensor;
  /** Validation and checkpoint after `step` steps; may return a line to print. */
  checkpoint: (step: number) => Promise<string | void>;
  /**
   * The loss's running level (see EXPLODED): read from the checkpoint on resume, updated by the loop, saved by
   * the trainer (checkpoint metadata `lossLevel`), so a run resumed into an explosion is judged at once.
   */
  level?: LossLevel;
}

/** The running level of the sampled losses: the median of the last LEVEL_WINDOW |loss| values (null: none sampled yet). */
export interface LossLevel { lossLevel: number | null }
const LEVEL_WINDOW = 20;
/** A loss whose magnitude is over EXPLODED × max(level, LEVEL_FLOOR) has diverged, finite or not. */
const EXPLODED = 100;
const LEVEL_FLOOR = 0.1;

/** The level a checkpoint saved (metadata lossLevel), null when absent. */
export function savedLevel(meta: Record<string, string>): LossLevel {
  const v = Number(meta.lossLevel);
  return { lossLevel: Number.isFinite(v) && v > 0 ? v : null };
}

/** An error when a sampled loss has diverged: not finite, or far above the running level. */
function divergence(loss: number, level: number | null, step: number): Error | null {
  const tail = 'nothing is saved from here, the last checkpoint is left as it was (try a lower --lr)';
  if (!Number.isFinite(loss)) return new Error(`training diverged at step ${step}: the loss is ${loss}; ${tail}`);
  if (level !== null && Math.abs(loss) > EXPLODED * Math.max(level, LEVEL_FLOOR)) {
    return new Error(`training diverged at step ${step}: the loss ${loss.toPrecision(4)} is over ${EXPLODED}× its running level ${level.toPrecision(3)} (the median of the last ${LEVEL_WINDOW} sampled |losses|, at least ${LEVEL_FLOOR}); ${tail}`);
  }
  return null;
}

export interface LoopResult {
  /** Steps done in total (the next step to run). */
  step: number;
  lastLoss: number;
  /** The signal that stopped the run early, if one did. */
  signal?: NodeJS.Signals;
}

/** The shell's exit status for a run stopped by a signal (128 + its number: SIGINT 130, SIGTERM 143); 0 without one. */
export function signalExitCode(signal?: NodeJS.Signals): number {
  if (!signal) return 0;
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1;
}

export async function trainingLoop(o: LoopOptions): Promise<LoopResult> {
  const bar = o.quiet
    ? null
    : new cliProgress.SingleBar(
        { format: `train ${o.name} |{bar}| {value}/{total} steps | loss {loss} | {ips} img/s | ETA {eta_formatted}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 30_000 },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(o.steps, o.start, { loss: '-', ips: '-' });
  let stopping = false;
  let signal: NodeJS.Signals | undefined;
  // `npx` forwards the terminal's Ctrl-C, so one key press can arrive twice: the first signals stop after
  // this step (and write the checkpoint); only a signal more than two seconds later forces an exit.
  let firstSignal = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    const now = performance.now();
    if (!stopping) {
      stopping = true;
      signal = sig;
      firstSignal = now;
      console.error(`\n${sig}: stopping after this step and writing the checkpoint (again to force)`);
    } else if (now - firstSignal > 2000) process.exit(signalExitCode(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = performance.now();
  let lossSum = 0, lossCount = 0, lastLoss = NaN, last = t0, lastStep = o.start;
  let step = o.start;
  const level = o.level ?? { lossLevel: null };
  // the level a resumed run starts from counts as one sample
  const recent: number[] = level.lossLevel !== null ? [level.lossLevel] : [];
  const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  try {
    for (; step < o.steps && !stopping; step++) {
      const loss = o.step(step);
      await o.engine.throttle();
      // read now and then (every step of a run's first ten, where a bad resume shows), and always before a
      // checkpoint: a diverged run must not reach a save
      const checkpointNext = (step + 1) % o.every === 0 || step + 1 === o.steps;
      if (step % 10 === 0 || step - o.start < 10 || checkpointNext) {
        lastLoss = await loss.item();
        const bad = divergence(lastLoss, level.lossLevel, step + 1);
        if (bad) {
          loss.dispose();
          throw bad;
        }
        recent.push(Math.abs(lastLoss));
        if (recent.length > LEVEL_WINDOW) recent.shift();
        level.lossLevel = median(recent);
        lossSum += lastLoss;
        lossCount++;
      }
      loss.dispose();
      if ((step + 1) % 20 === 0) {
        const now = performance.now();
        bar?.update(step + 1, { loss: lossCount ? (lossSum / lossCount).toFixed(5) : '-', ips: (((step + 1 - lastStep) * o.batch) / ((now - last) / 1000)).toFixed(1) });
        last = now; lastStep = step + 1; lossSum = 0; lossCount = 0;
      }
      if (checkpointNext) {
        bar?.stop();
        const line = await o.checkpoint(step + 1);
        if (line && !o.quiet) console.log(line);
        bar?.start(o.steps, step + 1, { loss: '-', ips: '-' });
      }
      if (o.maxSeconds > 0 && (performance.now() - t0) / 1000 > o.maxSeconds) stopping = true;
    }
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return { step, lastLoss, signal };
}
