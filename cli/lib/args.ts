// A strict command-line parser for the CLIs: flags are declared once (type, default, help text);
// unknown flags, missing or malformed values, repeated flags and stray arguments are UsageErrors.
// Accepts `--flag value` and `--flag=value`; `--help` / `-h` asks for the usage text.

import { UsageError } from './errors.ts';

interface FlagBase {
  readonly description: string;
  /** Placeholder in the usage text, e.g. DIR. */
  readonly metavar?: string;
  readonly required?: boolean;
}

export interface StringFlag extends FlagBase {
  readonly kind: 'string';
  readonly default?: string;
}

export interface IntFlag extends FlagBase {
  readonly kind: 'int';
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}

export interface EnumFlag<V extends string = string> extends FlagBase {
  readonly kind: 'enum';
  readonly values: readonly V[];
  readonly default?: V;
}

export interface BooleanFlag {
  readonly kind: 'boolean';
  readonly description: string;
}

export type FlagSpec = StringFlag | IntFlag | EnumFlag | BooleanFlag;
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type FlagValue<F> = F extends BooleanFlag
  ? boolean
  : F extends IntFlag
    ? number
    : F extends EnumFlag<infer V>
      ? V
      : string;

type HasValue<F> = F extends BooleanFlag ? true : F extends { required: true } ? true : F extends { default: unknown } ? true : false;

/** Parsed values: required flags, flags with a default and booleans are always set. */
export type ParsedFlags<S extends FlagSpecs> = {
  -readonly [K in keyof S]: HasValue<S[K]> extends true ? FlagValue<S[K]> : FlagValue<S[K]> | undefined;
};

export type ParseResult<S extends FlagSpecs> = { readonly help: true } | { readonly help: false; readonly flags: ParsedFlags<S> };

export function parseArgs<S extends FlagSpecs>(argv: readonly string[], specs: S): ParseResult<S> {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const values: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (every option is a --flag)`);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (!spec) {
      const hint = closestFlag(name, Object.keys(specs));
      throw new UsageError(`unknown option --${name}${hint ? ` (did you mean --${hint}?)` : ''}`);
    }
    if (name in values) throw new UsageError(`--${name} is given more than once`);
    if (spec.kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      values[name] = true;
      continue;
    }
    let raw: string;
    if (eq !== -1) {
      raw = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value (${metavarOf(spec)})`);
      raw = next;
      i++;
    }
    if (raw === '') throw new UsageError(`--${name} needs a value (${metavarOf(spec)})`);
    values[name] = convert(name, spec, raw);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (name in values) continue;
    if (spec.kind === 'boolean') values[name] = false;
    else if (spec.default !== undefined) values[name] = spec.default;
    else if (spec.required) throw new UsageError(`--${name} is required (${metavarOf(spec)})`);
  }
  return { help: false, flags: values as ParsedFlags<S> };
}

function convert(name: string, spec: StringFlag | IntFlag | EnumFlag, raw: string): string | number {
  if (spec.kind === 'string') return raw;
  if (spec.kind === 'enum') {
    if (!spec.values.includes(raw)) throw new UsageError(`--${name} must be one of ${spec.values.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw;
  }
  if (!/^[+-]?\d+$/.test(raw)) throw new UsageError(`--${name} must be an integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} is out of range: ${raw}`);
  if (spec.min !== undefined && n < spec.min) throw new UsageError(`--${name} must be at least ${spec.min}, got ${n}`);
  if (spec.max !== undefined && n > spec.max) throw new UsageError(`--${name} must be at most ${spec.max}, got ${n}`);
  return n;
}

function metavarOf(spec: StringFlag | IntFlag | EnumFlag): string {
  if (spec.metavar) return spec.metavar;
  if (spec.kind === 'enum') return spec.values.join('|');
  return spec.kind === 'int' ? 'N' : 'VALUE';
}

/** The declared flag within edit distance 2 of `name`, for "did you mean". */
function closestFlag(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** Usage text: a synopsis line, then one line per flag with its help and default. */
export function formatUsage(command: string, specs: FlagSpecs, intro = ''): string {
  const synopsis = Object.entries(specs).map(([name, spec]) => {
    const part = spec.kind === 'boolean' ? `--${name}` : `--${name} ${metavarOf(spec)}`;
    return spec.kind !== 'boolean' && spec.required ? part : `[${part}]`;
  });
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = spec.kind === 'boolean' ? `--${name}` : `--${name} ${metavarOf(spec)}`;
    const extra = spec.kind === 'boolean' ? '' : spec.required ? ' (required)' : spec.default !== undefined ? ` (default: ${spec.default})` : '';
    return [left, `${spec.description}${extra}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines = [`usage: ${command} ${synopsis.join(' ')}`];
  if (intro) lines.push('', intro);
  lines.push('', 'options:');
  for (const [left, right] of rows) lines.push(`  ${left.padEnd(width)}  ${right}`);
  lines.push(`  ${'--help'.padEnd(width)}  show this help`);
  return lines.join('\n');
}
