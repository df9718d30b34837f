// The output-path checks live in src/util/output.ts (the trainers use them too, and the library does not
// depend on the CLI); re-exported here for the commands.
export * from '../util/output.js';
