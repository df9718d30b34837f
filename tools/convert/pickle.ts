// A minimal unpickler for PyTorch checkpoints: the opcodes torch.save emits for state dicts (protocol 2),
// with persistent ids for tensor storages. It builds plain JS values; class references come back as
// { module, name } and reduce/build calls as { callable, args } — the converter interprets the few it needs.

export interface Global { module: string; name: string }
export interface Reduced { callable: unknown; args: unknown[]; state?: unknown }
export interface PersistentId { persistent: unknown }

const isGlobal = (v: unknown): v is Global => typeof v === 'object' && v !== null && 'module' in v && 'name' in v;

export function unpickle(bytes: Uint8Array, persistentLoad: (pid: unknown) => unknown = (p) => ({ persistent: p })): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let i = 0;
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) throw new Error('pickle: MARK expected');
    return stack.splice(m);
  };
  const text = (n: number) => {
    const s = new TextDecoder().decode(bytes.subarray(i, i + n));
    i += n;
    return s;
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, i);
    const s = new TextDecoder().decode(bytes.subarray(i, end));
    i = end + 1;
    return s;
  };
  for (;;) {
    if (i >= bytes.length) throw new Error('pickle: truncated (no STOP)');
    const op = bytes[i++];
    switch (op) {
      case 0x80: i++; break; // PROTO
      case 0x95: i += 8; break; // FRAME
      case 0x2e: return stack.pop(); // STOP
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(bytes[i++]); break; // BININT1
      case 0x4d: stack.push(dv.getUint16(i, true)); i += 2; break; // BININT2
      case 0x4a: stack.push(dv.getInt32(i, true)); i += 4; break; // BININT
      case 0x8a: { // LONG1
        const n = bytes[i++];
        let v = 0n;
        for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[i + k]);
        if (n > 0 && bytes[i + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        i += n;
        stack.push(Number(v));
        break;
      }
      case 0x47: stack.push(dv.getFloat64(i, false)); i += 8; break; // BINFLOAT (big-endian)
      case 0x58: { const n = dv.getUint32(i, true); i += 4; stack.push(text(n)); break; } // BINUNICODE
      case 0x8c: { const n = bytes[i++]; stack.push(text(n)); break; } // SHORT_BINUNICODE
      case 0x55: { const n = bytes[i++]; stack.push(text(n)); break; } // SHORT_BINSTRING
      case 0x54: { const n = dv.getUint32(i, true); i += 4; stack.push(text(n)); break; } // BINSTRING
      case 0x63: { const module = line(); const name = line(); stack.push({ module, name }); break; } // GLOBAL
      case 0x93: { const name = stack.pop() as string; const module = stack.pop() as string; stack.push({ module, name }); break; } // STACK_GLOBAL
      case 0x71: memo.set(bytes[i++], stack[stack.length - 1]); break; // BINPUT
      case 0x72: memo.set(dv.getUint32(i, true), stack[stack.length - 1]); i += 4; break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, stack[stack.length - 1]); break; // MEMOIZE
      case 0x68: stack.push(memo.get(bytes[i++])); break; // BINGET
      case 0x6a: stack.push(memo.get(dv.getUint32(i, true))); i += 4; break; // LONG_BINGET
      case 0x85: stack.push([stack.pop()]); break; // TUPLE1
      case 0x86: { const b = stack.pop(); const a = stack.pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = stack.pop(); const b = stack.pop(); const a = stack.pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = stack.pop(); (stack[stack.length - 1] as unknown[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); (stack[stack.length - 1] as unknown[]).push(...items); break; } // APPENDS
      case 0x73: { const v = stack.pop(); const k = stack.pop(); setItem(stack[stack.length - 1], k, v); break; } // SETITEM
      case 0x75: { const items = popMark(); for (let k = 0; k < items.length; k += 2) setItem(stack[stack.length - 1], items[k], items[k + 1]); break; } // SETITEMS
      case 0x51: stack.push(persistentLoad(stack.pop())); break; // BINPERSID
      case 0x52: { const args = stack.pop() as unknown[]; const callable = stack.pop(); stack.push(reduce(callable, args)); break; } // REDUCE
      case 0x81: { const args = stack.pop() as unknown[]; const cls = stack.pop(); stack.push(reduce(cls, args)); break; } // NEWOBJ
      case 0x62: { const state = stack.pop(); const obj = stack[stack.length - 1]; if (obj && typeof obj === 'object') (obj as Reduced).state = state; break; } // BUILD
      default:
        throw new Error(`pickle: unsupported opcode 0x${op.toString(16)} at byte ${i - 1}`);
    }
  }
}

function setItem(target: unknown, k: unknown, v: unknown): void {
  if (target instanceof Map) target.set(k, v);
  else if (target && typeof target === 'object' && 'dict' in target) (target as { dict: Map<unknown, unknown> }).dict.set(k, v);
  else throw new Error('pickle: SETITEM on a non-dict');
}

function reduce(callable: unknown, args: unknown[]): unknown {
  // an OrderedDict() is a dict whose items follow through SETITEMS
  if (isGlobal(callable) && callable.module === 'collections' && callable.name === 'OrderedDict') return new Map();
  return { callable, args } satisfies Reduced;
}
