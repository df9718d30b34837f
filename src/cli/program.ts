// The `commin` command line: its commands (main.ts is the entry point).
import { Command } from 'commander';
import { selfcheck } from './commands/selfcheck.js';
import { positiveInt } from './options/args.js';
import { trainCommand } from './commands/train.js';
import { transmitCommand } from './commands/transmit.js';
import { metricsCommand } from './commands/metrics.js';
import { sampleCommand } from './commands/sample.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { priorEvalCommand } from './commands/prior_eval.js';
import { registerAvifMethod } from './avif_method.js';

// before the commands list the methods in their help
registerAvifMethod();

/** A fresh `commin` program (commander keeps option values between parses: one program per run). */
export function makeProgram(): Command {
  const program = new Command()
    .name('commin')
    .description('WebGPU engine and semantic image communication (DeepJSCC, CommIN)')
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('selfcheck')
    .description('print the WebGPU adapter, check kernels against the CPU and time a matmul')
    .option('--size <n>', 'matmul size', positiveInt, 256)
    .action(async (opts: { size: number }) => {
      const ok = await selfcheck(opts);
      process.exitCode = ok ? 0 : 1;
    });

  program.addCommand(trainCommand());
  program.addCommand(transmitCommand());
  program.addCommand(metricsCommand());
  program.addCommand(sampleCommand());
  program.addCommand(demoCommand());
  program.addCommand(evalCommand());
  program.addCommand(priorEvalCommand());
  return program;
}

/** Runs the command line argv (process.argv's layout); errors are one line on stderr and exit code 1. */
export async function run(argv: string[]): Promise<void> {
  try {
    await makeProgram().parseAsync(argv);
  } catch (e) {
    console.error(`commin: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
