// The few parts of Vitest the kernel tests use (describe, it, hooks, expect with its matchers), for running
// them on a bare GPU machine without node_modules: bench/gpu/pack.sh bundles test/kernels/*.test.ts with
// 'vitest' pointed here, and bench/gpu/kernel_tests.ts runs what they registered.

type Fn = () => unknown | Promise<unknown>;
interface Suite { name: string; tests: { name: string; fn: Fn }[]; before: Fn[]; after: Fn[]; failHooks: Fn[] }

export const suites: Suite[] = [];
let current: Suite | null = null;
let running: Suite | null = null;

export function describe(name: string, body: () => void): void {
  const s: Suite = { name, tests: [], before: [], after: [], failHooks: [] };
  const outer = current;
  current = s;
  try {
    body();
  } finally {
    current = outer;
  }
  if (outer) {
    // a nested suite runs inside its parent: its tests and hooks are the parent's, with the names joined
    for (const t of s.tests) outer.tests.push({ name: `${name} > ${t.name}`, fn: t.fn });
    outer.before.push(...s.before);
    outer.after.push(...s.after);
  } else suites.push(s);
}
describe.each = <T>(cases: readonly T[]) => (name: string, body: (c: T) => void) => {
  for (const c of cases) describe(name.replace('%s', String(c)), () => body(c));
};
describe.skipIf = (skip: boolean) => (name: string, body: () => void) => (skip ? undefined : describe(name, body));

/** Opens a test file: its top-level describes, tests and hooks belong to it (one engine per file, as in Vitest). */
export function beginFile(name: string): void {
  current = { name, tests: [], before: [], after: [], failHooks: [] };
  suites.push(current);
}
function top(): Suite {
  if (!current) throw new Error('vitest shim: a test outside a file (beginFile)');
  return current;
}
export function it(name: string, fn: Fn): void {
  top().tests.push({ name, fn });
}
it.skipIf = (skip: boolean) => (name: string, fn: Fn) => (skip ? undefined : it(name, fn));
export const test = it;
export const beforeAll = (fn: Fn) => void top().before.push(fn);
export const afterAll = (fn: Fn) => void top().after.push(fn);
export const onTestFailed = (fn: Fn) => void running?.failHooks.push(fn);

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    if (!(ArrayBuffer.isView(b) || Array.isArray(b)) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equal(x[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const show = (v: unknown) => {
  try {
    return JSON.stringify(ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>).slice(0, 8) : v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
};

function matchers(actual: unknown, msg: string | undefined, negate: boolean) {
  const check = (ok: boolean, what: string) => {
    if (ok === negate) throw new Error(`${msg ? `${msg}: ` : ''}expected ${show(actual)} ${negate ? 'not ' : ''}${what}`);
  };
  const thrown = async (): Promise<Error | null> => {
    try {
      await (actual as () => unknown)();
      return null;
    } catch (e) {
      return e as Error;
    }
  };
  return {
    toBe: (e: unknown) => check(Object.is(actual, e), `to be ${show(e)}`),
    toEqual: (e: unknown) => check(equal(actual, e), `to equal ${show(e)}`),
    toBeCloseTo: (e: number, digits = 2) => check(Math.abs((actual as number) - e) < 10 ** -digits / 2, `to be close to ${e}`),
    toBeLessThan: (e: number) => check((actual as number) < e, `to be less than ${e}`),
    toBeLessThanOrEqual: (e: number) => check((actual as number) <= e, `to be ≤ ${e}`),
    toBeGreaterThan: (e: number) => check((actual as number) > e, `to be greater than ${e}`),
    toBeGreaterThanOrEqual: (e: number) => check((actual as number) >= e, `to be ≥ ${e}`),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toContain: (e: unknown) => check((actual as { includes(x: unknown): boolean }).includes(e), `to contain ${show(e)}`),
    toHaveLength: (n: number) => check((actual as { length: number }).length === n, `to have length ${n}`),
    toMatch: (re: RegExp | string) => check(typeof re === 'string' ? String(actual).includes(re) : re.test(String(actual)), `to match ${re}`),
    toBeInstanceOf: (c: new (...a: never[]) => unknown) => check(actual instanceof c, `to be an instance of ${c.name}`),
    toThrow: (re?: RegExp | string) => {
      let err: Error | null = null;
      try {
        (actual as () => unknown)();
      } catch (e) {
        err = e as Error;
      }
      check(!!err && (re === undefined || (typeof re === 'string' ? err.message.includes(re) : re.test(err.message))), `to throw ${re ?? ''} (threw ${err?.message ?? 'nothing'})`);
    },
    thrownAsync: thrown,
  };
}

type Matchers = Omit<ReturnType<typeof matchers>, 'thrownAsync'>;
export function expect(actual: unknown, msg?: string): Matchers & { not: Matchers; rejects: { toThrow(re?: RegExp | string): Promise<void> } } {
  const m = matchers(actual, msg, false);
  return {
    ...m,
    not: matchers(actual, msg, true),
    rejects: {
      async toThrow(re?: RegExp | string) {
        let err: Error | null = null;
        try {
          await actual;
        } catch (e) {
          err = e as Error;
        }
        if (!err || (re !== undefined && !(typeof re === 'string' ? err.message.includes(re) : re.test(err.message)))) throw new Error(`${msg ? `${msg}: ` : ''}expected a rejection ${re ?? ''} (got ${err?.message ?? 'none'})`);
      },
    },
  };
}
expect.fail = (message: string): never => {
  throw new Error(message);
};

/** Runs every registered suite in order; returns one record per test. */
export async function runAll(log: (s: string) => void): Promise<{ suite: string; test: string; ok: boolean; ms: number; error?: string }[]> {
  const out = [];
  for (const s of suites) {
    running = s;
    try {
      for (const h of s.before) await h();
    } catch (e) {
      for (const t of s.tests) out.push({ suite: s.name, test: t.name, ok: false, ms: 0, error: `beforeAll: ${(e as Error).message}` });
      continue;
    }
    for (const t of s.tests) {
      s.failHooks = [];
      const t0 = performance.now();
      try {
        await t.fn();
        out.push({ suite: s.name, test: t.name, ok: true, ms: performance.now() - t0 });
        log(`ok   ${s.name} > ${t.name}`);
      } catch (e) {
        for (const h of s.failHooks) await h();
        out.push({ suite: s.name, test: t.name, ok: false, ms: performance.now() - t0, error: (e as Error).message });
        log(`FAIL ${s.name} > ${t.name}: ${(e as Error).message}`);
      }
    }
    for (const h of s.after) await h();
  }
  running = null;
  return out;
}
