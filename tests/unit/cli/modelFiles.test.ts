import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../cli/lib/errors.ts';
import { describeModelFailure, readContractFile, resolveModelFiles } from '../../../cli/lib/modelFiles.ts';
import { PROJECT_ROOT } from '../../../tools/browser/build.ts';
import { tempTree, type TempTree } from './tempFolders.ts';

let t: TempTree;
beforeEach(() => {
  t = tempTree();
});
afterEach(() => t.remove());

const CONTRACT = readFileSync(path.join(PROJECT_ROOT, 'models', 'camvid_classes.json'), 'utf8');

describe('resolveModelFiles', () => {
  it('finds the contract next to the model and tells whether the model is in <root>/models', () => {
    t.write('models/m.onnx', 'onnx bytes');
    t.write('models/m.json', '{}');
    t.write('elsewhere/bare.onnx', 'onnx bytes');
    expect(resolveModelFiles(t.path('models', 'm.onnx'), t.root)).toEqual({
      onnx: t.path('models', 'm.onnx'),
      contract: t.path('models', 'm.json'),
      inModelsFolder: true,
    });
    expect(resolveModelFiles(t.path('elsewhere', 'bare.onnx'), t.root)).toEqual({
      onnx: t.path('elsewhere', 'bare.onnx'),
      contract: null,
      inModelsFolder: false,
    });
  });

  it('fails on a missing, empty or non-.onnx model, naming it', () => {
    expect(() => resolveModelFiles(t.path('none.onnx'), t.root)).toThrow(`model not found: ${t.path('none.onnx')}`);
    t.write('empty.onnx', '');
    expect(() => resolveModelFiles(t.path('empty.onnx'), t.root)).toThrow('is empty (0 bytes)');
    t.write('model.pt', 'x');
    expect(() => resolveModelFiles(t.path('model.pt'), t.root)).toThrow('expected an .onnx file');
    expect(() => resolveModelFiles(t.root, t.root)).toThrow(CliError);
  });
});

describe('readContractFile', () => {
  it('rejects unreadable JSON and invalid contracts with the file name', () => {
    t.write('bad.json', '{ nope');
    expect(() => readContractFile(t.path('bad.json'))).toThrow(`contract ${t.path('bad.json')} is not valid JSON`);
    // The class table file is not a model contract (no version, outputs, ...).
    t.write('classes.json', CONTRACT);
    expect(() => readContractFile(t.path('classes.json'))).toThrow(new RegExp(`^invalid model contract: ${t.path('classes.json')}: `));
  });
});

describe('describeModelFailure', () => {
  const urls = new Map([
    ['http://127.0.0.1:4000/__eval__/model/m.onnx', 'x/m.onnx'],
    ['/__eval__/model/m.onnx', 'x/m.onnx'],
  ]);

  it('prefixes the code and replaces URLs with paths', () => {
    expect(describeModelFailure('model-corrupt', '/__eval__/model/m.onnx: sha256 mismatch', urls)).toBe(
      'model is corrupt or not the one its contract describes: x/m.onnx: sha256 mismatch',
    );
    expect(describeModelFailure('model-not-found', 'http://127.0.0.1:4000/__eval__/model/m.onnx: HTTP 404', urls)).toBe(
      'model not found: x/m.onnx: HTTP 404',
    );
    expect(describeModelFailure('contract-mismatch', 'm', urls)).toBe('model and contract do not match: m');
    expect(describeModelFailure('contract-invalid', 'm', urls)).toBe('invalid model contract: m');
    expect(describeModelFailure('something-else', 'plain', urls)).toBe('plain');
  });
});
