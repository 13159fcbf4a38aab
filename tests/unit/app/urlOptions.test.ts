import { describe, expect, it } from 'vitest';
import { STABILISE_BY_DEFAULT } from '../../../src/processing/temporalStabiliser.ts';
import { DROP_FLOATING_BY_DEFAULT } from '../../../src/processing/maskPostprocess.ts';
import { contractUrlFor, parseAppOptions, DEFAULT_MODEL_URL } from '../../../src/ui/urlOptions.ts';

describe('parseAppOptions', () => {
  it('defaults to the sample clip, the shipped model and auto backend', () => {
    expect(parseAppOptions('')).toMatchObject({ src: null, seq: null, camera: false, model: DEFAULT_MODEL_URL, backend: 'auto', synced: false, stabilise: STABILISE_BY_DEFAULT, pace: 'realtime', limit: null });
    expect(parseAppOptions('?stabilise=0').stabilise).toBe(false);
    expect(parseAppOptions('?stabilise=1').stabilise).toBe(true);
    expect(parseAppOptions('').dropFloating).toBe(DROP_FLOATING_BY_DEFAULT);
    expect(parseAppOptions('?dropfloating=0').dropFloating).toBe(false);
    expect(parseAppOptions('?dropfloating=1').dropFloating).toBe(true);
    expect(() => parseAppOptions('?dropfloating=maybe')).toThrow(/dropfloating=maybe/);
  });

  it('reads every option', () => {
    const o = parseAppOptions('?seq=/s.json&backend=webgpu&synced=1&pace=every-frame&limit=5&record=true&model=/m.onnx');
    expect(o).toMatchObject({ seq: '/s.json', backend: 'webgpu', synced: true, pace: 'every-frame', limit: 5, record: true, model: '/m.onnx' });
  });

  it('rejects unknown keys, bad values and two sources at once', () => {
    expect(() => parseAppOptions('?backnd=wasm')).toThrow(/unknown URL option "backnd"/);
    expect(() => parseAppOptions('?backend=cuda')).toThrow(/backend=cuda/);
    expect(() => parseAppOptions('?limit=0')).toThrow(/positive integer/);
    expect(() => parseAppOptions('?synced=maybe')).toThrow(/synced=maybe/);
    expect(() => parseAppOptions('?stabilise=2')).toThrow(/stabilise=2/);
    expect(() => parseAppOptions('?src=/a.mp4&camera=1')).toThrow(/choose one source/);
  });

  it('puts the contract next to the model', () => {
    expect(contractUrlFor('/models/x.onnx')).toBe('/models/x.json');
    expect(contractUrlFor('/m/y.ONNX?v=2')).toBe('/m/y.json');
  });
});
