// Asks for a WebGPU adapter (works in dedicated workers). `navigator.gpu` can exist without any
// adapter (e.g. headless Chromium without --enable-unsafe-webgpu), so only requestAdapter() tells.

import type { AdapterSummary } from './backendChoice.ts';

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

export function hasWebGpuApi(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && (navigator as { gpu?: unknown }).gpu != null;
}

// 15 s: under heavy load a SwiftShader adapter took longer than 5 s to answer (bench fell back to WASM).
export async function probeWebGpuAdapter(timeoutMs = 15_000): Promise<AdapterSummary | null> {
  if (!hasWebGpuApi()) return null;
  const gpu = (navigator as unknown as { gpu: GpuLike }).gpu;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const adapter = await Promise.race([gpu.requestAdapter({ powerPreference: 'high-performance' }), timeout]);
    if (!adapter) return null;
    const info = adapter.info ?? {};
    return {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      description: info.description ?? '',
      // Newer Chromium reports it on GPUAdapterInfo, older on the adapter itself.
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
    };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
