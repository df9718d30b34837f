// A launch's arguments typed per kernel from the generated signatures (kernel_signatures.generated.ts): a
// misspelt kernel, a wrong number of buffers, an unknown uniform or a missing one fails to compile. Kernels
// registered at run time (registerShader) are checked when launched only.
import type { Overrides, UniformValues } from './kernel.js';
import type { KernelName, KernelSignatures } from './kernel_signatures.generated.js';

export type { KernelName, KernelSignatures };

declare const userKernel: unique symbol;
/** The name of a kernel registered at run time, as registerShader() returns it. */
export type UserKernel = string & { readonly [userKernel]: true };

/** What engine.launch() runs: a bundled kernel (shaders/*.wgsl) or a registered one. */
export type Kernel = KernelName | UserKernel;

/** A GPUBuffer per storage binding, in binding order. */
type BufferTuple<Names extends readonly string[]> = { readonly [I in keyof Names]: GPUBuffer };

/** The intersection of a union's members. */
type AllOf<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The buffers of a union of kernels: their one tuple, or (taking different numbers of buffers) a refusal that says why. */
type SharedBuffers<Tuples> = [Tuples] extends [AllOf<Tuples>] ? Tuples : 'kernels taking different numbers of buffers';

/** Every uniform field is required (packing refuses a missing one); a union of kernels needs the fields of each. */
type UniformsOf<Fields extends string> = [Fields] extends [never]
  ? { readonly uniforms?: undefined }
  : { readonly uniforms: Readonly<Record<Fields, UniformValues[string]>> };

interface LaunchCommon {
  overrides?: Overrides;
  workgroups: [number, number?, number?];
  /** Shapes etc., for error messages and profiling labels. */
  label?: string;
}

/** The launch of a registered kernel: buffers and uniforms as its WGSL has them, checked at launch. */
export interface UserLaunch extends LaunchCommon {
  /** Buffers for the kernel's storage bindings, in binding order. */
  buffers: readonly GPUBuffer[];
  uniforms?: UniformValues;
}

type KernelLaunch<K extends KernelName> = LaunchCommon & { readonly buffers: SharedBuffers<BufferTuple<KernelSignatures[K]['bindings']>> } & UniformsOf<KernelSignatures[K]['uniforms']>;

/** The launch of kernel K, or of a union of kernels (one chosen at run time): then it must suit each of them. */
export type Launch<K extends Kernel> = [K] extends [KernelName] ? KernelLaunch<K & KernelName> : UserLaunch;
