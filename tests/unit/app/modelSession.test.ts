// The model session with a fake client factory (no worker): what it asks the client for, what holds
// while a model loads, fails or is swapped, and that the old worker is disposed only after its frame.
import { describe, expect, it } from 'vitest';
import { ModelSession, type ModelSessionParts, type SessionClient } from '../../../src/app/modelSession.ts';
import { SegmentationClientError, type ClientEvents } from '../../../src/inference/segmentationClient.ts';
import type { CapturedFrame } from '../../../src/capture/frameSource.ts';
import type { AppErrorCode } from '../../../src/app/appMessages.ts';
import type { MaskPostprocessSettings } from '../../../src/processing/maskPostprocess.ts';
import type { SegmentationInitOptions, SegmentationInitResult, SegmentationOutcome } from '../../../workers/segmentationProtocol.ts';
import { deferred } from './deferred.ts';

class FakeClient implements SessionClient {
  readonly restarts = 0;
  readonly info: SegmentationInitResult;
  readonly configured: MaskPostprocessSettings[] = [];
  readonly answers: ReturnType<typeof deferred<SegmentationOutcome>>[] = [];
  historyResets = 0;
  disposed = false;

  constructor(readonly options: SegmentationInitOptions, reason = 'wasm: no WebGPU adapter') {
    this.info = {
      backend: 'wasm', threads: 2, reason, adapter: null, inputSize: { width: 4, height: 3 }, classes: ['Sky', 'Road', 'Void'],
      loadMs: 1, warmupMs: 1, contract: { name: `contract of ${options.modelUrl}`, voidId: 2 },
    } as unknown as SegmentationInitResult;
  }

  segment(): Promise<SegmentationOutcome> {
    const answer = deferred<SegmentationOutcome>();
    this.answers.push(answer);
    return answer.promise;
  }

  clearWaiting(): void {}

  configure(settings: MaskPostprocessSettings): void {
    this.configured.push(settings);
  }

  resetHistory(): void {
    this.historyResets++;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

const NEAREST: MaskPostprocessSettings = { stabilise: false, upsample: 'nearest', dropFloating: false };

function sessionWith(create: (options: SegmentationInitOptions, events: ClientEvents) => Promise<SessionClient>) {
  const said: [string, AppErrorCode, string][] = [];
  const events: string[] = [];
  const source = { name: 'clip.mp4' };
  const parts: ModelSessionParts = {
    results: { onResult: () => events.push('result'), onError: () => events.push('error') },
    withSnapshot: () => false,
    currentSource: () => source,
    onLoaded: (contract) => events.push(`loaded ${contract.name}`),
    onUnloaded: () => events.push('unloaded'),
    onPostprocessChanged: (p) => events.push(`postprocess ${p.upsample}`),
    messages: { fail: (code, message) => said.push(['error', code, message]), notice: (code, message) => said.push(['notice', code, message]) },
    createClient: create,
  };
  const session = new ModelSession({ model: '/models/a.onnx', backend: 'auto', postprocess: NEAREST }, parts);
  return { session, said, events };
}

function stillFrame(index: number, done: number[]): CapturedFrame {
  return {
    capturedAt: 0, frameIndex: index, mediaTime: null, done: () => done.push(index),
    copy: async () => ({ image: { close() {} } as unknown as ImageBitmap, snapshot: null, mediaTime: null, frameIndex: index }),
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('ModelSession', () => {
  it('loads the model asked for: the client options, then the contract, stats and a pipeline for the playing source', async () => {
    const clients: FakeClient[] = [];
    const { session, events, said } = sessionWith(async (options) => {
      const c = new FakeClient(options);
      clients.push(c);
      return c;
    });
    expect([session.status, session.client, session.pipeline]).toEqual(['starting', null, null]);
    await session.load();
    expect(clients[0]?.options).toEqual({ modelUrl: '/models/a.onnx', contractUrl: '/models/a.json', contractOptional: true, backend: 'auto', ortBaseUrl: '/ort/', postprocess: NEAREST });
    expect(session.status).toBe('running');
    expect(session.contract?.name).toBe('contract of /models/a.onnx');
    expect(session.stats?.classNames).toEqual(['Sky', 'Road', 'Void']);
    expect(session.pipeline).not.toBeNull();
    expect(events).toEqual(['loaded contract of /models/a.onnx']);
    expect(said).toEqual([]);
  });

  it('reports the download progress as its status, and a WebGPU fallback as a notice', async () => {
    const statuses: string[] = [];
    const { session, said } = sessionWith(async (options, events) => {
      events.onProgress?.({ stage: 'download-model', loaded: 25, total: 100 });
      statuses.push(session.status);
      events.onProgress?.({ stage: 'warm-up' });
      statuses.push(session.status);
      return new FakeClient(options, 'WebGPU failed (lost): fell back to WASM');
    });
    await session.load();
    expect(statuses).toEqual(['downloading model 25 %', 'warm-up']);
    expect(said).toEqual([['notice', 'webgpu-fallback', 'WebGPU failed (lost): fell back to WASM']]);
  });

  it('a model that does not load is an error with its code; the video plays alone', async () => {
    const { session, said, events } = sessionWith(() => Promise.reject(new SegmentationClientError('model-not-found', 'HTTP 404')));
    await session.load();
    expect(said).toEqual([['error', 'model-not-found', 'model /models/a.onnx could not be loaded: HTTP 404']]);
    expect(session.status).toBe('no model: video only');
    const done: number[] = [];
    session.offer(stillFrame(1, done), false);
    expect([session.client, done, events]).toEqual([null, [1], []]);
  });

  it('releases the frames of a hidden tab unsegmented', async () => {
    const clients: FakeClient[] = [];
    const { session } = sessionWith(async (options) => {
      const c = new FakeClient(options);
      clients.push(c);
      return c;
    });
    await session.load();
    const done: number[] = [];
    session.offer(stillFrame(1, done), true);
    await flush();
    expect([done, clients[0]?.answers.length]).toEqual([[1], 0]);
  });

  it('reload waits for the frame in flight, disposes the old client, then loads with the changes', async () => {
    const clients: FakeClient[] = [];
    const { session, events } = sessionWith(async (options) => {
      const c = new FakeClient(options);
      clients.push(c);
      return c;
    });
    await session.load();
    const done: number[] = [];
    session.offer(stillFrame(1, done), false);
    await flush();
    const first = clients[0]!;
    expect(first.answers).toHaveLength(1);
    const guided: MaskPostprocessSettings = { stabilise: true, upsample: 'guided', dropFloating: false };
    const reloaded = session.reload({ model: '/models/b.onnx', backend: 'wasm', threads: 1, spinWait: true, postprocess: guided });
    await flush();
    expect(session.pipeline).toBeNull(); // frames are dropped meanwhile
    expect(first.disposed).toBe(false); // its frame is still in the worker
    first.answers[0]?.resolve({ kind: 'skipped', timestamp: 1 });
    await reloaded;
    expect(first.disposed).toBe(true);
    expect(clients[1]?.options).toEqual({
      modelUrl: '/models/b.onnx', contractUrl: '/models/b.json', contractOptional: true, backend: 'wasm', ortBaseUrl: '/ort/', wasmThreads: 1, spinWait: true, postprocess: guided,
    });
    expect(events).toEqual(['loaded contract of /models/a.onnx', 'unloaded', 'postprocess guided', 'loaded contract of /models/b.onnx']);
    expect([session.modelUrl, session.postprocess, done]).toEqual(['/models/b.onnx', guided, [1]]);
    await session.reload({ threads: null });
    expect(clients[2]?.options.wasmThreads).toBeUndefined();
  });

  it('rejects a thread count that is not a positive integer, and changes nothing', async () => {
    const { session } = sessionWith(async (options) => new FakeClient(options));
    await session.load();
    const client = session.client;
    await expect(session.reload({ threads: 0 })).rejects.toThrow(RangeError);
    await expect(session.reload({ threads: 1.5 })).rejects.toThrow('threads must be a positive integer or null, got 1.5');
    expect(session.client).toBe(client);
  });

  it('passes the toggles\' postprocess settings to the client, and a new source resets its history', async () => {
    const { session } = sessionWith(async (options) => new FakeClient(options));
    await session.load();
    const client = session.client as FakeClient;
    session.setPostprocess({ stabilise: true, upsample: 'nearest', dropFloating: false });
    session.sourceChanged({ name: 'other.webm' });
    expect([client.configured, client.historyResets, session.postprocess]).toEqual([[{ stabilise: true, upsample: 'nearest', dropFloating: false }], 1, { stabilise: true, upsample: 'nearest', dropFloating: false }]);
  });
});
