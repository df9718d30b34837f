// One entry point for a GPUDevice in Node (Dawn via the `webgpu` package, see platform.ts) and in the browser.
import { dawnCall, isNode, nodeGpu } from './platform.js';

export interface DeviceFeatures {
  shaderF16: boolean;
  subgroups: boolean;
  /** The adapter's smallest subgroup size (0 when unknown or without subgroups). */
  subgroupMinSize: number;
  timestampQuery: boolean;
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapterInfo: { vendor: string; architecture: string; device: string; description: string };
  features: DeviceFeatures;
  /** Which limits were requested: the adapter's, or WebGPU's defaults. */
  limitsMode: 'adapter' | 'default';
  /** Resolves with the loss info when the device is lost. */
  lost: Promise<GPUDeviceLostInfo>;
}

/** The optional features the engine uses; any of them can be turned off (disableFeatures). */
export const OPTIONAL_FEATURES = ['subgroups', 'shader-f16', 'timestamp-query'] as const;
export type OptionalFeature = (typeof OPTIONAL_FEATURES)[number];

export interface DeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** Dawn toggles / flags for Node's `create()`, e.g. ['enable-dawn-features=disable_robustness']. */
  dawnFlags?: string[];
  /**
   * Features not to use even where the adapter has them, so the engine behaves as on an adapter without
   * them (no variant needing them is compiled or chosen). In Node, $COMMIN_DISABLE_FEATURES (comma-separated)
   * adds to it.
   */
  disableFeatures?: readonly OptionalFeature[];
  /**
   * 'adapter' (default): the limits the kernels want, as large as the adapter allows; 'default': only
   * WebGPU's default limits (16 KiB of workgroup storage, 256 invocations per workgroup, 128 MiB per storage
   * binding, 8 storage buffers per stage), as some browsers give. In Node, $COMMIN_LIMITS sets it.
   */
  limits?: 'adapter' | 'default';
}

/** The options with Node's environment applied ($COMMIN_DISABLE_FEATURES, $COMMIN_LIMITS); bad values are errors naming them. */
export function resolveDeviceOptions(opts: DeviceOptions): { disable: Set<OptionalFeature>; limits: 'adapter' | 'default' } {
  const env = isNode ? process.env : {};
  const named = [...(opts.disableFeatures ?? []), ...(env.COMMIN_DISABLE_FEATURES ?? '').split(',').map((s) => s.trim()).filter(Boolean)];
  for (const f of named) {
    if (!(OPTIONAL_FEATURES as readonly string[]).includes(f)) throw new Error(`disableFeatures: unknown feature '${f}' (the engine's optional features: ${OPTIONAL_FEATURES.join(', ')})`);
  }
  const limits = opts.limits ?? (env.COMMIN_LIMITS as 'adapter' | 'default' | undefined) ?? 'adapter';
  if (limits !== 'adapter' && limits !== 'default') throw new Error(`limits: '${limits}' is not 'adapter' or 'default' (COMMIN_LIMITS)`);
  return { disable: new Set(named as OptionalFeature[]), limits };
}

async function getGpu(opts: DeviceOptions): Promise<GPU> {
  if (typeof navigator !== 'undefined' && (navigator as Navigator).gpu && !isNode) return (navigator as Navigator).gpu;
  if (!isNode) {
    throw new Error(
      'WebGPU is not available in this browser: use a recent Chrome/Edge (or Chromium with --enable-unsafe-webgpu), ' +
        'or Firefox/Safari with WebGPU enabled.',
    );
  }
  return nodeGpu(opts.dawnFlags ?? []);
}

// Limits the kernels want as large as the adapter allows (the defaults are far smaller on most adapters).
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

export async function acquireDevice(opts: DeviceOptions = {}): Promise<AcquiredDevice> {
  const gpu = await getGpu(opts);
  const adapter = await dawnCall(() => gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' }));
  if (!adapter) {
    throw new Error(
      isNode
        ? 'No WebGPU adapter found. On Linux without a GPU install Mesa lavapipe (mesa-vulkan-drivers from bookworm-backports).'
        : 'This browser offers WebGPU but no adapter: turn on hardware acceleration, or start Chrome/Chromium with ' +
            '--enable-unsafe-webgpu (on Linux also --enable-features=Vulkan).',
    );
  }
  const { disable, limits } = resolveDeviceOptions(opts);
  const has = (f: OptionalFeature) => adapter.features.has(f as GPUFeatureName) && !disable.has(f);
  const sgMin = (adapter.info as unknown as { subgroupMinSize?: number } | undefined)?.subgroupMinSize ?? 0;
  const features: DeviceFeatures = {
    shaderF16: has('shader-f16'),
    subgroups: has('subgroups'),
    subgroupMinSize: has('subgroups') ? sgMin : 0,
    timestampQuery: has('timestamp-query'),
  };
  const requiredFeatures: GPUFeatureName[] = [];
  if (features.shaderF16) requiredFeatures.push('shader-f16');
  if (features.subgroups) requiredFeatures.push('subgroups' as GPUFeatureName);
  if (features.timestampQuery) requiredFeatures.push('timestamp-query');
  const requiredLimits: Record<string, number> = {};
  for (const k of limits === 'default' ? [] : WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const device = await dawnCall(() => adapter.requestDevice({ requiredFeatures, requiredLimits }));
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  return {
    device,
    adapterInfo: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
    },
    features,
    limitsMode: limits,
    lost: device.lost,
  };
}
