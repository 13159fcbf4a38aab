// The exported models and their golden fixtures as files on disk, and onnxruntime-web in Node.
// Everything is read from whatever models/export.py last wrote: no expected values live here.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// In Node the package's "node" export condition picks dist/ort.node.min.mjs: the wasm backend
// only, loading ort-wasm-simd-threaded.{mjs,wasm} from the package's own dist/ folder.
// (Vitest leaves node_modules to Node's resolver, so vite.config.ts's extern-wasm condition,
// which is for the browser build, does not apply here.)
import * as ort from 'onnxruntime-web';

export { ort };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const MODELS_DIR = path.join(ROOT, 'models');
export const GOLDEN_DIR = path.join(ROOT, 'tests', 'fixtures', 'golden');
export const SAMPLES_DATA_DIR = path.join(ROOT, 'samples', 'data');
/** The constants source (class table, normalisation), not a model contract. */
export const CONSTANTS_FILE = path.join(MODELS_DIR, 'camvid_classes.json');

// Must be set before the first session is created; 2 threads are slower than 1 in Node here.
ort.env.wasm.numThreads = 1;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export interface ContractFile {
  /** Path relative to the project root, for messages. */
  readonly source: string;
  readonly json: Record<string, unknown>;
  /** models/<json.onnx> */
  readonly onnxPath: string;
}

/** Every models/*.json that describes an exported model (has an "onnx" key). */
export function listContractFiles(): ContractFile[] {
  return readdirSync(MODELS_DIR)
    .filter((f) => f.endsWith('.json') && path.join(MODELS_DIR, f) !== CONSTANTS_FILE)
    .sort()
    .map((f) => ({ file: path.join(MODELS_DIR, f), json: readJson(path.join(MODELS_DIR, f)) }))
    .filter(({ json }) => typeof json === 'object' && json !== null && !Array.isArray(json) && 'onnx' in json)
    .map(({ file, json }) => {
      const record = json as Record<string, unknown>;
      return {
        source: path.relative(ROOT, file),
        json: record,
        onnxPath: path.join(MODELS_DIR, String(record['onnx'])),
      };
    });
}

export async function createNodeSession(onnxBytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(onnxBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

/** What models/export.py writes to tests/fixtures/golden/<name>/golden.json. */
export interface GoldenJson {
  readonly model: string;
  /** Relative to samples/data, e.g. "camvid-val/images/0016E5_07959.png". */
  readonly frame: string;
  readonly frameSha256: string;
  readonly logitsShape: readonly number[];
  readonly classmapShape: readonly number[];
  /** Flat indices into the NCHW float32 input tensor and the Python values there. */
  readonly preprocessSamples: { readonly index: readonly number[]; readonly value: readonly number[] };
  /** Per-channel float64 sums of the Python input tensor. */
  readonly preprocessChannelSums: readonly number[];
}

export interface GoldenFixture {
  readonly dir: string;
  readonly json: GoldenJson;
  /** PyTorch float32 logits, little-endian, shape json.logitsShape. */
  readonly logits: Float32Array;
  /** PyTorch uint8 class map, shape json.classmapShape. */
  readonly classmap: Uint8Array;
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Reads tests/fixtures/golden/<name>/ (or `dir`) and checks the binary sizes against the shapes. */
export function readGoldenFixture(dir: string): GoldenFixture {
  const jsonFile = path.join(dir, 'golden.json');
  if (!existsSync(jsonFile)) {
    throw new Error(`${path.relative(ROOT, jsonFile)} is missing: models/export.py writes the golden fixtures next to each export`);
  }
  const json = readJson(jsonFile) as GoldenJson;
  const logitsBytes = readFileSync(path.join(dir, 'logits.f32'));
  const classmap = new Uint8Array(readFileSync(path.join(dir, 'classmap.u8')));
  if (logitsBytes.length !== product(json.logitsShape) * 4) {
    throw new Error(`${dir}/logits.f32 has ${logitsBytes.length} bytes, shape [${json.logitsShape}] needs ${product(json.logitsShape) * 4}`);
  }
  if (classmap.length !== product(json.classmapShape)) {
    throw new Error(`${dir}/classmap.u8 has ${classmap.length} bytes, shape [${json.classmapShape}] needs ${product(json.classmapShape)}`);
  }
  // Copy into an aligned buffer; DataView makes the little-endian read explicit.
  const view = new DataView(logitsBytes.buffer, logitsBytes.byteOffset, logitsBytes.byteLength);
  const logits = new Float32Array(logitsBytes.length / 4);
  for (let i = 0; i < logits.length; i++) logits[i] = view.getFloat32(i * 4, true);
  return { dir, json, logits, classmap };
}

/**
 * The golden frame's bytes from samples/data/. Throws (so the test fails, never skips) when the
 * samples were not fetched: `npm test` fetches them first, a bare `vitest run` does not.
 */
export function readGoldenFrame(golden: GoldenJson, samplesDir = SAMPLES_DATA_DIR): Uint8Array {
  const file = path.join(samplesDir, golden.frame);
  if (!existsSync(file)) {
    throw new Error(
      `golden frame ${path.relative(ROOT, file)} is missing: run \`npm run fetch-samples\` ` +
        '(npm test does this before the tests) to put the sample media under samples/data/',
    );
  }
  return new Uint8Array(readFileSync(file));
}

/**
 * Runs ffmpeg (from apt) quietly and returns its stdout: raw video for `args`, `input` on stdin if given.
 * Throws naming `what` (the file it decodes) when ffmpeg is missing or fails, or when it writes other than
 * `expectedBytes`.
 */
export function ffmpegRaw(args: readonly string[], expectedBytes: number, what: string, input?: Uint8Array): Uint8Array {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], { maxBuffer: 256 * 1024 * 1024, ...(input ? { input } : {}) });
  if (r.error) throw new Error(`could not run ffmpeg (needed to decode ${what}): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr.toString()}`);
  if (r.stdout.length !== expectedBytes) throw new Error(`ffmpeg ${args.join(' ')} gave ${r.stdout.length} bytes, expected ${expectedBytes}`);
  return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length);
}
