// Outputs are written to a unique temporary name and renamed into place: a disk that fills up halfway leaves
// the previous file as it was and no temporary file, and the error names the file.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileOps, writeFileAtomic } from '../../src/util/atomic_write.js';
import { saveCheckpoint } from '../../src/train/checkpoint.js';
import { Params } from '../../src/networks/params.js';
import { useEngine } from '../helpers.js';

const engine = useEngine();
const real = { ...fileOps };
afterEach(() => Object.assign(fileOps, real));

/** A disk with room for `room` more bytes: a longer write leaves a truncated file and fails with ENOSPC, as Node's does. */
function fillAfter(room: number) {
  fileOps.writeFileSync = ((path: string, data: string | Uint8Array) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    real.writeFileSync(path, bytes.subarray(0, Math.min(room, bytes.length)));
    if (bytes.length > room) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }) as typeof fileOps.writeFileSync;
}

describe('atomic outputs', () => {
  it('a full disk leaves the previous file byte for byte, no temporary file, and an error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const f = join(dir, 'p_deepjscc_snr1.png');
    writeFileSync(f, 'the good result');
    fillAfter(4);
    expect(() => writeFileAtomic(f, 'a longer new result', 'image')).toThrow(/could not write image '.*p_deepjscc_snr1\.png': ENOSPC no space left on device/);
    expect(readFileSync(f, 'utf8')).toBe('the good result');
    expect(readdirSync(dir)).toEqual(['p_deepjscc_snr1.png']);
    Object.assign(fileOps, real);
    writeFileAtomic(f, 'replaced');
    expect(readFileSync(f, 'utf8')).toBe('replaced');
    expect(readdirSync(dir)).toEqual(['p_deepjscc_snr1.png']);
  });

  it('a checkpoint write that runs out of space keeps the last checkpoint and leaves no .tmp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const path = join(dir, 'c.safetensors');
    const p = new Params(engine(), 0);
    p.constant('w', [1000], 1);
    await saveCheckpoint(path, p, null, { step: 1, seconds: 0 });
    const good = readFileSync(path);
    fillAfter(1000);
    await expect(saveCheckpoint(path, p, null, { step: 2, seconds: 1 })).rejects.toThrow(/could not write checkpoint '.*c\.safetensors': ENOSPC .*\(the previous checkpoint, if any, is unchanged\)/);
    expect(readFileSync(path).equals(good)).toBe(true);
    expect(readdirSync(dir)).toEqual(['c.safetensors']);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    p.dispose();
  });
});
