// Dawn's event poll without a busy loop (src/engine/platform.ts): the polite setImmediate exists only inside
// dawnCall's synchronous window, where Dawn starts its promises and runs its poll; a program never sees it.
import { describe, expect, it } from 'vitest';
import { dawnCall, gpuPollCounts, gpuWait, gpuWaitTiming } from '../../src/engine/platform.js';
import { Engine, matmul, randUniform, tidy } from '../../src/index.js';
import { runProcess } from '../run_process.js';

const ROOT = new URL('../..', import.meta.url).pathname;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kindOf = (handle: unknown) => (handle as object).constructor.name;

describe('Dawn\'s poll without a busy loop', () => {
  it('inside the window a native callback (as Dawn\'s poll is) goes to the real setImmediate in the fast window of a wait, else to a timer; JavaScript callbacks always to the real one', async () => {
    // the mechanism, not the clock: the window is set to "never over" and to "over at once" in turn
    const fast = gpuWaitTiming.fastMs;
    const seen: string[] = [];
    const probe = () => dawnCall(() => {
      seen.push(kindOf(setImmediate(() => {})));
      seen.push(kindOf(setImmediate(Math.max))); // a native function
    });
    try {
      probe(); // nobody waits: the poll needs no latency
      gpuWaitTiming.fastMs = Infinity;
      await gpuWait((async () => { await null; probe(); })());
      gpuWaitTiming.fastMs = -1;
      await gpuWait((async () => { await null; probe(); })());
    } finally {
      gpuWaitTiming.fastMs = fast;
    }
    expect(seen).toEqual(['Immediate', 'Timeout', 'Immediate', 'Immediate', 'Immediate', 'Timeout']);
  });

  it('the window puts back the setImmediate it found, after a throw too, and a program\'s own replacement stays', () => {
    const real = globalThis.setImmediate;
    expect(() => dawnCall(() => { throw new Error('lost'); })).toThrow('lost');
    expect(globalThis.setImmediate).toBe(real);
    const fake = ((fn: () => void) => setTimeout(fn, 0)) as unknown as typeof setImmediate;
    globalThis.setImmediate = fake;
    try {
      let inside: unknown;
      dawnCall(() => { inside = globalThis.setImmediate; });
      expect(inside).not.toBe(fake); // Dawn sees the polite one …
      expect(globalThis.setImmediate).toBe(fake); // … and the program its own again
    } finally {
      globalThis.setImmediate = real;
    }
  });

  it('while the engine works and waits, a program sees its own setImmediate at every turn, and Dawn\'s poll went the polite way', async () => {
    const real = globalThis.setImmediate;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'setImmediate');
    const before = gpuPollCounts.immediate + gpuPollCounts.timer;
    let turns = 0, other = 0;
    let running = true;
    // a program's own work beside the engine's: immediates, timers and microtasks, each looking at the global
    const look = () => {
      turns++;
      if (globalThis.setImmediate !== real) other++;
      const d = Object.getOwnPropertyDescriptor(globalThis, 'setImmediate');
      if (d?.value !== descriptor?.value || d?.writable !== descriptor?.writable) other++;
    };
    const spin = () => { look(); queueMicrotask(look); if (running) real(spin); };
    const tick = () => { look(); if (running) setTimeout(tick, 0); };
    spin();
    tick();
    const e = await Engine.create();
    try {
      const a = randUniform(e, [67, 129], { seed: 3 });
      const b = randUniform(e, [129, 33], { seed: 4 });
      for (let i = 0; i < 20; i++) {
        const c = tidy(() => matmul(a, b));
        await e.sync();
        const [x, y] = await Promise.all([c.data(), c.data()]); // concurrent readbacks
        expect(Array.from(x)).toEqual(Array.from(y));
        c.dispose();
      }
      await sleep(5);
    } finally {
      running = false;
      e.destroy();
    }
    expect(turns).toBeGreaterThan(20);
    expect(other).toBe(0);
    expect(gpuPollCounts.immediate + gpuPollCounts.timer).toBeGreaterThan(before);
    expect(globalThis.setImmediate).toBe(real);
  });

  it('a pending GPU wait keeps Node alive: a promise nothing else keeps open does not end the process in the middle', async () => {
    // Dawn may settle its promises from native threads that hold no handle on the event loop; here a promise
    // nobody settles stands for one. Without the wait's own handle the child ends at once with exit 0.
    const script = "import { gpuWait } from './src/engine/platform.ts'; gpuWait(new Promise(() => {})).then(() => console.log('settled')); console.log('waiting');";
    const r = await runProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 3000 });
    expect(r.stdout).toContain('waiting');
    expect(r.signal).toBe('SIGTERM'); // still waiting when the test ended it
    const bare = await runProcess(process.execPath, ['--input-type=module', '-e', "new Promise(() => {}).then(() => 0); console.log('waiting');"], { timeout: 3000 });
    expect([bare.status, bare.signal]).toEqual([0, null]); // the contrast: Node does not wait on a bare promise
  });

  it('engine waits return the same results as before (a matmul read back)', async () => {
    const e = await Engine.create();
    const a = randUniform(e, [67, 129], { seed: 3 });
    const b = randUniform(e, [129, 33], { seed: 4 });
    const c = tidy(() => matmul(a, b));
    const x = await c.data();
    const av = await a.data(), bv = await b.data();
    let s = 0;
    for (let k = 0; k < 129; k++) s += av[5 * 129 + k] * bv[k * 33 + 7];
    expect(x[5 * 33 + 7]).toBeCloseTo(s, 4);
    e.destroy();
  });
});
