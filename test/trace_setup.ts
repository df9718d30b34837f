// With COMMIN_TEST_TRACE=FILE each worker writes the start and end of every test to FILE (with its pid), so a
// run that ends early says which test was running (tools/loaded_test.sh sets it).
import { appendFileSync } from 'node:fs';
import { afterEach, beforeEach } from 'vitest';

const trace = process.env.COMMIN_TEST_TRACE;
if (trace) {
  const note = (what: string) => appendFileSync(trace, `${new Date().toISOString()} worker ${process.pid} ${what}\n`);
  beforeEach((ctx) => note(`start ${ctx.task.file?.name} > ${ctx.task.name}`));
  afterEach((ctx) => note(`end ${ctx.task.file?.name} > ${ctx.task.name}`));
}
