// A kernel = one WGSL file. Its bind-group layout and uniform struct layout come from reflecting the WGSL
// (wgsl_reflect), so no binding table is kept by hand. Pipelines are cached per kernel + override values.
// The package's "main" is a CommonJS file in a "type": "module" package, which Node cannot load: use its ESM build.
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import type { VariableInfo, MemberInfo } from 'wgsl_reflect';

export type Overrides = Record<string, number | boolean>;
export type UniformValues = Record<string, number | ArrayLike<number>>;

interface BindingInfo {
  binding: number;
  name: string;
  kind: 'uniform' | 'read-only-storage' | 'storage';
}

interface UniformField {
  name: string;
  offset: number;
  scalar: 'f32' | 'u32' | 'i32';
  count: number; // 1 for scalars; elements for vecN / array<T, N>
  stride: number; // bytes between elements
}

export interface UniformLayout {
  binding: number;
  size: number; // bytes, padded to 16
  fields: UniformField[];
}

function scalarOf(typeName: string): 'f32' | 'u32' | 'i32' {
  if (typeName.includes('f32')) return 'f32';
  if (typeName.includes('i32')) return 'i32';
  if (typeName.includes('u32')) return 'u32';
  throw new Error(`uniform member type '${typeName}' is not supported (use f32/u32/i32, vecN or arrays of them)`);
}

// (scalar name, component count) of a scalar or vecN type as wgsl_reflect describes it
function scalarAndCount(t: { name: string; format?: { name: string } | null }): ['f32' | 'u32' | 'i32', number] {
  const vec = /^vec(\d)/.exec(t.name);
  if (!vec) return [scalarOf(t.name), 1];
  const short = /^vec\d([fiu])$/.exec(t.name); // vec4f etc.
  const elem = short ? { f: 'f32', i: 'i32', u: 'u32' }[short[1]]! : (t.format?.name ?? '');
  return [scalarOf(elem), Number(vec[1])];
}

function uniformFields(members: MemberInfo[]): UniformField[] {
  return members.map((m) => {
    if (m.type.isArray) {
      const [scalar, per] = scalarAndCount(m.format as unknown as { name: string; format?: { name: string } });
      // arrays of vec4<u32> pack small u32 arrays under the 16-byte uniform array stride
      return { name: m.name, offset: m.offset, scalar, count: m.count * per, stride: m.stride / per };
    }
    const [scalar, count] = scalarAndCount(m.type as unknown as { name: string; format?: { name: string } });
    return { name: m.name, offset: m.offset, scalar, count, stride: 4 };
  });
}

/** Fields a launch need not give: they only pad the uniform struct to its layout. */
export const isPadding = (field: string): boolean => field.startsWith('_pad');

export class KernelInfo {
  readonly bindings: BindingInfo[];
  readonly uniform: UniformLayout | null;
  readonly overrideNames: Set<string>;
  readonly workgroupSize: [number, number, number] | null;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    let reflect: WgslReflect;
    try {
      reflect = new WgslReflect(source);
    } catch (e) {
      throw new Error(`kernel '${name}': WGSL could not be parsed: ${(e as Error).message}`);
    }
    const entry = reflect.entry.compute[0];
    if (!entry) throw new Error(`kernel '${name}': no @compute entry point`);
    const resources: VariableInfo[] = entry.resources.filter((r) => r.group === 0);
    // (the package's Node build does not export its ResourceType enum: classify by the reflect lists)
    const uniformNames = new Set(reflect.uniforms.map((u) => u.name));
    this.bindings = resources
      .map((r): BindingInfo => {
        const kind =
          uniformNames.has(r.name)
            ? 'uniform'
            : r.access === 'read'
              ? 'read-only-storage'
              : 'storage';
        return { binding: r.binding, name: r.name, kind };
      })
      .sort((a, b) => a.binding - b.binding);
    const u = resources.find((r) => uniformNames.has(r.name));
    this.uniform = u
      ? { binding: u.binding, size: Math.ceil(u.size / 16) * 16, fields: uniformFields(u.members ?? []) }
      : null;
    this.overrideNames = new Set(reflect.overrides.map((o) => o.name));
    this.workgroupSize = entry.workgroupSize;
  }

  /** The storage bindings in binding order: what a launch must pass as buffers. */
  get storageBindings(): BindingInfo[] {
    return this.bindings.filter((b) => b.kind !== 'uniform');
  }

  packUniforms(values: UniformValues, out: DataView, base: number): void {
    const layout = this.uniform;
    if (!layout) return;
    for (const f of layout.fields) {
      const v = values[f.name];
      if (v === undefined) {
        if (isPadding(f.name)) continue;
        throw new Error(`kernel '${this.name}': uniform '${f.name}' not given`);
      }
      const arr: ArrayLike<number> = typeof v === 'number' ? [v] : v;
      if (arr.length > f.count) throw new Error(`kernel '${this.name}': uniform '${f.name}' has ${arr.length} > ${f.count} values`);
      for (let i = 0; i < arr.length; i++) {
        const at = base + f.offset + i * f.stride;
        if (f.scalar === 'f32') out.setFloat32(at, arr[i], true);
        else if (f.scalar === 'u32') out.setUint32(at, arr[i] >>> 0, true);
        else out.setInt32(at, arr[i] | 0, true);
      }
    }
  }
}

export function overridesKey(o: Overrides | undefined): string {
  if (!o) return '';
  return Object.keys(o)
    .sort()
    .map((k) => `${k}=${Number(o[k])}`)
    .join(',');
}
