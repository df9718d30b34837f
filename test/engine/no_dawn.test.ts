// Dawn is an optional dependency: in Node without the `webgpu` package, Engine.create() stops with one line
// that says how to install it.
import { describe, expect, it, vi } from 'vitest';

vi.mock('webgpu', () => { throw new Error("Cannot find package 'webgpu' imported from platform.js"); });

describe('without the webgpu package', () => {
  it('Engine.create() names the package and the command that installs it', async () => {
    const { Engine } = await import('../../src/index.js');
    await expect(Engine.create()).rejects.toThrow(/^WebGPU in Node needs the optional package 'webgpu' \(Dawn\): npm install webgpu \(.+\)$/);
  });
});
