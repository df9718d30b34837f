// Writes a state dict in torch.save's zip format (protocol-2 pickle with persistent storage ids), the way
// PyTorch does, so the converter can be tested without Python.
import { zipSync } from 'fflate';

class Pickler {
  private out: number[] = [];
  byte(...b: number[]) { this.out.push(...b); }
  u32(n: number) { this.out.push(n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255); }
  str(s: string) { const b = new TextEncoder().encode(s); this.byte(0x58); this.u32(b.length); this.out.push(...b); }
  int(n: number) { this.byte(0x4a); this.u32(n); }
  global(m: string, n: string) { this.byte(0x63, ...new TextEncoder().encode(`${m}\n${n}\n`)); }
  bytes() { return Uint8Array.from(this.out); }
}

export function writeTorchCheckpoint(tensors: Map<string, { shape: number[]; data: Float32Array }>, prefix = 'archive'): Uint8Array {
  const p = new Pickler();
  const files: Record<string, Uint8Array> = {};
  p.byte(0x80, 2); // PROTO 2
  p.global('collections', 'OrderedDict');
  p.byte(0x29, 0x52); // EMPTY_TUPLE, REDUCE
  p.byte(0x28); // MARK
  let key = 0;
  for (const [name, t] of tensors) {
    p.str(name);
    p.global('torch._utils', '_rebuild_tensor_v2');
    p.byte(0x28); // MARK (args tuple)
    p.byte(0x28); // MARK (persistent id tuple)
    p.str('storage');
    p.global('torch', 'FloatStorage');
    p.str(String(key));
    p.str('cpu');
    p.int(t.data.length);
    p.byte(0x74, 0x51); // TUPLE, BINPERSID
    p.int(0); // storage offset
    p.byte(0x28); for (const d of t.shape) p.int(d); p.byte(0x74); // size
    const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    p.byte(0x28); for (const s of strides) p.int(s); p.byte(0x74); // stride
    p.byte(0x89); // requires_grad False
    p.global('collections', 'OrderedDict');
    p.byte(0x29, 0x52); // backward hooks
    p.byte(0x74, 0x52); // TUPLE, REDUCE
    files[`${prefix}/data/${key}`] = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
    key++;
  }
  p.byte(0x75, 0x2e); // SETITEMS, STOP
  files[`${prefix}/data.pkl`] = p.bytes();
  files[`${prefix}/version`] = new TextEncoder().encode('3\n');
  return zipSync(files, { level: 0 });
}
