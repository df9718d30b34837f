// Per-shape kernel variant selection (burn/cubecl style). A kernel asks `pick` for the variant of a
// shape class: a known choice is returned at once; an unknown one returns the kernel's deterministic
// fallback and, when tuning is enabled, queues a job. Jobs run at the next `engine.autotune()` (also
// called by `engine.throttle()`, once per training/sampling iteration): each candidate is timed on
// scratch inputs of the same shape, the fastest median wins, and the choice is stored on disk (Node)
// or in localStorage (browser) so later runs start tuned.
import { autotuneEnvDefault, defaultCachePath, fileStore, isNode } from './platform.js';

/** Encodes one launch of each candidate variant on scratch inputs; `dispose` frees those inputs. */
export interface TuningJob {
  candidates: Record<string, () => void>;
  dispose(): void;
  /** This job's limit in place of the tuner's maxRunMs (a family whose runs repay a longer tuning, e.g. conv2d). */
  maxRunMs?: number;
}

export interface TuneStore {
  load(): Record<string, string>;
  save(choices: Record<string, string>): void;
}

export interface AutotuneOptions {
  /** Tune unknown shape classes (default: COMMIN_AUTOTUNE=1 in the environment, else false). */
  enabled?: boolean;
  /** Where choices persist: a JSON file in Node (default ~/.cache/commin-gpu/autotune.json). */
  cachePath?: string;
  /** Timed runs per candidate (after one untimed compile run). */
  samples?: number;
  /** Shape classes whose default variant runs longer than this (ms) keep it untuned (default 250; a job may set its own). */
  maxRunMs?: number;
}

export interface TuneResult {
  key: string;
  choice: string;
  /** Median ms per candidate. */
  medians: Record<string, number>;
}

/**
 * Bump when variants change meaning, so stale choices are not reused. 3: conv2d jobs' longer limit, so
 * shape classes stored as too slow to tune (on their old default) are timed again.
 */
const TUNE_VERSION = 3;

/**
 * A candidate whose first timed run takes this many times the best median so far is not sampled further:
 * it cannot win, and on long shape classes its samples would be most of the tuning time (a direct conv
 * at batch 8 next to Winograd).
 */
const LOSER_FACTOR = 2;

interface Clock {
  sync(): Promise<void>;
  flush(): void;
}

export class Autotuner {
  enabled: boolean;
  private choices: Record<string, string>;
  private pending = new Map<string, { job: () => TuningJob; fallback: string }>();
  private running = false;
  readonly results: TuneResult[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly store: TuneStore,
    private readonly scope: string,
    enabled: boolean,
    private readonly samples = 5,
    /** A shape class whose default takes longer than this per run (ms) is not tuned. */
    private readonly maxRunMs = 250,
  ) {
    this.enabled = enabled;
    // entries of older versions are dropped at the next save
    this.choices = Object.fromEntries(Object.entries(store.load()).filter(([k]) => k.startsWith(`v${TUNE_VERSION}|`)));
  }

  private fullKey(family: string, key: string): string {
    return `v${TUNE_VERSION}|${this.scope}|${family}|${key}`;
  }

  /**
   * The variant for (family, key): the stored choice if it is one of `variants`, else `variants[0]`
   * (the deterministic fallback), queueing a tuning job when enabled and there is a choice to make.
   */
  pick<V extends string>(family: string, key: string, variants: readonly V[], job: () => TuningJob): V {
    // the candidate set is part of the key: a new variant makes every shape class tune again
    const k = this.fullKey(family, `${key}|${[...variants].sort().join(',')}`);
    const known = this.choices[k] as V | undefined;
    if (known !== undefined && variants.includes(known)) return known;
    if (this.enabled && variants.length > 1 && !this.pending.has(k)) this.pending.set(k, { job, fallback: variants[0] });
    return variants[0];
  }

  /** The stored choice for (family, key) among `variants`, if any. */
  choice(family: string, key: string, variants: readonly string[]): string | undefined {
    return this.choices[this.fullKey(family, `${key}|${[...variants].sort().join(',')}`)];
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Times every queued job's candidates and stores the winners. */
  async runPending(): Promise<TuneResult[]> {
    if (this.running || this.pending.size === 0) return [];
    this.running = true;
    const done: TuneResult[] = [];
    try {
      await this.clock.sync(); // queued model work must not count against the first candidate
      for (const [k, { job: make, fallback }] of [...this.pending]) {
        this.pending.delete(k);
        let job: TuningJob | null = null;
        try {
          job = make();
          const medians: Record<string, number> = {};
          const limit = job.maxRunMs ?? this.maxRunMs;
          for (const [id, run] of Object.entries(job.candidates)) {
            const best = Math.min(...Object.values(medians));
            const t = await this.time(run, id === fallback ? Infinity : Math.min(limit, LOSER_FACTOR * best), limit);
            medians[id] = t.ms;
            // shape classes whose default already runs past the limit keep it: tuning them would cost
            // minutes once (the 256×256 U-Net at batch 8) for what the default leaves to gain
            if (id === fallback && t.tooSlow) break;
          }
          const choice = Object.entries(medians).sort((a, b) => a[1] - b[1])[0][0];
          this.choices[k] = choice;
          done.push({ key: k, choice, medians });
        } catch (e) {
          // a candidate that fails (out of memory, say) must not stop the caller's loop: keep the fallback
          console.warn(`autotune: ${k}: ${(e as Error).message.split('\n')[0]}; keeping '${fallback}'`);
          this.choices[k] = fallback;
        } finally {
          job?.dispose();
        }
      }
      if (done.length) this.store.save(this.choices);
      this.results.push(...done);
      return done;
    } finally {
      this.running = false;
    }
  }

  /**
   * Median ms of one run. A first run over `stopAfter` is the only one taken (a clear loser, or too slow);
   * `tooSlow` when it exceeds `limit`.
   */
  private async time(run: () => void, stopAfter: number, limit: number): Promise<{ ms: number; tooSlow: boolean }> {
    run(); // compiles the pipeline; not timed
    await this.clock.sync();
    const t0 = performance.now();
    run();
    await this.clock.sync();
    const once = performance.now() - t0;
    if (once > limit || once > stopAfter) return { ms: once, tooSlow: once > limit };
    // short kernels: repeat inside a sample so submission overhead does not decide
    const reps = Math.max(1, Math.min(16, Math.floor(20 / Math.max(once, 0.01))));
    const times: number[] = [];
    for (let s = 0; s < this.samples; s++) {
      const t = performance.now();
      for (let r = 0; r < reps; r++) run();
      await this.clock.sync();
      times.push((performance.now() - t) / reps);
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)], tooSlow: false };
  }
}

// the cache file in Node: src/engine/platform.ts (a browser build has none)
export { fileStore, defaultCachePath };

export function memoryStore(initial: Record<string, string> = {}): TuneStore {
  let saved = { ...initial };
  return { load: () => ({ ...saved }), save: (c) => void (saved = { ...c }) };
}

function localStorageStore(): TuneStore {
  const KEY = 'commin-gpu.autotune';
  return {
    load: () => {
      try {
        return JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as Record<string, string>;
      } catch {
        return {};
      }
    },
    save: (c) => {
      try {
        globalThis.localStorage?.setItem(KEY, JSON.stringify(c));
      } catch {
        /* storage full or disabled: choices stay in memory */
      }
    },
  };
}

export function defaultStore(opts: AutotuneOptions): TuneStore {
  if (isNode) return fileStore(opts.cachePath ?? defaultCachePath());
  return typeof globalThis.localStorage !== 'undefined' ? localStorageStore() : memoryStore();
}

export function autotuneEnabledByDefault(): boolean {
  return autotuneEnvDefault();
}
