import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/lib/errors.ts';
import { extractCompare, parseBenchArgs, parseSize } from '../../../cli/bench/args.ts';

function parse(argv: string[]) {
  const options = parseBenchArgs(argv);
  if (options === null) throw new Error('unexpected --help');
  return options;
}

describe('parseBenchArgs', () => {
  it('has the documented defaults', () => {
    expect(parse([])).toEqual({
      models: ['default'],
      compare: false,
      backend: 'wasm',
      maskLayer: 'worker',
      src: 'default',
      size: null,
      seconds: 20,
      rounds: 1,
      warmupSeconds: 3,
      threads: null,
      json: null,
      verbose: false,
    });
  });

  it('--mask-layer names where the app draws the masks (worker or inline); anything else is refused', () => {
    expect(parse(['--mask-layer', 'inline']).maskLayer).toBe('inline');
    expect(parse(['--mask-layer=worker']).maskLayer).toBe('worker');
    expect(() => parse(['--mask-layer', 'gpu'])).toThrow(/mask-layer/);
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const o = parse(['--model', 'a.onnx', '--backend=webgpu', '--src', 'clip.mp4', '--size', '240x320', '--seconds', '15', '--rounds=2', '--warmup', '0', '--json', 'out.json', '--verbose']);
    expect(o.models).toEqual(['a.onnx']);
    expect(o.backend).toBe('webgpu');
    expect(o.src).toBe('clip.mp4');
    expect(o.size).toEqual({ height: 240, width: 320 });
    expect(o.seconds).toBe(15);
    expect(o.rounds).toBe(2);
    expect(o.warmupSeconds).toBe(0);
    expect(o.json).toBe('out.json');
    expect(o.verbose).toBe(true);
  });

  it('takes two models after --compare, anywhere on the line, and defaults to 3 rounds then', () => {
    const o = parse(['--seconds', '10', '--compare', 'default', 'models/b.onnx', '--threads', '1']);
    expect(o.models).toEqual(['default', 'models/b.onnx']);
    expect(o.compare).toBe(true);
    expect(o.rounds).toBe(3);
    expect(o.seconds).toBe(10);
    expect(o.threads).toBe(1);
    expect(parse(['--compare', 'default', 'default', '--rounds', '2']).rounds).toBe(2);
  });

  it('rejects --compare with fewer than two models, twice, or with =', () => {
    expect(() => parse(['--compare', 'a.onnx'])).toThrow(/two models/);
    expect(() => parse(['--compare', 'a.onnx', '--seconds', '3'])).toThrow(/two models/);
    expect(() => parse(['--compare=a.onnx', 'b.onnx'])).toThrow(/two values/);
    expect(() => parse(['--compare', 'a', 'b', '--compare', 'c', 'd'])).toThrow(/more than once/);
  });

  it('rejects --model together with --compare', () => {
    expect(() => parse(['--model', 'x.onnx', '--compare', 'a', 'b'])).toThrow(/exclude each other/);
    expect(() => parse(['--compare', 'a', 'b', '--model=x.onnx'])).toThrow(UsageError);
  });

  it('rejects --threads with WebGPU, and out-of-range numbers', () => {
    expect(() => parse(['--backend', 'webgpu', '--threads', '2'])).toThrow(/wasm only/);
    expect(() => parse(['--threads', '0'])).toThrow(/at least 1/);
    expect(() => parse(['--seconds', '0'])).toThrow(/at least 1/);
    expect(() => parse(['--rounds', 'two'])).toThrow(/integer/);
  });

  it('rejects unknown flags, bad enum values and stray arguments', () => {
    expect(() => parse(['--second', '5'])).toThrow(/did you mean --seconds/);
    expect(() => parse(['--backend', 'webgl'])).toThrow(/wasm, webgpu/);
    expect(() => parse(['model.onnx'])).toThrow(UsageError);
  });

  it('returns null for --help', () => {
    expect(parseBenchArgs(['--help'])).toBeNull();
    expect(parseBenchArgs(['--compare', 'a', 'b', '-h'])).toBeNull();
  });
});

describe('parseSize', () => {
  it('reads height x width', () => {
    expect(parseSize('360x480')).toEqual({ height: 360, width: 480 });
    expect(parseSize('720X1280')).toEqual({ height: 720, width: 1280 });
  });

  it('rejects other shapes and zero', () => {
    for (const bad of ['360', '360x', 'x480', '360*480', '-1x4', '1.5x2', '']) expect(() => parseSize(bad)).toThrow(UsageError);
    expect(() => parseSize('0x480')).toThrow(/1\.\.8192/);
  });
});

describe('extractCompare', () => {
  it('removes --compare A B and keeps the rest in order', () => {
    expect(extractCompare(['--seconds', '5', '--compare', 'a', 'b', '--json', 'o'])).toEqual({
      rest: ['--seconds', '5', '--json', 'o'],
      compare: ['a', 'b'],
    });
    expect(extractCompare(['--seconds', '5'])).toEqual({ rest: ['--seconds', '5'], compare: null });
  });
});
