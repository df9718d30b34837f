// The `commin` command line. It runs its commands in a child process whose stderr it passes on without
// Dawn's two start-up notices (quiet_dawn.ts); the commands load only there.
import { runWithoutDawnNotices } from './quiet_dawn.js';

try {
  if (!(await runWithoutDawnNotices())) await (await import('./program.js')).run(process.argv);
} catch (e) {
  console.error(`commin: ${(e as Error).message}`);
  process.exitCode = 1;
}
