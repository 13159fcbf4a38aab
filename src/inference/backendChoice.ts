// Which onnxruntime-web backend runs the model, and why. Pure: the worker probes the adapter and
// passes what it found, so this decision is unit-tested without a browser.

export type BackendRequest = 'auto' | 'webgpu' | 'wasm';
export type Backend = 'webgpu' | 'wasm';

export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'webgpu', 'wasm'];

/** What the worker learnt from `navigator.gpu.requestAdapter()`; null when there is no adapter. */
export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** A software adapter (e.g. SwiftShader): correct but ~90x slower than WASM on a laptop CPU. */
  readonly isFallbackAdapter: boolean;
}

export interface BackendEnvironment {
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  /** True when the browser exposes `navigator.gpu` at all. */
  readonly hasWebGpuApi: boolean;
}

export interface BackendDecision {
  readonly backend: Backend;
  /** WASM threads (1 without cross-origin isolation); 0 for WebGPU. */
  readonly threads: number;
  /** One sentence for the HUD. */
  readonly reason: string;
}

/**
 * WASM threads for the app: every core but one, up to 4. The page's own work (video decoding, the
 * render thread, the GPU process: all CPU without a GPU) needs a core; measured in the app on a 2-core
 * machine (`npm run bench -- --threads 1|2`), 1 thread gave 9.3-9.5 FPS and 2 threads 7.2-8.7 FPS,
 * because ORT's threads wait for each other at every op while the page holds one of the two cores.
 * More than 4 rarely helps a sub-GMAC net. A page without video (the eval page) may ask for more.
 */
export function wasmThreadCount(env: BackendEnvironment): number {
  if (!env.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, Math.floor(env.hardwareConcurrency || 1) - 1));
}

/** WASM threads for a page that only runs the model (no video, no render): all cores up to 4. */
export function modelOnlyThreadCount(hardwareConcurrency: number): number {
  return Math.max(1, Math.min(4, Math.floor(hardwareConcurrency || 1)));
}

export function describeAdapter(adapter: AdapterSummary): string {
  const name = [adapter.vendor, adapter.architecture, adapter.description].filter((s) => s).join(' ');
  return `${name || 'unknown adapter'}${adapter.isFallbackAdapter ? ' (software fallback)' : ''}`;
}

export function chooseBackend(
  request: BackendRequest,
  adapter: AdapterSummary | null,
  env: BackendEnvironment,
): BackendDecision {
  const wasm = (reason: string): BackendDecision => {
    const threads = wasmThreadCount(env);
    const threadNote = env.crossOriginIsolated ? '' : ' (single thread: page is not cross-origin isolated)';
    return { backend: 'wasm', threads, reason: reason + threadNote };
  };
  const webgpu = (reason: string): BackendDecision => ({ backend: 'webgpu', threads: 0, reason });

  if (request === 'wasm') return wasm('WASM forced by ?backend=wasm');
  if (request === 'webgpu') {
    if (adapter) return webgpu(`WebGPU forced by ?backend=webgpu on ${describeAdapter(adapter)}`);
    return wasm(env.hasWebGpuApi
      ? 'WebGPU requested but no adapter was granted: fell back to WASM'
      : 'WebGPU requested but this browser has no WebGPU: fell back to WASM');
  }
  if (!env.hasWebGpuApi) return wasm('no WebGPU in this browser: WASM');
  if (!adapter) return wasm('WebGPU present but no adapter: WASM');
  if (adapter.isFallbackAdapter) {
    return wasm(`WebGPU adapter is a software fallback (${describeAdapter(adapter)}), slower than WASM: WASM`);
  }
  return webgpu(`hardware WebGPU adapter: ${describeAdapter(adapter)}`);
}
