import { DROP_FLOATING_BY_DEFAULT, UPSAMPLE_BY_DEFAULT } from '../../../src/processing/maskPostprocess.ts';
import { describe, expect, it } from 'vitest';
import { formatUsage, parseArgs, type FlagSpecs } from '../../../cli/lib/args.ts';
import { UsageError } from '../../../cli/lib/errors.ts';
import path from 'node:path';
import { DEFAULT_MODEL, EVAL_USAGE, evalModelPath, parseEvalArgs } from '../../../cli/lib/evalOptions.ts';
import { STABILISE_BY_DEFAULT } from '../../../src/processing/temporalStabiliser.ts';

const SPECS = {
  images: { kind: 'string', metavar: 'DIR', required: true, description: 'images' },
  limit: { kind: 'int', min: 1, max: 1000, description: 'limit' },
  backend: { kind: 'enum', values: ['wasm', 'webgpu'] as const, default: 'wasm', description: 'backend' },
  verbose: { kind: 'boolean', description: 'verbose' },
} as const satisfies FlagSpecs;

function usageError(argv: string[]): string {
  try {
    parseArgs(argv, SPECS);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
}

describe('parseArgs', () => {
  it('reads --flag value and --flag=value, applies defaults', () => {
    const r = parseArgs(['--images', 'a b', '--limit=5', '--verbose'], SPECS);
    expect(r).toEqual({ help: false, flags: { images: 'a b', limit: 5, backend: 'wasm', verbose: true } });
    const d = parseArgs(['--images=x', '--backend', 'webgpu'], SPECS);
    expect(d).toEqual({ help: false, flags: { images: 'x', backend: 'webgpu', verbose: false } });
  });

  it('rejects unknown flags, suggesting a close one', () => {
    expect(usageError(['--images', 'x', '--imgs', 'y'])).toBe('unknown option --imgs (did you mean --images?)');
    expect(usageError(['--images', 'x', '--zzzzzz'])).toBe('unknown option --zzzzzz');
    // Object prototype names are not flags.
    expect(usageError(['--images', 'x', '--constructor', 'y'])).toMatch(/^unknown option --constructor/);
  });

  it('rejects missing, empty and malformed values', () => {
    expect(usageError(['--images'])).toBe('--images needs a value (DIR)');
    expect(usageError(['--images', '--verbose'])).toBe('--images needs a value (DIR)');
    expect(usageError(['--images='])).toBe('--images needs a value (DIR)');
    expect(usageError(['--images', 'x', '--limit', 'ten'])).toBe('--limit must be an integer, got "ten"');
    expect(usageError(['--images', 'x', '--limit', '2.5'])).toBe('--limit must be an integer, got "2.5"');
    expect(usageError(['--images', 'x', '--limit', '0'])).toBe('--limit must be at least 1, got 0');
    expect(usageError(['--images', 'x', '--limit', '1001'])).toBe('--limit must be at most 1000, got 1001');
    expect(usageError(['--images', 'x', '--backend', 'cuda'])).toBe('--backend must be one of wasm, webgpu, got "cuda"');
    expect(usageError(['--images', 'x', '--verbose=yes'])).toBe('--verbose takes no value');
  });

  it('rejects missing required flags, repeats and stray arguments', () => {
    expect(usageError([])).toBe('--images is required (DIR)');
    expect(usageError(['--images', 'a', '--images', 'b'])).toBe('--images is given more than once');
    expect(usageError(['--images', 'a', 'extra'])).toMatch(/^unexpected argument "extra"/);
    expect(usageError(['-x'])).toMatch(/^unexpected argument "-x"/);
    expect(usageError(['--'])).toMatch(/^unexpected argument "--"/);
  });

  it('answers --help and -h before validating anything', () => {
    expect(parseArgs(['--bogus', '--help'], SPECS)).toEqual({ help: true });
    expect(parseArgs(['-h'], SPECS)).toEqual({ help: true });
  });

  it('formats a usage text listing every flag', () => {
    const usage = formatUsage('tool', SPECS);
    expect(usage.split('\n')[0]).toBe('usage: tool --images DIR [--limit N] [--backend wasm|webgpu] [--verbose]');
    expect(usage).toContain('(default: wasm)');
    expect(usage).toContain('(required)');
    expect(usage).toContain('--help');
  });
});

describe('parseEvalArgs', () => {
  it('has the documented defaults', () => {
    expect(parseEvalArgs(['--images', 'i', '--labels', 'l'])).toEqual({
      images: 'i',
      labels: 'l',
      model: DEFAULT_MODEL,
      backend: 'wasm',
      stabilise: STABILISE_BY_DEFAULT ? 'on' : 'off',
      upsample: UPSAMPLE_BY_DEFAULT,
      floating: DROP_FLOATING_BY_DEFAULT ? 'drop' : 'keep',
      verbose: false,
    });
  });

  it('reads every option', () => {
    const flags = parseEvalArgs([
      '--images', 'i', '--labels', 'l', '--model', 'm.onnx', '--backend', 'webgpu',
      '--json', 'o.json', '--csv', 'o.csv', '--report', 'o.html', '--limit', '5', '--stabilise', 'off',
      '--upsample', 'nearest',
    ]);
    expect(flags).toMatchObject({ model: 'm.onnx', backend: 'webgpu', json: 'o.json', csv: 'o.csv', report: 'o.html', limit: 5, stabilise: 'off', upsample: 'nearest' });
    expect(() => parseEvalArgs(['--images', 'i', '--labels', 'l', '--stabilise', 'maybe'])).toThrow(UsageError);
    expect(() => parseEvalArgs(['--images', 'i', '--labels', 'l', '--upsample', 'bicubic'])).toThrow(UsageError);
  });

  it('returns null for --help and throws UsageError for unknown flags', () => {
    expect(parseEvalArgs(['--help'])).toBeNull();
    expect(() => parseEvalArgs(['--images', 'i', '--labels', 'l', '--output', 'x'])).toThrow(UsageError);
    expect(() => parseEvalArgs(['--images', 'i'])).toThrow('--labels is required (DIR)');
    expect(EVAL_USAGE).toContain('--images DIR');
    expect(EVAL_USAGE).toContain('--backend wasm|webgpu');
    expect(EVAL_USAGE).toContain('--stabilise on|off');
    expect(EVAL_USAGE).toContain('--upsample guided|nearest');
  });
});

describe('evalModelPath: which file `npm run eval -- --model` scores', () => {
  const fromCwd = (p: string): string => path.join('/cwd', p);
  it("takes the toolbar's names for the shipped models", () => {
    expect(evalModelPath('fast', '/proj', fromCwd)).toBe('/proj/models/dashseg-lite2.onnx');
    expect(evalModelPath('balanced', '/proj', fromCwd)).toBe('/proj/models/dashseg-lite.onnx');
    expect(evalModelPath('accurate', '/proj', fromCwd)).toBe('/proj/models/dashseg-mnv2.onnx');
  });
  it('the default is the shipped default model; any other value is a path from the working directory', () => {
    expect(evalModelPath(DEFAULT_MODEL, '/proj', fromCwd)).toBe(`/proj/${DEFAULT_MODEL}`);
    expect(evalModelPath('peer.onnx', '/proj', fromCwd)).toBe('/cwd/peer.onnx');
  });
});
