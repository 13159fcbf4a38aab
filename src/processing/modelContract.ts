// The model I/O contract: the `<model>.json` that models/export.py writes next to `<model>.onnx`.
// Everything downstream (normalisation, palette, legend, group toggles, the eval's class list) reads
// this one validated type, so a malformed file fails here with a message naming the field and file.

export type GroupId = 'road' | 'car' | 'person' | 'signal' | 'other';

/** Every group id the app knows, in legend order. Contracts may use a subset. */
export const GROUP_IDS: readonly GroupId[] = ['road', 'car', 'person', 'signal', 'other'];

export type Rgb = readonly [number, number, number];

export interface ContractGroup {
  readonly id: GroupId;
  readonly label: string;
  readonly color: Rgb;
}

export interface ContractClass {
  readonly id: number;
  readonly name: string;
  readonly color: Rgb;
  readonly group: GroupId;
  /** Not predicted by the model and skipped by the metrics (e.g. Void). */
  readonly ignore: boolean;
  /**
   * Where the class is found in a driving scene, for the floating-object check (floatingObjects.ts):
   * 'ground' (what the vehicle drives on), 'onGround' (what stands on it); absent: anywhere. Read for
   * model classes only (an ignored class is never predicted).
   */
  readonly placement?: ClassPlacementRole;
}

export type ClassPlacementRole = 'ground' | 'onGround';
const PLACEMENT_ROLES: readonly ClassPlacementRole[] = ['ground', 'onGround'];

export type ChannelOrder = 'RGB' | 'BGR';

export interface ModelInput {
  readonly name: string;
  /** [batch, channels, height, width]. */
  readonly shape: readonly [1, 3, number, number];
  readonly layout: 'NCHW';
  readonly dtype: 'float32';
  readonly channelOrder: ChannelOrder;
  /** Pixels are divided by this before mean/std (255 maps 8-bit to 0..1). */
  readonly scale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/** The part of the input description that preprocessing needs. */
export type InputNormalisation = Pick<ModelInput, 'channelOrder' | 'scale' | 'mean' | 'std'>;

export type ClassmapDtype = 'uint8' | 'int32' | 'int64';

/** Per-pixel class ids, argmax already done inside the graph. */
export interface ClassmapOutput {
  readonly name: string;
  readonly kind: 'classmap';
  readonly dtype: ClassmapDtype;
  /** [batch, height, width]. */
  readonly shape: readonly [1, number, number];
}

/** Per-class scores; the caller takes the argmax over the channel axis. */
export interface LogitsOutput {
  readonly name: string;
  readonly kind: 'logits';
  readonly dtype: 'float32';
  /** [batch, classes, height, width]; may be lower resolution than the input. */
  readonly shape: readonly [1, number, number, number];
}

export type ModelOutput = ClassmapOutput | LogitsOutput;

export interface ModelContract {
  readonly name: string;
  readonly version: 1;
  readonly onnx: string;
  /** Lower-case hex digest of the .onnx file; null only for contracts built from a bare graph. */
  readonly sha256: string | null;
  readonly dataset: string;
  readonly input: ModelInput;
  /** At most one output of each kind. */
  readonly outputs: readonly ModelOutput[];
  readonly voidId: number;
  readonly groups: readonly ContractGroup[];
  /** Indexed by id (classes[i].id === i); model classes first, ignored classes after them. */
  readonly classes: readonly ContractClass[];
}

export class ModelContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelContractError';
  }
}

/** Class ids travel as uint8 masks and index a 256-entry palette. */
const MAX_CLASSES = 256;

const TOP_LEVEL_KEYS = [
  '$comment', 'name', 'version', 'onnx', 'sha256', 'dataset', 'input', 'outputs', 'voidId', 'groups',
  'classes',
] as const;
const INPUT_KEYS = [
  'name', 'shape', 'layout', 'dtype', 'channelOrder', 'scale', 'mean', 'std',
] as const;
const OUTPUT_KEYS = ['name', 'kind', 'dtype', 'shape'] as const;
const GROUP_KEYS = ['id', 'label', 'color'] as const;
const CLASS_KEYS = ['id', 'name', 'color', 'group', 'ignore', 'placement'] as const;
const CLASSMAP_DTYPES: readonly ClassmapDtype[] = ['uint8', 'int32', 'int64'];
const CHANNEL_ORDERS: readonly ChannelOrder[] = ['RGB', 'BGR'];

/**
 * Validates a parsed contract file. `source` (usually the file path or URL) is put in every error
 * message so the user knows which file is wrong.
 */
export function parseModelContract(json: unknown, source: string): ModelContract {
  const v = new Validator(source);
  const root = v.object(json, '(root)', TOP_LEVEL_KEYS);

  const version = v.integer(root['version'], 'version');
  if (version !== 1) v.fail('version', `unsupported version ${version} (this app reads version 1)`);

  const sha256 = v.string(root['sha256'], 'sha256');
  if (!/^[0-9a-fA-F]{64}$/.test(sha256)) v.fail('sha256', 'expected 64 hex digits');

  const groups = parseGroups(v, root['groups']);
  const classes = parseClasses(v, root['classes'], groups);
  const modelClasses = classes.filter((c) => !c.ignore).length;

  const voidId = v.integer(root['voidId'], 'voidId');
  const voidClass = classes[voidId];
  if (voidClass === undefined || !voidClass.ignore) {
    v.fail('voidId', `${voidId} must be the id of a class with "ignore": true`);
  }

  const contract: ModelContract = {
    name: v.nonEmptyString(root['name'], 'name'),
    version: 1,
    onnx: v.nonEmptyString(root['onnx'], 'onnx'),
    sha256: sha256.toLowerCase(),
    dataset: v.string(root['dataset'], 'dataset'),
    input: parseInput(v, root['input']),
    outputs: parseOutputs(v, root['outputs'], modelClasses),
    voidId,
    groups,
    classes,
  };
  return contract;
}

function parseInput(v: Validator, json: unknown): ModelInput {
  const o = v.object(json, 'input', INPUT_KEYS);
  const shape = v.dims(o['shape'], 'input.shape', 4);
  if (shape[0] !== 1) v.fail('input.shape[0]', `batch must be 1, got ${shape[0]}`);
  if (shape[1] !== 3) v.fail('input.shape[1]', `channels must be 3, got ${shape[1]}`);
  v.literal(o['layout'], 'input.layout', ['NCHW'] as const);
  v.literal(o['dtype'], 'input.dtype', ['float32'] as const);
  const scale = v.finiteNumber(o['scale'], 'input.scale');
  if (!(scale > 0)) v.fail('input.scale', `must be > 0, got ${scale}`);
  const std = v.triple(o['std'], 'input.std');
  std.forEach((s, i) => {
    if (!(s > 0)) v.fail(`input.std[${i}]`, `must be > 0, got ${s}`);
  });
  return {
    name: v.nonEmptyString(o['name'], 'input.name'),
    shape: [1, 3, shape[2] as number, shape[3] as number],
    layout: 'NCHW',
    dtype: 'float32',
    channelOrder: v.literal(o['channelOrder'], 'input.channelOrder', CHANNEL_ORDERS),
    scale,
    mean: v.triple(o['mean'], 'input.mean'),
    std,
  };
}

function parseOutputs(v: Validator, json: unknown, modelClasses: number): ModelOutput[] {
  const list = v.array(json, 'outputs');
  if (list.length === 0) v.fail('outputs', 'expected at least one output');
  const outputs = list.map((item, i) => parseOutput(v, item, `outputs[${i}]`, modelClasses));
  const seenNames = new Set<string>();
  const seenKinds = new Set<string>();
  outputs.forEach((out, i) => {
    if (seenNames.has(out.name)) v.fail(`outputs[${i}].name`, `duplicate output name "${out.name}"`);
    if (seenKinds.has(out.kind)) v.fail(`outputs[${i}].kind`, `more than one "${out.kind}" output`);
    seenNames.add(out.name);
    seenKinds.add(out.kind);
  });
  return outputs;
}

function parseOutput(v: Validator, json: unknown, path: string, modelClasses: number): ModelOutput {
  const o = v.object(json, path, OUTPUT_KEYS);
  const name = v.nonEmptyString(o['name'], `${path}.name`);
  const kind = v.literal(o['kind'], `${path}.kind`, ['classmap', 'logits'] as const);
  if (kind === 'classmap') {
    const dtype = v.literal(o['dtype'], `${path}.dtype`, CLASSMAP_DTYPES);
    const shape = v.dims(o['shape'], `${path}.shape`, 3);
    if (shape[0] !== 1) v.fail(`${path}.shape[0]`, `batch must be 1, got ${shape[0]}`);
    return { name, kind, dtype, shape: [1, shape[1] as number, shape[2] as number] };
  }
  v.literal(o['dtype'], `${path}.dtype`, ['float32'] as const);
  const shape = v.dims(o['shape'], `${path}.shape`, 4);
  if (shape[0] !== 1) v.fail(`${path}.shape[0]`, `batch must be 1, got ${shape[0]}`);
  if (shape[1] !== modelClasses) {
    v.fail(`${path}.shape[1]`, `logits have ${shape[1]} channels but the class table has ${modelClasses} model classes`);
  }
  return {
    name,
    kind,
    dtype: 'float32',
    shape: [1, shape[1] as number, shape[2] as number, shape[3] as number],
  };
}

function parseGroups(v: Validator, json: unknown): ContractGroup[] {
  const list = v.array(json, 'groups');
  if (list.length === 0) v.fail('groups', 'expected at least one group');
  const seen = new Set<GroupId>();
  return list.map((item, i) => {
    const path = `groups[${i}]`;
    const o = v.object(item, path, GROUP_KEYS);
    const id = v.literal(o['id'], `${path}.id`, GROUP_IDS);
    if (seen.has(id)) v.fail(`${path}.id`, `duplicate group id "${id}"`);
    seen.add(id);
    return { id, label: v.nonEmptyString(o['label'], `${path}.label`), color: v.rgb(o['color'], `${path}.color`) };
  });
}

function parseClasses(v: Validator, json: unknown, groups: readonly ContractGroup[]): ContractClass[] {
  const list = v.array(json, 'classes');
  if (list.length === 0) v.fail('classes', 'expected at least one class');
  if (list.length > MAX_CLASSES) v.fail('classes', `at most ${MAX_CLASSES} classes (uint8 masks), got ${list.length}`);
  const groupIds = new Set(groups.map((g) => g.id));
  const names = new Set<string>();
  let sawIgnored = false;
  return list.map((item, i) => {
    const path = `classes[${i}]`;
    const o = v.object(item, path, CLASS_KEYS);
    const id = v.integer(o['id'], `${path}.id`);
    // Model output channel k is class id k, so the table must be dense and in id order.
    if (id !== i) v.fail(`${path}.id`, `expected id ${i} (classes must be listed in id order 0..N-1), got ${id}`);
    const name = v.nonEmptyString(o['name'], `${path}.name`);
    if (names.has(name)) v.fail(`${path}.name`, `duplicate class name "${name}"`);
    names.add(name);
    const group = v.literal(o['group'], `${path}.group`, GROUP_IDS);
    if (!groupIds.has(group)) v.fail(`${path}.group`, `group "${group}" is not listed in "groups"`);
    const ignore = v.boolean(o['ignore'], `${path}.ignore`);
    if (ignore) sawIgnored = true;
    else if (sawIgnored) v.fail(`${path}.ignore`, 'model classes must come before ignored classes');
    const placement = o['placement'] === undefined ? undefined : v.literal(o['placement'], `${path}.placement`, PLACEMENT_ROLES);
    return { id, name, color: v.rgb(o['color'], `${path}.color`), group, ignore, ...(placement ? { placement } : {}) };
  });
}

/** Small typed readers that throw ModelContractError("<source>: <field>: <problem>"). */
class Validator {
  private readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  fail(path: string, problem: string): never {
    throw new ModelContractError(`${this.source}: ${path}: ${problem}`);
  }

  object(json: unknown, path: string, allowedKeys: readonly string[]): Record<string, unknown> {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      this.fail(path, `expected an object, got ${describe(json)}`);
    }
    const record = json as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!allowedKeys.includes(key)) {
        const where = path === '(root)' ? key : `${path}.${key}`;
        this.fail(where, `unknown key (allowed: ${allowedKeys.join(', ')})`);
      }
    }
    return record;
  }

  array(json: unknown, path: string): unknown[] {
    if (!Array.isArray(json)) this.fail(path, `expected an array, got ${describe(json)}`);
    return json as unknown[];
  }

  string(json: unknown, path: string): string {
    if (typeof json !== 'string') this.fail(path, `expected a string, got ${describe(json)}`);
    return json as string;
  }

  nonEmptyString(json: unknown, path: string): string {
    const s = this.string(json, path);
    if (s.trim() === '') this.fail(path, 'must not be empty');
    return s;
  }

  boolean(json: unknown, path: string): boolean {
    if (typeof json !== 'boolean') this.fail(path, `expected true or false, got ${describe(json)}`);
    return json as boolean;
  }

  finiteNumber(json: unknown, path: string): number {
    if (typeof json !== 'number' || !Number.isFinite(json)) this.fail(path, `expected a finite number, got ${describe(json)}`);
    return json as number;
  }

  integer(json: unknown, path: string): number {
    const n = this.finiteNumber(json, path);
    if (!Number.isInteger(n)) this.fail(path, `expected an integer, got ${n}`);
    return n;
  }

  literal<T extends string>(json: unknown, path: string, allowed: readonly T[]): T {
    if (typeof json !== 'string' || !(allowed as readonly string[]).includes(json)) {
      this.fail(path, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(json)}`);
    }
    return json as T;
  }

  /** A fixed-rank shape of positive integers (symbolic dims must be resolved before export). */
  dims(json: unknown, path: string, rank: number): number[] {
    const list = this.array(json, path);
    if (list.length !== rank) this.fail(path, `expected ${rank} dimensions, got ${list.length}`);
    return list.map((d, i) => {
      const n = this.integer(d, `${path}[${i}]`);
      if (n < 1) this.fail(`${path}[${i}]`, `must be a positive integer, got ${n}`);
      return n;
    });
  }

  triple(json: unknown, path: string): readonly [number, number, number] {
    const list = this.array(json, path);
    if (list.length !== 3) this.fail(path, `expected 3 numbers, got ${list.length}`);
    const [a, b, c] = list.map((x, i) => this.finiteNumber(x, `${path}[${i}]`));
    return [a as number, b as number, c as number];
  }

  rgb(json: unknown, path: string): Rgb {
    const [r, g, b] = this.triple(json, path);
    [r, g, b].forEach((x, i) => {
      if (!Number.isInteger(x) || x < 0 || x > 255) this.fail(`${path}[${i}]`, `expected an integer 0..255, got ${x}`);
    });
    return [r, g, b];
  }
}

function describe(json: unknown): string {
  if (json === undefined) return 'nothing (missing)';
  if (json === null) return 'null';
  if (Array.isArray(json)) return 'an array';
  if (typeof json === 'string') return JSON.stringify(json.length > 40 ? `${json.slice(0, 40)}...` : json);
  if (typeof json === 'object') return 'an object';
  return String(json);
}

// ---- helpers --------------------------------------------------------------------------------------

/** Number of classes the model predicts (output channels): the classes not marked ignore. */
export function modelClassCount(c: ModelContract): number {
  return c.classes.filter((cls) => !cls.ignore).length;
}

/** Names of the model classes, index = class id (ignored classes such as Void are left out). */
export function classNames(c: ModelContract): string[] {
  return c.classes.filter((cls) => !cls.ignore).map((cls) => cls.name);
}

export function inputSize(c: ModelContract): { height: number; width: number } {
  return { height: c.input.shape[2], width: c.input.shape[3] };
}

export function findOutput(c: ModelContract, kind: 'classmap'): ClassmapOutput | undefined;
export function findOutput(c: ModelContract, kind: 'logits'): LogitsOutput | undefined;
export function findOutput(c: ModelContract, kind: ModelOutput['kind']): ModelOutput | undefined {
  return c.outputs.find((o) => o.kind === kind);
}

// ---- contracts for peer models that ship without a JSON ---------------------------------------------

export interface GraphDescription {
  readonly inputName: string;
  /** [1, 3, H, W]; symbolic dims must be resolved by the caller (e.g. from a dry run). */
  readonly inputShape: readonly number[];
  readonly outputName: string;
  /** [1, C, h, w] logits. */
  readonly outputShape: readonly number[];
  readonly name?: string;
  readonly onnx?: string;
}

/** ImageNet statistics: what torchvision-style peer models expect. */
const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/**
 * A contract for a peer ONNX model that has no `<model>.json` (used by the bench CLI): RGB/255 with
 * ImageNet mean/std, one logits output (argmax over the channel axis), classes class_0..class_{C-1}
 * with generated colours in group "other", plus a Void class at id C so voidId has its usual meaning.
 */
export function defaultContractForGraph(graph: GraphDescription): ModelContract {
  const { inputShape, outputShape } = graph;
  const source = `graph ${graph.name ?? graph.onnx ?? graph.inputName}`;
  const dim = (shape: readonly number[], i: number, what: string): number => {
    const d = shape[i];
    if (d === undefined || !Number.isInteger(d) || d < 1) {
      throw new ModelContractError(`${source}: ${what}[${i}]: expected a positive integer, got ${String(d)}`);
    }
    return d;
  };
  if (inputShape.length !== 4) {
    throw new ModelContractError(`${source}: inputShape: expected [1, 3, H, W], got [${inputShape.join(', ')}]`);
  }
  if (outputShape.length !== 4) {
    throw new ModelContractError(`${source}: outputShape: expected logits [1, C, H, W], got [${outputShape.join(', ')}]`);
  }
  if (dim(inputShape, 1, 'inputShape') !== 3) {
    throw new ModelContractError(`${source}: inputShape[1]: expected 3 channels, got ${inputShape[1]}`);
  }
  const numClasses = dim(outputShape, 1, 'outputShape');
  if (numClasses + 1 > MAX_CLASSES) {
    throw new ModelContractError(`${source}: outputShape[1]: at most ${MAX_CLASSES - 1} classes, got ${numClasses}`);
  }
  const classes: ContractClass[] = [];
  for (let id = 0; id < numClasses; id++) {
    classes.push({ id, name: `class_${id}`, color: generatedColor(id), group: 'other', ignore: false });
  }
  classes.push({ id: numClasses, name: 'Void', color: [0, 0, 0], group: 'other', ignore: true });
  return {
    name: graph.name ?? graph.inputName,
    version: 1,
    onnx: graph.onnx ?? '',
    sha256: null,
    dataset: 'unknown',
    input: {
      name: graph.inputName,
      shape: [1, 3, dim(inputShape, 2, 'inputShape'), dim(inputShape, 3, 'inputShape')],
      layout: 'NCHW',
      dtype: 'float32',
      channelOrder: 'RGB',
      scale: 255,
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
    },
    outputs: [{
      name: graph.outputName,
      kind: 'logits',
      dtype: 'float32',
      shape: [1, numClasses, dim(outputShape, 2, 'outputShape'), dim(outputShape, 3, 'outputShape')],
    }],
    voidId: numClasses,
    groups: [{ id: 'other', label: 'Other', color: [160, 160, 160] }],
    classes,
  };
}

/** Distinct, deterministic colours: hues stepped by the golden angle so neighbours differ. */
export function generatedColor(index: number): Rgb {
  const hue = (index * 137.508) % 360;
  return hsvToRgb(hue, 0.65, 0.95);
}

function hsvToRgb(hueDeg: number, s: number, v: number): Rgb {
  const f = (n: number): number => {
    const k = (n + hueDeg / 60) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}
