// The CLI's stderr filter for Dawn's two start-up notices (no GPU).
import { describe, expect, it } from 'vitest';
import { DawnNoticeFilter } from '../../src/cli/quiet_dawn.js';

const NOTICES = ['Uniform', 'Storage'].map((k) => `Warning: maxDynamic${k}BuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\n`);

/** Feeds the chunks one by one; returns what came out after each and at the end. */
async function run(chunks: (string | Buffer)[]): Promise<{ after: string[]; all: string }> {
  const f = new DawnNoticeFilter();
  const out: Buffer[] = [];
  f.on('data', (b: Buffer) => out.push(b));
  const after: string[] = [];
  for (const c of chunks) {
    await new Promise<void>((r) => f.write(c, () => r()));
    after.push(Buffer.concat(out).toString('utf8'));
  }
  await new Promise<void>((r) => f.end(r));
  return { after, all: Buffer.concat(out).toString('utf8') };
}

describe("Dawn's notices are kept off stderr", () => {
  it('drops exactly the two notices, whole or split anywhere, and keeps every other byte', async () => {
    const text = `start ✓\n${NOTICES[0]}${NOTICES[1]}Warning: something else\nprogress 1/3\rprogress 2/3\rdone — ünïcode\n`;
    const want = 'start ✓\nWarning: something else\nprogress 1/3\rprogress 2/3\rdone — ünïcode\n';
    expect((await run([text])).all).toBe(want);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      expect((await run([bytes.subarray(0, cut), bytes.subarray(cut)])).all).toBe(want);
    }
    expect((await run([...bytes].map((b) => Buffer.of(b)))).all).toBe(want);
  });
  it('passes a partial line on at once (progress bars), unless it may still become a notice', async () => {
    const { after } = await run(['CommIN |███   | 3/10', ' steps\rCommIN |████\n', 'War', 'ning: maxDyn', 'amic…\n']);
    expect(after[0]).toBe('CommIN |███   | 3/10');
    expect(after[1]).toBe('CommIN |███   | 3/10 steps\rCommIN |████\n');
    expect(after[2]).toBe(after[1]); // "War…" is held: it could be a notice
    expect(after[4]).toBe(`${after[1]}Warning: maxDynamic…\n`);
  });
  it('a notice without its newline at the very end is dropped too; a notice not at a line start is not', async () => {
    expect((await run([NOTICES[0].trimEnd()])).all).toBe('');
    expect((await run([`x ${NOTICES[0]}`])).all).toBe(`x ${NOTICES[0]}`);
  });
});
