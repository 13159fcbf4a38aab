import { describe, expect, it } from 'vitest';
import {
  classNames,
  defaultContractForGraph,
  findOutput,
  generatedColor,
  inputSize,
  modelClassCount,
  ModelContractError,
  parseModelContract,
} from '../../../src/processing/modelContract.ts';
import { camvidContractJson, SHA256 } from './camvidContractJson.ts';

const SOURCE = 'models/dashseg-mnv2.json';

function parseWith(edit: (json: Record<string, any>) => void) {
  const json = camvidContractJson();
  edit(json);
  return () => parseModelContract(json, SOURCE);
}

describe('parseModelContract', () => {
  it('accepts the CamVid contract and exposes its helpers', () => {
    const c = parseModelContract(camvidContractJson(), SOURCE);
    expect(c.name).toBe('dashseg-mnv2');
    expect(c.sha256).toBe(SHA256);
    expect(c.input.shape).toEqual([1, 3, 360, 480]);
    expect(c.input.mean).toEqual([0.485, 0.456, 0.406]);
    expect(c.voidId).toBe(11);
    expect(c.classes).toHaveLength(12);
    expect(modelClassCount(c)).toBe(11);
    expect(classNames(c)).toEqual([
      'Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree', 'SignSymbol', 'Fence', 'Car', 'Pedestrian', 'Bicyclist',
    ]);
    expect(inputSize(c)).toEqual({ height: 360, width: 480 });
    expect(findOutput(c, 'classmap')?.name).toBe('classmap');
    expect(findOutput(c, 'logits')?.shape).toEqual([1, 11, 90, 120]);
  });

  it('accepts a logits-only model and lower-cases the digest', () => {
    const c = parseModelContract(
      { ...camvidContractJson(), sha256: 'AB'.repeat(32), outputs: [{ name: 'out', kind: 'logits', dtype: 'float32', shape: [1, 11, 360, 480] }] },
      SOURCE,
    );
    expect(findOutput(c, 'classmap')).toBeUndefined();
    expect(c.sha256).toBe(SHA256);
  });

  it('accepts each classmap dtype', () => {
    for (const dtype of ['uint8', 'int32', 'int64']) {
      expect(() => parseWith((j) => { j.outputs[0].dtype = dtype; })()).not.toThrow();
    }
  });

  const rejections: [string, (j: Record<string, any>) => void, RegExp][] = [
    ['unknown top-level key', (j) => { j.opset = 17; }, /dashseg-mnv2\.json: opset: unknown key/],
    ['unknown nested key', (j) => { j.input.resize = 'bilinear'; }, /input\.resize: unknown key/],
    ['missing field', (j) => { delete j.input.mean; }, /input\.mean: expected an array, got nothing \(missing\)/],
    ['wrong version', (j) => { j.version = 2; }, /version: unsupported version 2/],
    ['bad digest', (j) => { j.sha256 = 'abc'; }, /sha256: expected 64 hex digits/],
    ['zero std', (j) => { j.input.std[1] = 0; }, /input\.std\[1\]: must be > 0/],
    ['string in mean', (j) => { j.input.mean[2] = '0.4'; }, /input\.mean\[2\]: expected a finite number, got "0\.4"/],
    ['NHWC layout', (j) => { j.input.layout = 'NHWC'; }, /input\.layout: expected one of "NCHW", got "NHWC"/],
    ['batch 2', (j) => { j.input.shape[0] = 2; }, /input\.shape\[0\]: batch must be 1/],
    ['symbolic dim', (j) => { j.input.shape[2] = 'height'; }, /input\.shape\[2\]: expected a finite number/],
    ['one channel', (j) => { j.input.shape[1] = 1; }, /input\.shape\[1\]: channels must be 3/],
    ['no outputs', (j) => { j.outputs = []; }, /outputs: expected at least one output/],
    ['two classmaps', (j) => { j.outputs[1] = { ...j.outputs[0], name: 'other' }; }, /outputs\[1\]\.kind: more than one "classmap"/],
    ['duplicate output names', (j) => { j.outputs[1].name = 'classmap'; }, /outputs\[1\]\.name: duplicate/],
    ['float classmap', (j) => { j.outputs[0].dtype = 'float32'; }, /outputs\[0\]\.dtype: expected one of "uint8", "int32", "int64"/],
    ['unknown output kind', (j) => { j.outputs[0].kind = 'probabilities'; }, /outputs\[0\]\.kind/],
    ['logit channels differ from classes', (j) => { j.outputs[1].shape[1] = 12; }, /outputs\[1\]\.shape\[1\]: logits have 12 channels but the class table has 11/],
    ['classmap rank 4', (j) => { j.outputs[0].shape = [1, 1, 360, 480]; }, /outputs\[0\]\.shape: expected 3 dimensions/],
    ['class out of order', (j) => { [j.classes[0], j.classes[1]] = [j.classes[1], j.classes[0]]; }, /classes\[0\]\.id: expected id 0/],
    ['unknown group', (j) => { j.classes[3].group = 'lane'; }, /classes\[3\]\.group: expected one of/],
    ['group not listed', (j) => { j.groups = j.groups.filter((g: { id: string }) => g.id !== 'signal'); }, /classes\[6\]\.group: group "signal" is not listed/],
    ['duplicate group', (j) => { j.groups.push({ ...j.groups[0] }); }, /groups\[5\]\.id: duplicate group id "road"/],
    ['colour out of range', (j) => { j.classes[2].color = [0, 256, 0]; }, /classes\[2\]\.color\[1\]: expected an integer 0\.\.255, got 256/],
    ['duplicate class name', (j) => { j.classes[1].name = 'Sky'; }, /classes\[1\]\.name: duplicate class name "Sky"/],
    ['ignore not boolean', (j) => { j.classes[0].ignore = 0; }, /classes\[0\]\.ignore: expected true or false, got 0/],
    ['void not ignored', (j) => { j.voidId = 3; }, /voidId: 3 must be the id of a class with "ignore": true/],
    ['void missing', (j) => { j.voidId = 40; }, /voidId: 40 must be the id/],
    ['ignored class before a model class', (j) => { j.classes[10].ignore = true; j.classes[11].ignore = false; }, /classes\[11\]\.ignore: model classes must come before ignored classes/],
  ];

  for (const [what, edit, message] of rejections) {
    it(`rejects ${what} with a message naming the field`, () => {
      const run = parseWith(edit);
      expect(run).toThrow(ModelContractError);
      expect(run).toThrow(message);
    });
  }

  it('names the source in every error', () => {
    expect(() => parseModelContract(null, 'https://x/m.json')).toThrow(/^https:\/\/x\/m\.json: \(root\): expected an object, got null$/);
  });

  it('allows $comment at the top level', () => {
    expect(() => parseWith((j) => { j.$comment = 'anything'; })()).not.toThrow();
  });
});

describe('defaultContractForGraph', () => {
  const graph = {
    inputName: 'input',
    inputShape: [1, 3, 512, 1024],
    outputName: 'output',
    outputShape: [1, 19, 128, 256],
    name: 'peer',
    onnx: 'peer.onnx',
  };

  it('builds an ImageNet-normalised logits contract with generated classes and a void class', () => {
    const c = defaultContractForGraph(graph);
    expect(c.input).toMatchObject({ name: 'input', shape: [1, 3, 512, 1024], channelOrder: 'RGB', scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(c.outputs).toEqual([{ name: 'output', kind: 'logits', dtype: 'float32', shape: [1, 19, 128, 256] }]);
    expect(modelClassCount(c)).toBe(19);
    expect(classNames(c)[0]).toBe('class_0');
    expect(classNames(c)[18]).toBe('class_18');
    expect(c.voidId).toBe(19);
    expect(c.classes[19]).toMatchObject({ name: 'Void', ignore: true });
    expect(c.groups.map((g) => g.id)).toEqual(['other']);
    expect(c.classes.every((cls) => cls.group === 'other')).toBe(true);
    expect(c.sha256).toBeNull();
  });

  it('produces a contract the validator accepts once a digest is added', () => {
    const json = JSON.parse(JSON.stringify({ ...defaultContractForGraph(graph), sha256: SHA256 }));
    expect(parseModelContract(json, 'roundtrip').classes).toHaveLength(20);
  });

  it('rejects unresolved or non-logits shapes', () => {
    expect(() => defaultContractForGraph({ ...graph, inputShape: [1, 3, -1, 1024] })).toThrow(/inputShape\[2\]: expected a positive integer, got -1/);
    expect(() => defaultContractForGraph({ ...graph, outputShape: [1, 512, 1024] })).toThrow(/outputShape: expected logits/);
    expect(() => defaultContractForGraph({ ...graph, inputShape: [1, 1, 512, 1024] })).toThrow(/expected 3 channels/);
  });
});

describe('generatedColor', () => {
  it('gives distinct in-range colours', () => {
    const colors = Array.from({ length: 32 }, (_, i) => generatedColor(i));
    for (const c of colors) for (const v of c) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true);
    expect(new Set(colors.map((c) => c.join(','))).size).toBe(32);
    // Hue 0 at s=0.65, v=0.95: pure-ish red.
    expect(generatedColor(0)).toEqual([242, 85, 85]);
  });
});
