// Models from files (Node only: kept apart from source.ts so the web bundle never imports node:fs).
import { existsSync, readFileSync } from 'node:fs';
import type { ByteSource, ModelPaths } from './source.js';

export function fileSource(paths: ModelPaths): ByteSource {
  return { paths, read: async (p) => (existsSync(p) ? new Uint8Array(readFileSync(p)) : null) };
}
