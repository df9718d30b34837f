// Which model files a method lacks at an SNR: callers decide whether that is an error (a method the user
// named) or a skip (a default method whose models are not there).
import type { Method } from './method.js';
import type { System } from './system.js';

export async function missingModels(system: System, method: Method, snr: number): Promise<string[]> {
  const { paths } = system.source;
  const out: string[] = [];
  for (const need of method.needs) {
    if (need === 'prior' && !(await system.prior())) out.push(paths.prior ?? 'a diffusion prior');
    if (need === 'inn' && !(await system.inn(snr))) out.push(paths.inn?.(snr) ?? `an INN for ${snr} dB`);
    if (need === 'lpips' && !system.lpips) out.push(paths.lpips ?? 'LPIPS weights');
  }
  return out;
}

/** The methods whose models are all there at every SNR, and for the others what is missing. */
export async function splitAvailable(system: System, methods: Method[], snrs: number[]): Promise<{ ready: Method[]; skipped: { method: Method; missing: string[] }[] }> {
  const ready: Method[] = [], skipped: { method: Method; missing: string[] }[] = [];
  for (const method of methods) {
    const missing = [...new Set((await Promise.all(snrs.map((s) => missingModels(system, method, s)))).flat())];
    if (missing.length) skipped.push({ method, missing });
    else ready.push(method);
  }
  return { ready, skipped };
}

/** Methods the user named must run: a missing model is an error naming it. */
export async function requireAvailable(system: System, methods: Method[], snrs: number[]): Promise<void> {
  const { skipped } = await splitAvailable(system, methods, snrs);
  if (skipped.length) throw new Error(skipped.map((s) => `${s.method.label} needs ${s.missing.join(', ')}, which ${s.missing.length === 1 ? 'does' : 'do'} not exist`).join('; '));
}
