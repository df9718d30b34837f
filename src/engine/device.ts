// One entry point for a GPUDevice in Node (Dawn via the `webgpu` package, see platform.ts) and in the browser.
import { isNode, nodeGpu } from './platform.js';

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
  /** Resolves with the loss info when the device is lost. */
  lost: Promise<GPUDeviceLostInfo>;
}

export interface DeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** Dawn toggles / flags for Node's `create()`, e.g. ['enable-dawn-features=disable_robustness']. */
  dawnFlags?: string[];
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
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new Error(
      isNode
        ? 'No WebGPU adapter found. On Linux without a GPU install Mesa lavapipe (mesa-vulkan-drivers from bookworm-backports).'
        : 'This browser offers WebGPU but no adapter: turn on hardware acceleration, or start Chrome/Chromium with ' +
            '--enable-unsafe-webgpu (on Linux also --enable-features=Vulkan).',
    );
  }
  const has = (f: string) => adapter.features.has(f as GPUFeatureName);
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
  for (const k of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
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
    lost: device.lost,
  };
}
