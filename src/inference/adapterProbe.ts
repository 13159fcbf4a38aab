// Asks for a WebGPU adapter (works in dedicated workers). `navigator.gpu` can exist without any
// adapter (e.g. headless Chromium without --enable-unsafe-webgpu), so only requestAdapter() tells.
// The probe keeps the adapter object: the device that runs the model is created from this very
// adapter (webgpuDevice.ts), so the adapter the HUD names is the one doing the work, even on a
// machine with two GPUs where a second requestAdapter() could answer with the other one.

import type { AdapterSummary } from './backendChoice.ts';

/** The parts of the WebGPU API used here, so the logic runs against fakes in unit tests. */
export interface GpuAdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}
export interface GpuDeviceLostInfoLike {
  readonly reason?: string;
  readonly message?: string;
}
export interface GpuDeviceLike {
  readonly lost: Promise<GpuDeviceLostInfoLike>;
  destroy(): void;
}
export interface GpuDeviceDescriptorLike {
  readonly label?: string;
  readonly requiredFeatures: readonly string[];
  readonly requiredLimits: Readonly<Record<string, number>>;
}
export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  /** Older Chromium reports it here instead of on `info`. */
  readonly isFallbackAdapter?: boolean;
  readonly features: { has(name: string): boolean };
  /** A GPUSupportedLimits: its limits are getters, read them by name. */
  readonly limits: object;
  requestDevice(descriptor?: GpuDeviceDescriptorLike): Promise<GpuDeviceLike>;
}
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

/** What the probe found: a summary for the backend choice and the HUD, and the adapter itself. */
export interface ProbedAdapter {
  readonly summary: AdapterSummary;
  /** Create the model's device from this adapter (createOrtDevice), never from a second request. */
  readonly adapter: GpuAdapterLike;
}

export function hasWebGpuApi(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && (navigator as { gpu?: unknown }).gpu != null;
}

function navigatorGpu(): GpuLike | null {
  return hasWebGpuApi() ? (navigator as unknown as { gpu: GpuLike }).gpu : null;
}

export function summarizeAdapter(adapter: GpuAdapterLike): AdapterSummary {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    // Newer Chromium reports it on GPUAdapterInfo, older on the adapter itself.
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
  };
}

// 15 s: under heavy load a SwiftShader adapter took longer than 5 s to answer (bench fell back to WASM).
export async function probeWebGpuAdapter(timeoutMs = 15_000, gpu: GpuLike | null = navigatorGpu()): Promise<ProbedAdapter | null> {
  if (!gpu) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const adapter = await Promise.race([gpu.requestAdapter({ powerPreference: 'high-performance' }), timeout]);
    if (!adapter) return null;
    return { summary: summarizeAdapter(adapter), adapter };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
