// The GPUDevice that runs the model, created by the app from the adapter it probed, and handed to
// onnxruntime-web. Left to itself, ORT asks navigator.gpu for an adapter of its own and makes its own
// device; on a machine with two GPUs that can be another GPU than the one the probe found and the HUD
// names. Pure (WebGPU objects come in as parameters), so it is unit-tested with fakes.
//
// How onnxruntime-web 1.30 takes a device (checked in node_modules/onnxruntime-web):
// - `onnxruntime-web/webgpu` (dist/ort.webgpu.mjs, the bundle the worker loads) runs the native
//   WebGPU EP. It uses a device given as the EP option `{ name: 'webgpu', device }`
//   (lib/wasm/session-options.ts: `webgpuOptions.device`, which must be a real GPUDevice, then
//   `webgpuRegisterDevice(customDevice)`). Without one it requests its own adapter and device.
//   It never reads a preset `env.webgpu.device` (it only writes it, after making its own device).
// - `env.webgpu.adapter`, when set, replaces ORT's own `navigator.gpu.requestAdapter()` in
//   initEp (lib/wasm/wasm-core-impl.ts); the native EP only validates it. Setting it keeps ORT from
//   requesting a second adapter at all (and the JSEP bundle would create its device from it).
// What ORT requests when it makes the device itself (onnxruntime/core/providers/webgpu/
// webgpu_context.cc GetRequiredLimits / GetAvailableRequiredFeatures; the JSEP backend in
// lib/wasm/jsep/backend-webgpu.ts asks for the same limits): the adapter's own values of the limits
// below, and each of the features below that the adapter has.

import type { GpuAdapterLike, GpuDeviceDescriptorLike, GpuDeviceLike, ProbedAdapter } from './adapterProbe.ts';

/** Limits ORT raises to the adapter's maximum (the WebGPU defaults are too small for big convolutions). */
export const ORT_WEBGPU_REQUIRED_LIMITS = [
  'maxBindGroups',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
] as const;

/** Features ORT enables when the adapter has them (f16 kernels, subgroup kernels, GPU profiling). */
export const ORT_WEBGPU_OPTIONAL_FEATURES = [
  'chromium-experimental-subgroup-matrix',
  'timestamp-query',
  'shader-f16',
  'subgroups',
  'subgroup-size-control',
] as const;

/** The device descriptor ORT would use for this adapter. */
export function ortDeviceDescriptor(adapter: GpuAdapterLike): GpuDeviceDescriptorLike {
  const limits = adapter.limits as Record<string, unknown>;
  const requiredLimits: Record<string, number> = {};
  for (const name of ORT_WEBGPU_REQUIRED_LIMITS) {
    const value = limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const requiredFeatures = ORT_WEBGPU_OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  return { label: 'dashseg onnxruntime-web', requiredFeatures, requiredLimits };
}

/**
 * Creates the model's device from `adapter` (the probed one) with ORT's limits and features. Rejects
 * when the adapter refuses or does not answer within `timeoutMs`; a device that arrives later is destroyed.
 */
export async function createOrtDevice(adapter: GpuAdapterLike, timeoutMs = 15_000): Promise<GpuDeviceLike> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const request = adapter.requestDevice(ortDeviceDescriptor(adapter));
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`the WebGPU adapter did not create a device within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  void request.then((late) => {
    if (timedOut) late.destroy();
  }, () => undefined);
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the worker passes to `InferenceSession.create` for WebGPU. */
export interface OrtWebGpuSetup {
  readonly device: GpuDeviceLike;
  /** The execution-provider entry that hands `device` to ORT. */
  readonly executionProvider: { readonly name: 'webgpu'; readonly device: GpuDeviceLike };
}

/**
 * Points onnxruntime-web at the probed adapter and a device created from it: sets
 * `env.webgpu.adapter` (so ORT requests no adapter of its own) and returns the EP entry carrying the
 * device. Call before the first WebGPU session is created.
 */
export async function setUpOrtWebGpu(
  probed: ProbedAdapter,
  ortWebGpuEnv: { adapter: unknown },
  timeoutMs = 15_000,
): Promise<OrtWebGpuSetup> {
  const device = await createOrtDevice(probed.adapter, timeoutMs);
  ortWebGpuEnv.adapter = probed.adapter;
  return { device, executionProvider: { name: 'webgpu', device } };
}
