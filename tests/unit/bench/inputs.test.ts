import { DEFAULT_MASK_POSTPROCESS } from '../../../src/processing/maskPostprocess.ts';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../cli/lib/errors.ts';
import { resolveBenchModel, resolveVideo, sizedModelPath, type PathContext } from '../../../cli/bench/inputs.ts';
import { DEFAULT_MODEL_NAME, SHIPPED_MODELS } from '../../../src/processing/shippedModels.ts';

/** The default model's file stem (models/<name>.onnx). */
const NAME = DEFAULT_MODEL_NAME;

let root: string;
let ctx: PathContext;

/** The shipped contract, re-declared for input h x w (classmap output at the same size). */
const shipped = JSON.parse(readFileSync(new URL(`../../../models/${NAME}.json`, import.meta.url), 'utf8')) as {
  input: { shape: number[] };
  outputs: { kind: string; shape: number[] }[];
};
const contract = (h: number, w: number): string =>
  JSON.stringify({
    ...shipped,
    input: { ...shipped.input, shape: [1, 3, h, w] },
    outputs: shipped.outputs.filter((o) => o.kind === 'classmap').map((o) => ({ ...o, shape: [1, h, w] })),
  });

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'bench-inputs-'));
  mkdirSync(path.join(root, 'models'));
  mkdirSync(path.join(root, 'samples', 'data'), { recursive: true });
  writeFileSync(path.join(root, 'models', `${NAME}.onnx`), 'onnx');
  writeFileSync(path.join(root, 'models', `${NAME}-240x320.onnx`), 'onnx');
  writeFileSync(path.join(root, 'peer.onnx'), 'onnx');
  writeFileSync(path.join(root, 'clip.mp4'), 'mp4');
  ctx = { projectRoot: root, fromCwd: (p) => path.resolve(root, p), show: (p) => path.relative(root, p) };
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sizedModelPath', () => {
  it('appends -HxW before the extension', () => {
    expect(sizedModelPath('/a/models/x.onnx', { height: 240, width: 320 })).toBe('/a/models/x-240x320.onnx');
  });
});

describe('resolveBenchModel', () => {
  it('serves the shipped model from /models/ without routing', () => {
    const m = resolveBenchModel('default', null, 0, ctx);
    expect(m.url).toBe(`/models/${NAME}.onnx`);
    expect(m.routed.size).toBe(0);
  });

  it("takes the toolbar's names (fast, balanced, accurate) for the shipped models, served from /models/", () => {
    for (const m of SHIPPED_MODELS) writeFileSync(path.join(root, 'models', `${m.name}.onnx`), 'onnx');
    for (const m of SHIPPED_MODELS) {
      const resolved = resolveBenchModel(m.role, null, 0, ctx);
      expect(resolved.url).toBe(`/models/${m.name}.onnx`);
      expect(resolved.files.onnx).toBe(path.join(root, 'models', `${m.name}.onnx`));
      expect(resolved.routed.size).toBe(0);
    }
    expect(resolveBenchModel('accurate', null, 0, ctx).files.onnx).toBe(path.join(root, 'models', 'dashseg-mnv2.onnx'));
  });

  it('routes a model exported at another size, and names the missing file otherwise', () => {
    const m = resolveBenchModel('default', { height: 240, width: 320 }, 1, ctx);
    expect(m.url).toBe(`/__bench__/model/1/${NAME}-240x320.onnx`);
    expect([...m.routed.values()]).toEqual([path.join(root, 'models', `${NAME}-240x320.onnx`)]);
    expect(m.name).toBe('default @240x320');
    expect(() => resolveBenchModel('default', { height: 480, width: 640 }, 0, ctx)).toThrow(new RegExp(`models/${NAME}-480x640\\.onnx does not exist`));
  });

  it('routes a bare model without a contract key (the page gets a 404 for the .json)', () => {
    const m = resolveBenchModel('peer.onnx', null, 0, ctx);
    expect(m.url).toBe('/__bench__/model/0/peer.onnx');
    expect([...m.routed.keys()]).toEqual(['model/0/peer.onnx']);
  });

  it('routes the contract next to a model, and checks its size against --size', () => {
    writeFileSync(path.join(root, 'models', `${NAME}-240x320.json`), contract(240, 320));
    const m = resolveBenchModel('default', { height: 240, width: 320 }, 0, ctx);
    expect([...m.routed.keys()].sort()).toEqual([`model/0/${NAME}-240x320.json`, `model/0/${NAME}-240x320.onnx`]);
    writeFileSync(path.join(root, 'models', `${NAME}-240x320.json`), contract(360, 480));
    expect(() => resolveBenchModel('default', { height: 240, width: 320 }, 0, ctx)).toThrow(/declares input 1x3x360x480/);
    rmSync(path.join(root, 'models', `${NAME}-240x320.json`));
  });

  it('fails clearly on a missing model', () => {
    expect(() => resolveBenchModel('nope.onnx', null, 0, ctx)).toThrow(CliError);
    expect(() => resolveBenchModel('nope.onnx', null, 0, ctx)).toThrow(/model not found: nope\.onnx/);
  });
});

describe('resolveVideo', () => {
  it('plays the sample clip by default, and says how to get it when it is missing', () => {
    expect(() => resolveVideo('default', ctx)).toThrow(/fetch-samples/);
    writeFileSync(path.join(root, 'samples', 'data', 'solidWhiteRight.mp4'), 'mp4');
    expect(resolveVideo('default', ctx).url).toBe('/samples/solidWhiteRight.mp4');
  });

  it('routes a file on disk, passes /samples/ URLs through, and rejects anything else', () => {
    const v = resolveVideo('clip.mp4', ctx);
    expect(v.url).toBe('/__bench__/video/clip.mp4');
    expect([...v.routed.values()]).toEqual([path.join(root, 'clip.mp4')]);
    expect(resolveVideo('/samples/other.mp4', ctx).url).toBe('/samples/other.mp4');
    expect(() => resolveVideo('missing.mp4', ctx)).toThrow(/video not found: missing\.mp4/);
    expect(() => resolveVideo('/tmp/definitely-missing-bench.mp4', ctx)).toThrow(/video not found/);
  });
});

describe('resolveBenchModel with :spin', () => {
  it('turns ORT thread-pool spin-waiting on for that model only, and names it so', () => {
    const plain = resolveBenchModel('default', null, 0, ctx);
    const spin = resolveBenchModel('default:spin', null, 1, ctx);
    expect(plain.spinWait).toBe(false);
    expect(spin.spinWait).toBe(true);
    expect(spin.name).toBe('default:spin');
    expect(spin.url).toBe(plain.url);
  });
});

describe('resolveBenchModel with :plain', () => {
  it("runs the app's mask postprocessing unless :plain turns stabilisation, guided upsampling and the floating-object check off; suffixes combine", () => {
    const normal = resolveBenchModel('default', null, 0, ctx);
    const plain = resolveBenchModel('default:plain', null, 1, ctx);
    const both = resolveBenchModel('fast:spin:plain', null, 2, ctx);
    expect(normal.postprocess).toEqual(DEFAULT_MASK_POSTPROCESS);
    expect(plain.postprocess).toEqual({ stabilise: false, upsample: 'nearest', dropFloating: false });
    expect(plain.name).toBe('default:plain');
    expect(plain.url).toBe(normal.url);
    expect(both).toMatchObject({ spinWait: true, postprocess: { stabilise: false, upsample: 'nearest' }, name: 'fast:plain:spin', exportVideo: false });
    const exporting = resolveBenchModel('default:export', null, 3, ctx);
    expect(exporting).toMatchObject({ exportVideo: true, name: 'default:export', postprocess: DEFAULT_MASK_POSTPROCESS });
  });
});
