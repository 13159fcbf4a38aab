// Does a model contract (models/<name>.json) describe its .onnx and agree with the constants source
// (models/camvid_classes.json)? Returns every problem found rather than throwing at the first, so
// the tests can show both that a real contract has none and that broken copies are caught.

import { isDeepStrictEqual } from 'node:util';
import {
  modelClassCount,
  parseModelContract,
  type ModelContract,
} from '../../../src/processing/modelContract.ts';
import { sha256Hex } from './modelFiles.ts';

/** The parts of an ORT InferenceSession the check reads (ORT >= 1.22 has the metadata). */
export interface SessionDescription {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
}

type ValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | { readonly name: string; readonly isTensor: true; readonly type: string; readonly shape: readonly (number | string)[] };

/** models/camvid_classes.json */
export interface ContractConstants {
  readonly dataset: string;
  readonly input: {
    readonly height: number;
    readonly width: number;
    readonly layout: string;
    readonly dtype: string;
    readonly channelOrder: string;
    readonly scale: number;
    readonly mean: readonly number[];
    readonly std: readonly number[];
  };
  readonly voidId: number;
  readonly groups: readonly unknown[];
  readonly classes: readonly unknown[];
}

const show = (x: unknown): string => JSON.stringify(x);

/** The first differing element of two arrays (class tables are long), else both values. */
function difference(actual: unknown, wanted: unknown): string {
  if (Array.isArray(actual) && Array.isArray(wanted)) {
    if (actual.length !== wanted.length) return `${actual.length} entries vs ${wanted.length}`;
    const i = actual.findIndex((a, k) => !isDeepStrictEqual(a, wanted[k]));
    if (i >= 0 && typeof actual[i] === 'object') return `[${i}] ${show(actual[i])} vs ${show(wanted[i])}`;
  }
  return `${show(actual)} vs ${show(wanted)}`;
}

export function contractProblems(
  json: unknown,
  source: string,
  onnxBytes: Uint8Array,
  session: SessionDescription,
  constants: ContractConstants,
): string[] {
  let contract: ModelContract;
  try {
    contract = parseModelContract(json, source);
  } catch (err) {
    return [`does not parse: ${(err as Error).message}`];
  }
  const problems: string[] = [];

  const actualSha = sha256Hex(onnxBytes);
  if (contract.sha256 !== actualSha) problems.push(`sha256 is ${contract.sha256}, ${contract.onnx} hashes to ${actualSha}`);

  // Names: the graph has exactly the contract's input and outputs (extra outputs cost compute).
  if (!isDeepStrictEqual([...session.inputNames], [contract.input.name])) {
    problems.push(`input names: graph has ${show(session.inputNames)}, contract says ${show([contract.input.name])}`);
  }
  const contractOutputs = contract.outputs.map((o) => o.name).sort();
  if (!isDeepStrictEqual([...session.outputNames].sort(), contractOutputs)) {
    problems.push(`output names: graph has ${show(session.outputNames)}, contract says ${show(contractOutputs)}`);
  }

  // Types and static shapes, as the ONNX graph declares them.
  const expected = [
    { what: 'input', name: contract.input.name, dtype: contract.input.dtype, shape: contract.input.shape, meta: session.inputMetadata },
    ...contract.outputs.map((o) => ({ what: `output (${o.kind})`, name: o.name, dtype: o.dtype, shape: o.shape, meta: session.outputMetadata })),
  ];
  for (const e of expected) {
    const meta = e.meta.find((m) => m.name === e.name);
    if (meta === undefined) continue; // already reported as a name mismatch
    if (!meta.isTensor) {
      problems.push(`${e.what} "${e.name}" is not a tensor in the graph`);
      continue;
    }
    if (meta.type !== e.dtype) problems.push(`${e.what} "${e.name}": graph dtype ${meta.type}, contract ${e.dtype}`);
    if (!isDeepStrictEqual([...meta.shape], [...e.shape])) {
      problems.push(`${e.what} "${e.name}": graph shape ${show(meta.shape)}, contract ${show(e.shape)}`);
    }
  }

  // Output channel k is class id k: the graph's logits channels must match the class table.
  const logits = contract.outputs.find((o) => o.kind === 'logits');
  const logitsMeta = logits && session.outputMetadata.find((m) => m.name === logits.name);
  if (logitsMeta?.isTensor && logitsMeta.shape[1] !== modelClassCount(contract)) {
    problems.push(`graph logits have ${String(logitsMeta.shape[1])} channels, the class table has ${modelClassCount(contract)} model classes`);
  }

  // One source of truth: the constants the export copied must still equal models/camvid_classes.json.
  const c = constants;
  const same: [string, unknown, unknown][] = [
    ['dataset', contract.dataset, c.dataset],
    ['input height x width', contract.input.shape.slice(2), [c.input.height, c.input.width]],
    ['input.layout', contract.input.layout, c.input.layout],
    ['input.dtype', contract.input.dtype, c.input.dtype],
    ['input.channelOrder', contract.input.channelOrder, c.input.channelOrder],
    ['input.scale', contract.input.scale, c.input.scale],
    ['input.mean', [...contract.input.mean], [...c.input.mean]],
    ['input.std', [...contract.input.std], [...c.input.std]],
    ['voidId', contract.voidId, c.voidId],
    ['groups', contract.groups, c.groups],
    ['classes', contract.classes, c.classes],
  ];
  for (const [field, actual, wanted] of same) {
    if (!isDeepStrictEqual(actual, wanted)) {
      problems.push(`${field} differs from models/camvid_classes.json: ${difference(actual, wanted)}`);
    }
  }
  return problems;
}
