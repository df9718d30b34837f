// The web page's model source: downloads report their bytes as they arrive, and which methods can run is
// found by asking the server (HEAD), without downloading a model until a method runs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchSource, type DownloadProgress } from '../../src/pipeline/source.js';
import { findMissing } from '../../src/pipeline/missing.js';
import { getMethod } from '../../src/pipeline/methods/index.js';
import type { System } from '../../src/pipeline/system.js';
import { testRng } from '../helpers.js';

/** A server of the given files: GET streams each file in chunks of `chunk` bytes; HEAD answers without a body. */
function serve(files: Record<string, Uint8Array>, chunk: number, requests: string[]) {
  return async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url}`);
    const body = files[url];
    if (!body) return new Response('not found', { status: 404 });
    const headers = { 'content-length': String(body.length) };
    if (method === 'HEAD') return new Response(null, { status: 200, headers });
    let p = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (p >= body.length) return c.close();
        c.enqueue(body.slice(p, p + chunk));
        p += chunk;
      },
    });
    return new Response(stream, { status: 200, headers });
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('fetchSource', () => {
  it('returns the bytes and reports each chunk, then done', async () => {
    const rng = testRng();
    const bytes = Uint8Array.from(rng.f32(1001, 0, 255), (v) => Math.floor(v));
    const requests: string[] = [];
    vi.stubGlobal('fetch', serve({ 'models/a.safetensors': bytes }, 300, requests));
    const seen: DownloadProgress[] = [];
    const source = fetchSource({ jscc: 'models/a.safetensors' }, (p) => seen.push({ ...p }));
    expect(Array.from((await source.read('models/a.safetensors'))!)).toEqual(Array.from(bytes));
    expect(seen.map((p) => p.loaded)).toEqual([300, 600, 900, 1001, 1001]);
    expect(seen.every((p) => p.total === 1001 && p.url === 'models/a.safetensors')).toBe(true);
    expect(seen.map((p) => p.done)).toEqual([false, false, false, false, true]);
    expect(await source.read('models/none.safetensors')).toBeNull();
    expect(await source.exists!('models/a.safetensors')).toBe(true);
    expect(await source.exists!('models/none.safetensors')).toBe(false);
  });
});

describe('findMissing without loading', () => {
  it('asks the source whether each model exists and downloads none; loading is the default', async () => {
    const requests: string[] = [];
    const one = new Uint8Array([1]);
    vi.stubGlobal('fetch', serve({ 'm/prior.safetensors': one, 'm/inn_snr1.safetensors': one }, 1, requests));
    const source = fetchSource({ jscc: 'm/jscc.safetensors', prior: 'm/prior.safetensors', inn: (snr) => `m/inn_snr${snr}.safetensors` });
    const loads: string[] = [];
    // a system whose models would be loaded by these calls: they must not be made without `load`
    const system = {
      source, jscc: { cfg: { size: 64, bcr: [1, 48] } },
      prior: async () => (loads.push('prior'), null),
      inn: async (snr: number) => (loads.push(`inn ${snr}`), null),
    } as unknown as System;
    const commin = getMethod('commin');
    expect(await findMissing(system, commin, 1, { load: false })).toEqual([]);
    expect((await findMissing(system, commin, 4, { load: false })).map((m) => m.file)).toEqual(['m/inn_snr4.safetensors']);
    expect(loads).toEqual([]);
    expect(requests.every((r) => r.startsWith('HEAD '))).toBe(true);
    // by default each model is loaded (here the stand-ins say none is there)
    expect((await findMissing(system, commin, 1)).map((m) => m.need)).toEqual(['prior', 'inn']);
    expect(loads).toEqual(['prior', 'inn 1']);
  });
});
