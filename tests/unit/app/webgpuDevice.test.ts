// The model's WebGPU device comes from the adapter the worker probed (and the HUD names), never from a
// second adapter request that, on a machine with two GPUs, could answer with the other GPU.

import { describe, expect, it, vi } from 'vitest';
import { probeWebGpuAdapter, type GpuAdapterLike, type GpuDeviceDescriptorLike, type GpuDeviceLike, type GpuLike } from '../../../src/inference/adapterProbe.ts';
import { describeAdapter } from '../../../src/inference/backendChoice.ts';
import { createOrtDevice, ortDeviceDescriptor, setUpOrtWebGpu, ORT_WEBGPU_REQUIRED_LIMITS } from '../../../src/inference/webgpuDevice.ts';

interface FakeDevice extends GpuDeviceLike {
  readonly createdBy: FakeAdapter;
  readonly descriptor: GpuDeviceDescriptorLike | undefined;
  destroyed: boolean;
}

// Like GPUSupportedLimits: the limits are getters on the prototype, not own enumerable properties.
class FakeLimits {
  constructor(private readonly scale: number) {}
  get maxBindGroups(): number { return 4; }
  get maxComputeWorkgroupStorageSize(): number { return 16_384 * this.scale; }
  get maxComputeWorkgroupsPerDimension(): number { return 65_535; }
  get maxStorageBuffersPerShaderStage(): number { return 8 * this.scale; }
  get maxStorageBufferBindingSize(): number { return 134_217_728 * this.scale; }
  get maxBufferSize(): number { return 268_435_456 * this.scale; }
  get maxComputeInvocationsPerWorkgroup(): number { return 256 * this.scale; }
  get maxComputeWorkgroupSizeX(): number { return 256 * this.scale; }
  get maxComputeWorkgroupSizeY(): number { return 256 * this.scale; }
  get maxComputeWorkgroupSizeZ(): number { return 64; }
  get maxTextureDimension2D(): number { return 8192; }
}

class FakeAdapter implements GpuAdapterLike {
  readonly devices: FakeDevice[] = [];
  readonly features: Set<string>;
  readonly limits: FakeLimits;
  constructor(
    readonly info: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean },
    features: string[],
    limitScale: number,
  ) {
    this.features = new Set(features);
    this.limits = new FakeLimits(limitScale);
  }
  requestDevice = vi.fn(async (descriptor?: GpuDeviceDescriptorLike): Promise<GpuDeviceLike> => {
    const device: FakeDevice = {
      createdBy: this,
      descriptor,
      destroyed: false,
      lost: new Promise(() => undefined),
      destroy() {
        this.destroyed = true;
      },
    };
    this.devices.push(device);
    return device;
  });
}

const discrete = (): FakeAdapter =>
  new FakeAdapter({ vendor: 'nvidia', architecture: 'ada', description: 'RTX 4070 Laptop', isFallbackAdapter: false }, ['shader-f16', 'timestamp-query', 'subgroups', 'float32-filterable'], 4);
const integrated = (): FakeAdapter =>
  new FakeAdapter({ vendor: 'intel', architecture: 'xe-lpg', description: 'Iris Xe', isFallbackAdapter: false }, ['timestamp-query'], 1);

/** A navigator.gpu on a two-GPU laptop that answers each requestAdapter() with the next GPU in turn. */
function twoGpuNavigator(first: FakeAdapter, second: FakeAdapter): GpuLike & { requestAdapter: ReturnType<typeof vi.fn> } {
  let calls = 0;
  return { requestAdapter: vi.fn(async () => (calls++ % 2 === 0 ? first : second)) };
}

describe('the WebGPU device for onnxruntime-web', () => {
  it('is created from the probed adapter, the one the HUD names, with no second adapter request', async () => {
    const gpuA = discrete();
    const gpuB = integrated();
    const gpu = twoGpuNavigator(gpuA, gpuB);

    const probed = await probeWebGpuAdapter(1_000, gpu);
    expect(probed).not.toBeNull();
    if (!probed) return;
    const env: { adapter: unknown } = { adapter: undefined };
    const setup = await setUpOrtWebGpu(probed, env);

    const device = setup.device as FakeDevice;
    expect(device.createdBy, 'the device comes from the probed adapter').toBe(gpuA);
    expect(setup.executionProvider).toEqual({ name: 'webgpu', device });
    // ORT takes the probed adapter instead of asking navigator.gpu for one of its own.
    expect(env.adapter).toBe(gpuA);
    expect(gpu.requestAdapter).toHaveBeenCalledTimes(1);
    expect(gpuB.requestDevice).not.toHaveBeenCalled();
    // What the HUD shows describes the adapter the device was created from.
    expect(probed.summary).toEqual({ vendor: 'nvidia', architecture: 'ada', description: 'RTX 4070 Laptop', isFallbackAdapter: false });
    expect(describeAdapter(probed.summary)).toBe(`${device.createdBy.info.vendor} ${device.createdBy.info.architecture} ${device.createdBy.info.description}`);
  });

  it("asks for ORT's limits at the adapter's maximum and for the optional features the adapter has", () => {
    const d = ortDeviceDescriptor(discrete());
    expect(Object.keys(d.requiredLimits).sort()).toEqual([...ORT_WEBGPU_REQUIRED_LIMITS].sort());
    expect(d.requiredLimits).toMatchObject({
      maxComputeWorkgroupStorageSize: 65_536,
      maxStorageBufferBindingSize: 536_870_912,
      maxBufferSize: 1_073_741_824,
      maxComputeInvocationsPerWorkgroup: 1024,
      maxComputeWorkgroupSizeX: 1024,
    });
    expect([...d.requiredFeatures].sort()).toEqual(['shader-f16', 'subgroups', 'timestamp-query']);
    // An adapter without f16 or subgroups gets neither.
    expect(ortDeviceDescriptor(integrated()).requiredFeatures).toEqual(['timestamp-query']);
  });

  it('leaves out a limit the adapter does not report', () => {
    const adapter = integrated();
    Object.defineProperty(adapter, 'limits', { value: { maxBufferSize: 1024 } });
    expect(ortDeviceDescriptor(adapter).requiredLimits).toEqual({ maxBufferSize: 1024 });
  });

  it('fails when the probed adapter refuses a device, and ORT is not pointed at it', async () => {
    const adapter = discrete();
    adapter.requestDevice.mockRejectedValueOnce(new Error('OperationError: limits'));
    const env: { adapter: unknown } = { adapter: undefined };
    await expect(setUpOrtWebGpu({ summary: { vendor: 'nvidia', architecture: '', description: '', isFallbackAdapter: false }, adapter }, env)).rejects.toThrow(/limits/);
    expect(env.adapter).toBeUndefined();
  });

  it('gives up on an adapter that does not answer, and destroys the device if it comes later', async () => {
    const adapter = discrete();
    let deliver!: (d: GpuDeviceLike) => void;
    adapter.requestDevice.mockImplementationOnce(() => new Promise<GpuDeviceLike>((resolve) => (deliver = resolve)));
    await expect(createOrtDevice(adapter, 20)).rejects.toThrow(/did not create a device/);
    const late = { lost: new Promise<never>(() => undefined), destroyed: false, destroy() { this.destroyed = true; } };
    deliver(late);
    await new Promise((r) => setTimeout(r, 0));
    expect(late.destroyed).toBe(true);
  });

  it('the probe finds nothing without navigator.gpu, without an adapter, or when the adapter does not answer', async () => {
    expect(await probeWebGpuAdapter(1_000, null)).toBeNull();
    expect(await probeWebGpuAdapter(1_000, { requestAdapter: async () => null })).toBeNull();
    expect(await probeWebGpuAdapter(20, { requestAdapter: () => new Promise(() => undefined) })).toBeNull();
    expect(await probeWebGpuAdapter(1_000, { requestAdapter: async () => { throw new Error('denied'); } })).toBeNull();
  });
});
