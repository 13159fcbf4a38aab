// Backend choice in a real browser: without a WebGPU adapter the app falls back to WASM and says
// why; with SwiftShader's WebGPU adapter the webgpu path runs and gives the same class map as WASM.

import { afterEach, describe, expect, test } from 'vitest';
import { AppPage, artifactPath, type AppErrorCode } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { classesCovering, maskAgreement } from './helpers/masks.ts';
import { segmentationWorker } from './helpers/workers.ts';
import { DEFAULT_MODEL_NAME } from '../../src/processing/shippedModels.ts';
import { describeAdapter } from '../../src/inference/backendChoice.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../tools/browser/index.ts';

const server = useAppServer();

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('no WebGPU adapter (--disable-gpu)', () => {
  const browser = useBrowser({ webgpu: false });

  test('?backend=webgpu falls back to WASM and says so; auto mode picks WASM with a reason', async () => {
    app = await AppPage.open(browser(), server().url, '?backend=webgpu', { name: 'fallback-forced' });
    // The fallback is announced through lastError as a notice; it must not stop segmentation.
    const forced = await app.waitForFrames(2, { timeoutMs: 90_000, allowErrorCodes: ['webgpu-fallback'] });
    expect(forced.backend).toBe('wasm');
    expect(forced.adapter).toBeNull();
    expect(forced.backendReason).toMatch(/webgpu/i);
    expect(forced.backendReason).toMatch(/fell back/i);
    expect(forced.lastError?.code).toBe('webgpu-fallback');
    expect(app.pageErrors).toEqual([]);
    await app.close();

    app = await AppPage.open(browser(), server().url, '', { name: 'fallback-auto' });
    const auto = await app.waitForStats('the model to be ready', (s) => s.ready, { timeoutMs: 90_000 });
    expect(auto.backend).toBe('wasm');
    expect(auto.backendReason).toMatch(/wasm/i);
    expect(auto.backendReason).toMatch(/no webgpu|no adapter/i);
    // Nothing was requested, so nothing "fell back": no notice.
    expect(auto.backendReason).not.toMatch(/fell back/i);
    expect(auto.lastError).toBeNull();
    console.log(`[fallback] forced: "${forced.backendReason}"; auto: "${auto.backendReason}"`);
  });
});

describe('WebGPU on SwiftShader (--enable-unsafe-webgpu)', () => {
  const browser = useBrowser({ webgpu: true });
  // The model's own class map (NEAREST, not stabilised), so it can be compared with PyTorch's golden one.
  const query = (backend: string): string => `?seq=/samples/camvid-val/sequence.json&pace=every-frame&limit=1&backend=${backend}&upsample=nearest&stabilise=0`;

  // A small window: the overlay is redrawn every animation frame, and on SwiftShader GL a
  // 1280x720 canvas takes the CPU that SwiftShader's WebGPU needs (measured here under load:
  // warm-up + first frame 198 s at 1280x720, 86 s at 480x270).
  const viewport = { width: 480, height: 270 };

  test('?backend=webgpu segments a frame and matches the WASM class map', async () => {
    app = await AppPage.open(browser(), server().url, query('webgpu'), { name: 'webgpu', viewport });
    // The worker warms the session up with one inference before it reports ready.
    const ready = await app.waitForStats('the model to be ready on WebGPU (load + warm-up run)', (s) => s.ready, { timeoutMs: 180_000 });
    if (ready.backend !== 'webgpu') {
      throw new Error(
        `no WebGPU in headless Chromium launched with --enable-unsafe-webgpu (FACTS.md says SwiftShader's adapter works here): backend ${ready.backend}, reason "${ready.backendReason}"`,
      );
    }
    expect(ready.adapter, 'the WebGPU adapter is reported').toBeTruthy();
    // SwiftShader WebGPU: several seconds per 360x480 frame, more while the machine is busy.
    const gpu = await app.waitForFrames(1, { timeoutMs: 180_000 });
    expect(gpu.backend).toBe('webgpu');
    const gpuMask = await app.latestMask();
    expect(gpuMask).not.toBeNull();
    await app.close();

    app = await AppPage.open(browser(), server().url, query('wasm'), { name: 'webgpu-vs-wasm', viewport });
    const cpu = await app.waitForFrames(1, { timeoutMs: 90_000 });
    expect(cpu.backend).toBe('wasm');
    const cpuMask = await app.latestMask();
    expect(cpuMask).not.toBeNull();
    if (!gpuMask || !cpuMask) return;
    // Two blank or constant masks would agree trivially: the street scene has several classes.
    expect(classesCovering(cpuMask, 0.01), 'classes covering >= 1 % of the WASM mask').toBeGreaterThanOrEqual(3);
    const agreement = maskAgreement(gpuMask, cpuMask);
    const report = {
      adapter: gpu.adapter,
      webgpuInferenceMs: gpu.stagesP50Ms?.inferenceMs ?? null,
      wasmInferenceMs: cpu.stagesP50Ms?.inferenceMs ?? null,
      agreementPercent: 100 * agreement,
      differingPixels: Math.round((1 - agreement) * gpuMask.ids.length),
      pixels: gpuMask.ids.length,
    };
    writeFileSync(artifactPath('webgpu-vs-wasm.json'), JSON.stringify(report, null, 2));
    console.log(`[webgpu] adapter ${JSON.stringify(gpu.adapter)}; inference webgpu ${report.webgpuInferenceMs?.toFixed(0)} ms vs wasm ${report.wasmInferenceMs?.toFixed(0)} ms; class maps agree on ${(100 * agreement).toFixed(4)} % of ${gpuMask.ids.length} pixels`);
    expect(agreement).toBeGreaterThanOrEqual(0.995);
    // The sequence's first frame is the golden frame of models/export.py: the WebGPU class map also
    // matches PyTorch's (the same parity bar as the Node/WASM golden test).
    const golden = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'golden', DEFAULT_MODEL_NAME, 'golden.json'), 'utf8')) as { frame: string };
    expect(golden.frame).toBe('camvid-val/images/0016E5_07959.png');
    const goldenIds = new Uint8Array(readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'golden', DEFAULT_MODEL_NAME, 'classmap.u8')));
    const goldenAgreement = maskAgreement(gpuMask, { width: gpuMask.width, height: gpuMask.height, ids: goldenIds });
    console.log(`[webgpu] class map vs PyTorch golden: ${(100 * goldenAgreement).toFixed(4)} %`);
    expect(goldenAgreement).toBeGreaterThanOrEqual(0.999);
  }, 480_000);

  test('ORT runs on the device made from the probed adapter; that device lost mid-run: the worker restarts on WASM, says so, and segmentation carries on', async () => {
    app = await AppPage.open(browser(), server().url, '?backend=webgpu&record=1', { name: 'webgpu-device-lost', viewport });
    const gpu = await app.waitForFrames(1, { timeoutMs: 240_000 });
    if (gpu.backend !== 'webgpu') throw new Error(`expected the WebGPU backend, got ${gpu.backend} ("${gpu.backendReason}")`);
    // The device ORT runs on is the one the worker created from the adapter it probed (and the HUD
    // names), not one ORT made from an adapter of its own: note the next device ORT encodes work on.
    const worker = segmentationWorker(app.page);
    await worker.evaluate(() => {
      const proto = GPUDevice.prototype;
      const original = proto.createCommandEncoder;
      proto.createCommandEncoder = function (this: GPUDevice, ...args: Parameters<GPUDevice['createCommandEncoder']>) {
        proto.createCommandEncoder = original;
        const info = this.adapterInfo as GPUAdapterInfo & { isFallbackAdapter?: boolean };
        (self as unknown as { ortDevice: unknown }).ortDevice = {
          label: this.label,
          adapter: { vendor: info.vendor, architecture: info.architecture, description: info.description, isFallbackAdapter: info.isFallbackAdapter },
        };
        return original.apply(this, args);
      };
    });
    type OrtDevice = { label: string; adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter?: boolean } };
    let ortDevice: OrtDevice | undefined;
    for (const deadline = Date.now() + 120_000; !ortDevice && Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      try {
        ortDevice = await worker.evaluate(() => (self as unknown as { ortDevice?: OrtDevice }).ortDevice);
      } catch (err) {
        const s = await app.stats();
        throw new Error(`the WebGPU worker went away before ORT encoded more work (${(err as Error).message}); app: backend ${s?.backend}, frames ${s?.frames}, restarts ${s?.restarts}, lastError ${JSON.stringify(s?.lastError)}`);
      }
    }
    expect(ortDevice, 'ORT encoded work on a device within 120 s').toBeDefined();
    expect(ortDevice?.label, 'ORT runs on the device the worker created from the probed adapter').toBe('dashseg onnxruntime-web');
    const { vendor, architecture, description, isFallbackAdapter } = ortDevice?.adapter ?? { vendor: '', architecture: '', description: '' };
    expect(gpu.adapter, "the HUD names the adapter of ORT's device").toBe(describeAdapter({
      vendor, architecture, description, isFallbackAdapter: isFallbackAdapter ?? /\(software fallback\)$/.test(gpu.adapter ?? ''),
    }));
    // Lose the device the way a driver reset would: the next command encoder ORT asks for destroys it.
    await worker.evaluate(() => {
      const proto = GPUDevice.prototype;
      const original = proto.createCommandEncoder;
      proto.createCommandEncoder = function (this: GPUDevice, ...args: Parameters<GPUDevice['createCommandEncoder']>) {
        proto.createCommandEncoder = original;
        this.destroy();
        return original.apply(this, args);
      };
    });
    const codes: AppErrorCode[] = ['webgpu-failed', 'worker-restarted'];
    const fellBack = await app.waitForStats('the worker to restart on WASM', (s) => s.backend === 'wasm' && s.ready, { timeoutMs: 150_000, allowErrorCodes: codes });
    expect(fellBack.restarts).toBe(1);
    expect(fellBack.lastError?.code).toBe('webgpu-failed');
    expect(fellBack.lastError?.message).toMatch(/device was lost|device lost/i);
    expect(fellBack.backendReason).toMatch(/WebGPU failed mid-run.*fell back to WASM/);
    const after = await app.waitForFrames(fellBack.frames + 3, { timeoutMs: 90_000, allowErrorCodes: codes });
    expect(after.backend).toBe('wasm');
    const events = (await app.logRows()).map((r) => r.event).filter((e) => e);
    expect(events.some((e) => /webgpu-failed/.test(String(e))), `log events: ${JSON.stringify(events)}`).toBe(true);
    expect(app.pageErrors).toEqual([]);
    console.log(`[device-lost] ${fellBack.lastError?.message}; frames ${gpu.frames} → ${after.frames} on ${after.backend}`);
  }, 480_000);
});
