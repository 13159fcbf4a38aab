// Every exported contract (models/*.json with an "onnx" key) describes its committed .onnx: it
// parses, its sha256 matches, the graph's names/dtypes/shapes are the contract's, and the constants
// it carries equal models/camvid_classes.json.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractProblems, type ContractConstants, type SessionDescription } from './contractProblems.ts';
import { CONSTANTS_FILE, createNodeSession, listContractFiles, ort, readJson } from './modelFiles.ts';

const constants = readJson(CONSTANTS_FILE) as ContractConstants;
const contracts = listContractFiles();

it('finds at least one exported model contract in models/', () => {
  expect(contracts.map((c) => c.source)).not.toEqual([]);
});

describe.each(contracts)('$source', ({ source, json, onnxPath }) => {
  let onnxBytes: Uint8Array;
  let session: ort.InferenceSession;
  let description: SessionDescription;

  beforeAll(async () => {
    onnxBytes = new Uint8Array(readFileSync(onnxPath));
    session = await createNodeSession(onnxBytes);
    description = {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      inputMetadata: session.inputMetadata,
      outputMetadata: session.outputMetadata,
    };
  });
  afterAll(async () => {
    await session?.release();
  });

  const check = (contractJson: unknown) => contractProblems(contractJson, source, onnxBytes, description, constants);

  it('matches its .onnx and models/camvid_classes.json', () => {
    expect(check(json)).toEqual([]);
  });

  // The same check on broken copies: proves it can fail, and on what.
  const broken: [string, (j: Record<string, any>) => void, RegExp][] = [
    ['a wrong sha256', (j) => { j.sha256 = (j.sha256 as string).startsWith('0') ? '1'.repeat(64) : '0'.repeat(64); }, /^sha256 is /],
    ['a wrong output name', (j) => { j.outputs[0].name = `${j.outputs[0].name}_renamed`; }, /^output names: graph has /],
    ['a wrong input name', (j) => { j.input.name = 'input'; }, /^input names: graph has /],
    ['a wrong output shape', (j) => { j.outputs[0].shape[1] += 1; }, /graph shape .* contract /],
    ['a wrong classmap dtype', (j) => {
      const out = j.outputs.find((o: { kind: string }) => o.kind === 'classmap');
      if (out) out.dtype = out.dtype === 'int32' ? 'int64' : 'int32';
    }, /: graph dtype .* contract /],
    ['a mean that differs from the constants source', (j) => { j.input.mean[0] += 0.001; }, /^input\.mean differs from models\/camvid_classes\.json/],
    ['a renamed class', (j) => { j.classes[1].name = 'House'; }, /^classes differs from models\/camvid_classes\.json/],
    ['an unknown key (parse failure)', (j) => { j.opset = 17; }, /^does not parse: .*opset: unknown key/],
  ];
  it.each(broken)('detects %s', (_what, edit, problem) => {
    const copy = structuredClone(json);
    edit(copy);
    const problems = check(copy);
    expect(problems.some((p) => problem.test(p)), `problems: ${JSON.stringify(problems)}`).toBe(true);
  });

  const outputs = json['outputs'];
  const hasLogits = Array.isArray(outputs) && outputs.some((o: { kind?: unknown }) => o?.kind === 'logits');
  it.runIf(hasLogits)('detects a class table whose model-class count differs from the graph logits channels', () => {
    // Mark the last model class ignored: the contract itself stays consistent (its logits shape is
    // edited too), only the graph disagrees.
    const copy = structuredClone(json) as Record<string, any>;
    const lastModelClass = copy.classes.filter((c: { ignore: boolean }) => !c.ignore).length - 1;
    copy.classes[lastModelClass].ignore = true;
    copy.voidId = lastModelClass;
    copy.classes = copy.classes.slice(0, lastModelClass + 1);
    copy.outputs.find((o: { kind: string }) => o.kind === 'logits').shape[1] -= 1;
    const problems = check(copy);
    expect(problems.some((p) => /graph logits have \d+ channels, the class table has \d+ model classes/.test(p)),
      `problems: ${JSON.stringify(problems)}`).toBe(true);
  });
});
