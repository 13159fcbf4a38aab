import { describe, expect, it } from 'vitest';
import { chooseBackend, modelOnlyThreadCount, wasmThreadCount, type AdapterSummary, type BackendEnvironment } from '../../../src/inference/backendChoice.ts';

const isolated: BackendEnvironment = { crossOriginIsolated: true, hardwareConcurrency: 2, hasWebGpuApi: true };
const hardware: AdapterSummary = { vendor: 'nvidia', architecture: 'ada', description: '', isFallbackAdapter: false };
const swiftshader: AdapterSummary = { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true };

describe('chooseBackend', () => {
  it('auto picks WebGPU only on a hardware adapter', () => {
    expect(chooseBackend('auto', hardware, isolated)).toMatchObject({ backend: 'webgpu', threads: 0 });
    expect(chooseBackend('auto', hardware, isolated).reason).toContain('nvidia');
  });

  it('auto avoids a software fallback adapter and says why', () => {
    const d = chooseBackend('auto', swiftshader, isolated);
    expect(d.backend).toBe('wasm');
    expect(d.reason).toMatch(/software fallback/);
  });

  it('auto uses WASM without an adapter or without the WebGPU API', () => {
    expect(chooseBackend('auto', null, isolated).reason).toMatch(/no adapter/);
    expect(chooseBackend('auto', null, { ...isolated, hasWebGpuApi: false }).reason).toMatch(/no WebGPU/);
  });

  it('?backend=webgpu forces WebGPU even on a fallback adapter, and falls back when there is none', () => {
    expect(chooseBackend('webgpu', swiftshader, isolated).backend).toBe('webgpu');
    const d = chooseBackend('webgpu', null, isolated);
    expect(d.backend).toBe('wasm');
    expect(d.reason).toMatch(/fell back to WASM/);
  });

  it('?backend=wasm wins over a hardware adapter', () => {
    expect(chooseBackend('wasm', hardware, isolated)).toMatchObject({ backend: 'wasm', threads: 1 });
  });

  it('uses one WASM thread without cross-origin isolation and says so', () => {
    const d = chooseBackend('wasm', null, { ...isolated, crossOriginIsolated: false, hardwareConcurrency: 8 });
    expect(d.threads).toBe(1);
    expect(d.reason).toMatch(/not cross-origin isolated/);
  });

  it('leaves one core to the page and caps WASM threads at 4', () => {
    expect(wasmThreadCount({ ...isolated, hardwareConcurrency: 2 })).toBe(1);
    expect(wasmThreadCount({ ...isolated, hardwareConcurrency: 4 })).toBe(3);
    expect(wasmThreadCount({ ...isolated, hardwareConcurrency: 16 })).toBe(4);
    expect(wasmThreadCount({ ...isolated, hardwareConcurrency: 1 })).toBe(1);
    expect(wasmThreadCount({ ...isolated, hardwareConcurrency: 0 })).toBe(1);
  });

  it('a model-only page (eval) uses every core up to 4', () => {
    expect(modelOnlyThreadCount(2)).toBe(2);
    expect(modelOnlyThreadCount(16)).toBe(4);
    expect(modelOnlyThreadCount(0)).toBe(1);
  });
});
