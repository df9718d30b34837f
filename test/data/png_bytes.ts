// Hand-built PNG files, independent of fast-png, so the decoder is tested against the spec rather than
// against its own library's encoder: any bit depth and colour type, a palette, raw (unfiltered) rows.
import { zlibSync } from 'fflate';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC over type and data. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Packs samples of `depth` bits (1, 2, 4, 8 or 16) into one row, high bits first, padded to a byte. */
export function packRow(samples: number[], depth: number): Uint8Array {
  if (depth === 16) return Uint8Array.from(samples.flatMap((s) => [s >> 8, s & 0xff]));
  const out = new Uint8Array(Math.ceil((samples.length * depth) / 8));
  samples.forEach((s, i) => (out[(i * depth) >> 3] |= s << (8 - depth - ((i * depth) & 7))));
  return out;
}

export interface PngSpec {
  width: number;
  height: number;
  depth: number;
  /** 0 grey, 2 RGB, 3 indexed, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  /** Each row's samples (all channels interleaved), packed by packRow. */
  rows: number[][];
  palette?: number[][];
  /** Alpha per palette entry (a tRNS chunk). */
  alpha?: number[];
  interlace?: number;
  /** zlib level; 0 stores the rows uncompressed, so a flipped byte is a different, still valid stream. */
  level?: number;
}

export function makePng(s: PngSpec): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, s.width);
  view.setUint32(4, s.height);
  ihdr.set([s.depth, s.colorType, 0, 0, s.interlace ?? 0], 8);
  const raw = s.rows.flatMap((r) => [0, ...packRow(r, s.depth)]); // filter type 0 per row
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr)];
  if (s.palette) parts.push(chunk('PLTE', Uint8Array.from(s.palette.flat())));
  if (s.alpha) parts.push(chunk('tRNS', Uint8Array.from(s.alpha)));
  parts.push(chunk('IDAT', zlibSync(Uint8Array.from(raw), { level: (s.level ?? 6) as 0 | 6 })), chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}
