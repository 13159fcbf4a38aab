// Memory figures for the bench, read through the Chrome DevTools Protocol (CDP):
//   - main-thread JS heap: Runtime.getHeapUsage (usedSize) on the page, after a forced GC;
//   - segmentation worker JS heap: the same, sent to the worker target;
//   - WASM memory: the byte length of every WebAssembly.Memory that onnxruntime-web created in the
//     segmentation worker (its pthreads share that one memory). ORT keeps its Emscripten module
//     private, so the probe wraps the WebAssembly.Memory constructor and WebAssembly.instantiate*
//     in each new worker before its script runs (auto-attach with waitForDebuggerOnStart), and
//     sums `memory.buffer.byteLength` later.
//
// Playwright's CDP sessions are not "flat", so worker targets are reached with the (deprecated but
// working) Target.attachToTarget {flatten: false} + Target.sendMessageToTarget pair.
//
// What did not work here (Chromium 156, headless, 2 cores, ORT wasm with 2 threads):
//   - performance.measureUserAgentSpecificMemory() (the page is crossOriginIsolated): it answers,
//     and its worker entry includes the WASM memory, but only after ~60 s even with
//     --enable-blink-features=ForceEagerMeasureMemory (ORT's pthread workers sit in Atomics.wait);
//   - performance.memory and measureUserAgentSpecificMemory do not exist in the worker;
//   - Runtime.queryObjects(WebAssembly.Memory.prototype) in the worker never answered, and the
//     worker target went away;
//   - evaluating anything in an ORT pthread worker hangs (it is blocked in Atomics.wait): the probe
//     never touches those.

import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/** One line for the JSON output: how the memory figures were taken. */
export const MEMORY_METHOD =
  'CDP after HeapProfiler.collectGarbage: Runtime.getHeapUsage().usedSize of the page (heap_*), of the segmentation worker (worker_heap_*), of the mask postprocessing worker (postprocess_heap_*) and of the mask-layer worker (mask_layer_heap_*); ' +
  'wasm_* = sum of WebAssembly.Memory buffer sizes created in the segmentation worker (ORT linear memory, shared with its pthreads)';

export interface MemorySnapshot {
  /** Main thread (page) JS heap in use after a GC, bytes; null when CDP could not read it. */
  readonly mainHeapBytes: number | null;
  /** Segmentation worker JS heap in use after a GC, bytes. */
  readonly workerHeapBytes: number | null;
  /** Sum of the worker's WebAssembly.Memory sizes (ORT's linear memory), bytes. */
  readonly wasmBytes: number | null;
  /** Mask-layer worker (three.js on an OffscreenCanvas) JS heap in use after a GC, bytes; null without one. */
  readonly maskLayerHeapBytes: number | null;
  /** Mask postprocessing worker (stabilisation, upsampling) JS heap in use after a GC, bytes; null without one. */
  readonly postprocessHeapBytes: number | null;
  /** Why a figure is null, when one is. */
  readonly notes: readonly string[];
}

/** Installed in each new worker before its script runs; keeps weak references to every wasm memory. */
export const WASM_MEMORY_TRACKER = `(() => {
  if (globalThis.__dashsegBenchWasm) return;
  const refs = [];
  Object.defineProperty(globalThis, '__dashsegBenchWasm', { value: refs });
  const OriginalMemory = WebAssembly.Memory;
  const track = (value) => { if (value instanceof OriginalMemory) refs.push(new WeakRef(value)); };
  WebAssembly.Memory = new Proxy(OriginalMemory, {
    construct(target, args, newTarget) { const m = Reflect.construct(target, args, newTarget); track(m); return m; },
  });
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then((result) => {
        const instance = result instanceof WebAssembly.Instance ? result : result.instance;
        for (const value of Object.values(instance.exports)) track(value);
        return result;
      });
    };
  }
})()`;

/** Evaluated in the worker: live wasm memories (deduplicated) and their total size. */
export const WASM_MEMORY_READER = `(() => {
  const refs = globalThis.__dashsegBenchWasm;
  if (!refs) return { tracked: false, count: 0, bytes: 0 };
  const seen = new Set();
  let bytes = 0;
  for (const ref of refs) {
    const m = ref.deref();
    if (m && !seen.has(m)) { seen.add(m); bytes += m.buffer.byteLength; }
  }
  return { tracked: true, count: seen.size, bytes };
})()`;

interface WorkerTarget {
  readonly sessionId: string;
  readonly url: string;
  readonly title: string;
  /** The tracker was installed before the worker's script ran. */
  readonly trackedFromStart: boolean;
}

interface CdpReply {
  readonly id: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string };
}

/** Is this worker target the app's segmentation worker (not an ORT pthread)? */
export function isSegmentationWorker(target: { url: string; title: string }): boolean {
  return /segmentation\.worker/.test(target.url) || target.title === 'segmentation';
}

/** Is this worker target the app's mask postprocessing worker? */
export function isPostprocessWorker(target: { url: string; title: string }): boolean {
  return /maskPostprocess\.worker/.test(target.url) || target.title === 'mask-postprocess';
}

/** Is this worker target the app's mask-layer worker? */
export function isMaskLayerWorker(target: { url: string; title: string }): boolean {
  return /maskLayer\.worker/.test(target.url) || target.title === 'mask-layer';
}

export class MemoryProbe {
  private readonly workers = new Map<string, WorkerTarget>();
  private readonly maskLayerWorkers = new Map<string, WorkerTarget>();
  private readonly postprocessWorkers = new Map<string, WorkerTarget>();
  private readonly pending = new Map<string, (reply: CdpReply) => void>();
  private nextId = 1;

  private constructor(private readonly cdp: CDPSession) {}

  /** Call before page.goto(), so the first segmentation worker is tracked from its start. */
  static async attach(context: BrowserContext, page: Page): Promise<MemoryProbe> {
    const cdp = await context.newCDPSession(page);
    const probe = new MemoryProbe(cdp);
    cdp.on('Target.attachedToTarget', (e) => void probe.onAttached(e.sessionId, e.targetInfo, e.waitingForDebugger));
    cdp.on('Target.detachedFromTarget', (e) => {
      if (e.sessionId) {
        probe.workers.delete(e.sessionId);
        probe.maskLayerWorkers.delete(e.sessionId);
        probe.postprocessWorkers.delete(e.sessionId);
      }
    });
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      let reply: CdpReply;
      try {
        reply = JSON.parse(e.message) as CdpReply;
      } catch {
        return;
      }
      if (typeof reply.id !== 'number') return; // an event
      const key = `${e.sessionId}:${reply.id}`;
      probe.pending.get(key)?.(reply);
      probe.pending.delete(key);
    });
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
    return probe;
  }

  private async onAttached(sessionId: string, info: { type: string; url: string; title: string }, waiting: boolean): Promise<void> {
    try {
      if (info.type === 'worker' && isSegmentationWorker(info)) {
        this.workers.set(sessionId, { sessionId, url: info.url, title: info.title, trackedFromStart: waiting });
        await this.call(sessionId, 'Runtime.evaluate', { expression: WASM_MEMORY_TRACKER }, 5000).catch(() => undefined);
      } else if (info.type === 'worker' && isMaskLayerWorker(info)) {
        this.maskLayerWorkers.set(sessionId, { sessionId, url: info.url, title: info.title, trackedFromStart: waiting });
      } else if (info.type === 'worker' && isPostprocessWorker(info)) {
        this.postprocessWorkers.set(sessionId, { sessionId, url: info.url, title: info.title, trackedFromStart: waiting });
      }
    } finally {
      if (waiting) await this.call(sessionId, 'Runtime.runIfWaitingForDebugger', {}, 5000).catch(() => undefined);
    }
  }

  /** One CDP command in a worker target; rejects on a protocol error or after timeoutMs. */
  private async call(sessionId: string, method: string, params: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const key = `${sessionId}:${id}`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<CdpReply>((resolve, reject) => {
      this.pending.set(key, resolve);
      timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      await this.cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
      const reply = await answer;
      if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
      return reply.result ?? {};
    } finally {
      clearTimeout(timer);
      this.pending.delete(key);
    }
  }

  /** The newest worker of a kind (reloadModel() replaces the segmentation worker; a restart the mask layer's). */
  private newest(workers: ReadonlyMap<string, WorkerTarget>): WorkerTarget | null {
    let last: WorkerTarget | null = null;
    for (const w of workers.values()) last = w;
    return last;
  }

  /** A worker's JS heap in use after a GC, bytes. */
  private async workerHeap(worker: WorkerTarget, timeoutMs: number): Promise<number | null> {
    await this.call(worker.sessionId, 'HeapProfiler.collectGarbage', {}, timeoutMs);
    const usage = await this.call(worker.sessionId, 'Runtime.getHeapUsage', {}, timeoutMs);
    return typeof usage['usedSize'] === 'number' ? usage['usedSize'] : null;
  }

  /** Forces a GC in the page and the segmentation worker, then reads the figures. */
  async snapshot(): Promise<MemorySnapshot> {
    const notes: string[] = [];
    let mainHeapBytes: number | null = null;
    try {
      await this.cdp.send('HeapProfiler.collectGarbage');
      mainHeapBytes = (await this.cdp.send('Runtime.getHeapUsage')).usedSize;
    } catch (err) {
      notes.push(`main heap: ${(err as Error).message.split('\n')[0]}`);
    }
    let workerHeapBytes: number | null = null;
    let wasmBytes: number | null = null;
    const worker = this.newest(this.workers);
    if (!worker) {
      notes.push('no segmentation worker target found');
    } else {
      // The worker answers between inferences; one inference can take seconds on a busy machine.
      const timeoutMs = 30_000;
      try {
        workerHeapBytes = await this.workerHeap(worker, timeoutMs);
      } catch (err) {
        notes.push(`worker heap: ${(err as Error).message}`);
      }
      try {
        const reply = await this.call(worker.sessionId, 'Runtime.evaluate', { expression: WASM_MEMORY_READER, returnByValue: true }, timeoutMs);
        const value = (reply['result'] as { value?: { tracked: boolean; count: number; bytes: number } } | undefined)?.value;
        if (!value?.tracked) notes.push('wasm memory: the tracker is not installed in the worker');
        else if (value.count === 0) notes.push(worker.trackedFromStart ? 'wasm memory: no WebAssembly.Memory seen' : 'wasm memory: the worker started before the tracker');
        else wasmBytes = value.bytes;
      } catch (err) {
        notes.push(`wasm memory: ${(err as Error).message}`);
      }
    }
    const maskLayerHeapBytes = await this.helperHeap(this.maskLayerWorkers, 'mask-layer worker', ' (masks drawn on the page?)', notes);
    const postprocessHeapBytes = await this.helperHeap(this.postprocessWorkers, 'mask postprocessing worker', '', notes);
    return { mainHeapBytes, workerHeapBytes, wasmBytes, maskLayerHeapBytes, postprocessHeapBytes, notes };
  }

  /** The JS heap of the newest worker among `targets` (null, with a note, when there is none or it does not answer). */
  private async helperHeap(targets: Map<string, WorkerTarget>, what: string, whyNone: string, notes: string[]): Promise<number | null> {
    const target = this.newest(targets);
    if (!target) {
      notes.push(`no ${what} target found${whyNone}`);
      return null;
    }
    try {
      return await this.workerHeap(target, 10_000);
    } catch (err) {
      notes.push(`${what} heap: ${(err as Error).message}`);
      return null;
    }
  }

  async dispose(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
  }
}
