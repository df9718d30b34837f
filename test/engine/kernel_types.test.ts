// engine.launch() typed by kernel: snippets that use the engine are type-checked with the TypeScript
// compiler (the project's tsconfig options), and a misspelt kernel, an unknown or missing uniform and a
// wrong number of buffers must each be a compile error, while correct launches compile clean.
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '../..');

const PRELUDE = `import { registerShader, type Engine } from '../../src/index.js';
declare const e: Engine;
declare const y: GPUBuffer;
declare const wide: boolean;
declare const m: 2 | 4;
`;

// each snippet is a file of its own beside this test, so its imports resolve as a test's would
const SNIPPETS = {
  correct: `
e.launch('fill', { buffers: [y], uniforms: { n: 4, value: 0 }, workgroups: [1] });
// a choice between kernels needs the buffers and uniforms of each
e.launch(wide ? 'matmul_rows' : 'matmul_rows_sg', {
  buffers: [y, y, y, y], uniforms: { M: 1, N: 4, K: 4, batch: 1, strideA: 0, strideB: 0, strideC: 4 }, workgroups: [1],
});
const bufs = [y, y] as const;
e.launch(\`winograd_input_f\${m}\`, {
  buffers: bufs,
  uniforms: { C: 1, H: 4, W: 4, Cp: 4, tilesW: 2, tilesHW: 4, P: 4, tiles: 4, padTop: 1, padLeft: 1 },
  workgroups: [1],
});
const mine = registerShader('mine', '');
e.launch(mine, { buffers: [y, y, y], uniforms: { anything: 1 }, workgroups: [1] });
`,
  unknownKernel: `e.launch('fil', { buffers: [y], uniforms: { n: 4, value: 0 }, workgroups: [1] });`,
  unregisteredName: `const name: string = 'fill';
e.launch(name, { buffers: [y], workgroups: [1] });`,
  unknownUniform: `e.launch('fill', { buffers: [y], uniforms: { n: 4, value: 0, valeu: 1 }, workgroups: [1] });`,
  missingUniform: `e.launch('fill', { buffers: [y], uniforms: { n: 4 }, workgroups: [1] });`,
  wrongBufferCount: `e.launch('softmax', { buffers: [y], uniforms: { rows: 1, cols: 4 }, workgroups: [1] });`,
  unionMissesAField: `e.launch(wide ? 'softmax' : 'unary', { buffers: [y, y], uniforms: { rows: 1, cols: 4 }, workgroups: [1] });`,
  unionBufferCounts: `e.launch(wide ? 'fill' : 'softmax', { buffers: [y], uniforms: { n: 4, value: 0, rows: 1, cols: 4 }, workgroups: [1] });`,
} as const;
type Case = keyof typeof SNIPPETS;

const snippetPath = (c: Case) => join(HERE, `__kernel_types_${c}.ts`);

/** Each snippet's diagnostics (code and flattened message), from one program over all of them. */
function compile(): Record<Case, { code: number; message: string }[]> {
  const fail = (d: ts.Diagnostic) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };
  const config = ts.getParsedCommandLineOfConfigFile(join(REPO, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: fail });
  if (!config) throw new Error('tsconfig.json could not be read');
  const cases = Object.keys(SNIPPETS) as Case[];
  const texts = new Map(cases.map((c) => [snippetPath(c), PRELUDE + SNIPPETS[c]]));
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => texts.has(f) || fileExists(f);
  host.readFile = (f) => texts.get(f) ?? readFile(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = texts.get(f);
    return text !== undefined ? ts.createSourceFile(f, text, lang) : getSourceFile(f, lang, ...rest);
  };
  const program = ts.createProgram([...texts.keys()], config.options, host);
  const out = {} as Record<Case, { code: number; message: string }[]>;
  for (const c of cases) {
    const file = program.getSourceFile(snippetPath(c))!;
    out[c] = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => ({
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
  }
  return out;
}

describe('launch is typed by kernel', () => {
  const diagnostics = compile();
  const only = (c: Case) => {
    expect(diagnostics[c], `${c}: one compile error`).toHaveLength(1);
    return diagnostics[c][0];
  };

  it('correct launches compile clean (a kernel union, a template-literal name, a registered kernel)', () => {
    expect(diagnostics.correct).toEqual([]);
  });

  it('a misspelt kernel is a compile error naming it', () => {
    expect(only('unknownKernel')).toMatchObject({ code: 2345, message: expect.stringMatching(/'"fil"' is not assignable to parameter of type 'Kernel'/) });
  });

  it('a plain string is no kernel: only names registerShader() returned launch unchecked', () => {
    expect(only('unregisteredName')).toMatchObject({ code: 2345, message: expect.stringMatching(/'string' is not assignable to parameter of type 'Kernel'/) });
  });

  it('an unknown uniform is a compile error naming it', () => {
    expect(only('unknownUniform')).toMatchObject({ code: 2561, message: expect.stringMatching(/'valeu' does not exist .* Did you mean to write 'value'\?/s) });
  });

  it('a missing uniform is a compile error naming it', () => {
    expect(only('missingUniform')).toMatchObject({ code: 2741, message: expect.stringMatching(/Property 'value' is missing/) });
  });

  it('a wrong number of buffers is a compile error', () => {
    expect(only('wrongBufferCount')).toMatchObject({ code: 2322, message: expect.stringMatching(/Source has 1 element\(s\) but target requires 2/) });
  });

  it('a launch of either of two kernels needs the uniforms of both, and buffers both accept', () => {
    expect(only('unionMissesAField')).toMatchObject({ code: 2739, message: expect.stringMatching(/missing the following properties .*: n4, alpha, beta$/) });
    expect(only('unionBufferCounts')).toMatchObject({ code: 2322, message: expect.stringMatching(/is not assignable to type '"kernels taking different numbers of buffers"'/) });
  });
});
