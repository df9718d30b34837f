/** The message shown where navigator.gpu is missing: which browser or flag enables WebGPU. */
export function webgpuHelp(): string {
  return (
    'This browser does not offer WebGPU (navigator.gpu is missing). Use Chrome or Edge 113+ on a desktop, ' +
    'Safari 26+, or Firefox 141+ on Windows; on Linux start Chrome/Chromium with --enable-unsafe-webgpu ' +
    '(and --enable-features=Vulkan). WebGPU also needs a secure context: https:// or http://localhost.'
  );
}
