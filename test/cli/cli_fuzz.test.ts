// Random argument lists against transmit, eval, demo, sample and the trainers, in-process: each must end in a
// clear error (commander's, or an Error with a message, never a TypeError or another crash) or get past every
// check to the point where the work starts — the engine, which this test replaces with a marker.
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { testRng } from '../helpers.js';
import { kodakCrop } from '../data_helpers.js';

/** Thrown where a command would open the engine: every check before the work has passed. */
class ReachedEngine extends Error {}
vi.mock('../../src/cli/engine.js', () => ({ createCliEngine: async () => { throw new ReachedEngine('engine'); } }));

const { makeProgram } = await import('../../src/cli/program.js');

const dir = mkdtempSync(join(tmpdir(), 'cli-fuzz-'));
const textFile = join(dir, 'notes.txt');
writeFileSync(textFile, 'not an image');
const badModel = join(dir, 'bad.safetensors');
writeFileSync(badModel, Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 125]));
mkdirSync(join(dir, 'folder'));

/** Values per kind: mostly ones a user would write, the rest hostile. */
const GOOD: Record<string, string[]> = {
  number: ['1', '2', '4', '7', '16'],
  fraction: ['1/48', '1/96', '2/48', '1/384'],
  list: ['1,4,7', '1', '4', '16,32'],
  path: [kodakCrop('01'), join(dir, 'out'), join(dir, 'folder')],
  model: ['natural', 'faces', 'models/deepjscc_64_bcr1-48.safetensors'],
  choice: ['awgn', 'rayleigh', 'deepjscc', 'fast', 'mse', 'none'],
};
const VALUES: Record<string, string[]> = {
  number: ['0', '-1', '1e9', '-1e9', 'NaN', 'Infinity', '', 'abc', '0x10', '99999999999999999999', '7.5'],
  fraction: ['0/1', '48/1', '1/0', 'a/b', '1/', '1/48,1/96', '1/48,1/48', '3/7'],
  list: ['1,,4', '1,1', '-30,50', 'a,b', ''],
  path: [join(dir, 'none.png'), textFile, badModel, '/proc/x'],
  model: ['magic', badModel, join(dir, 'none.safetensors'), join(dir, 'folder')],
  choice: ['fading', 'commin,deepjscc', 'both', 'magic', 'paper', 'gdn'],
};
/** The kind of value a flag takes, from its name (choices come from the option itself). */
function kindOf(flag: string): keyof typeof VALUES {
  if (/snr|channels|ch-mult|(^|-)t$|loss-weights/.test(flag)) return 'list';
  if (/bcr/.test(flag)) return 'fraction';
  if (/model|prior|inn|control|gan/.test(flag)) return 'model';
  if (/data|out|lpips|dir|kodak|faces-dir|photos|grid|diagnostics|init/.test(flag)) return 'path';
  if (/method|preset|channel|norm|loss|equaliser/.test(flag)) return 'choice';
  return 'number';
}
const COMMANDS = [['transmit'], ['eval'], ['demo'], ['sample'], ['train', 'jscc'], ['train', 'ddpm'], ['train', 'inn'], ['train', 'gan']];

/** Throws away commander's process exits and output: a parse error becomes a CommanderError. */
function quiet(cmd: Command): Command {
  cmd.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  cmd.commands.forEach(quiet);
  return cmd;
}

describe('the command line under random arguments', () => {
  it('1,000 random argument lists: a clear error or the work begins — never a crash', async () => {
    const rng = testRng();
    const pick = <T,>(a: readonly T[]) => a[rng.int(0, a.length - 1)];
    const outcomes = { commander: 0, error: 0, reached: 0 };
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (let i = 0; i < 1000; i++) {
        const args = [...pick(COMMANDS)];
        if (args[0] === 'transmit' && rng.uniform() < 0.8) args.push(pick([kodakCrop('01'), textFile, join(dir, 'folder'), join(dir, 'none.png')]));
        // the command's own options, now and then one it does not have
        let cmd: Command = makeProgram();
        for (const a of args.filter((x) => !x.includes('/'))) cmd = cmd.commands.find((c) => c.name() === a) ?? cmd;
        for (let k = rng.int(0, 5); k > 0; k--) {
          if (rng.uniform() < 0.1) { args.push('--no-such-flag'); continue; }
          const o = pick(cmd.options);
          args.push(o.long ?? o.short!);
          if (o.required || o.optional) args.push(o.argChoices && rng.uniform() < 0.7 ? pick(o.argChoices) : pick((rng.uniform() < 0.75 ? GOOD : VALUES)[kindOf(o.long ?? '')]));
        }
        if (!args.includes('--out')) args.push('--out', join(dir, `o${i}`, args[0] === 'sample' || args[0] === 'train' ? 'f.safetensors' : ''));
        try {
          await quiet(makeProgram()).parseAsync(['node', 'commin', ...args]);
          outcomes.reached++; // a command that needs no engine (e.g. --help) ended cleanly
        } catch (e) {
          const what = `commin ${args.join(' ')}`;
          if (e instanceof ReachedEngine) outcomes.reached++;
          else if (e instanceof CommanderError) {
            outcomes.commander++;
            expect(e.message.length, what).toBeGreaterThan(0);
          } else {
            outcomes.error++;
            expect(e, what).toBeInstanceOf(Error);
            const err = e as Error;
            // a crash, not a message for the user
            expect(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError'], `${what}: ${err.stack}`).not.toContain(err.constructor.name);
            expect(err.message, what).toMatch(/\S/);
            expect(err.message, what).not.toMatch(/undefined|\[object Object\]|is not a function|Cannot read prop/);
          }
        }
      }
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
    // all three outcomes occur, so the lists exercise both the checks and the runs
    expect(outcomes.commander).toBeGreaterThan(300);
    expect(outcomes.error).toBeGreaterThan(20);
    expect(outcomes.reached).toBeGreaterThan(100);
  }, 300_000);
});
