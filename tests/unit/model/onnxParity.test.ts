// ONNX parity against the PyTorch golden fixtures (STYLE.md convention 8): the golden CamVid frame,
// decoded with pngjs and preprocessed by the app's own rgbaToNchwFloat, run through the committed
// .onnx with onnxruntime-web's wasm backend in Node, must reproduce what models/export.py recorded.
// Tolerances: goldenParity.ts PARITY_TOLERANCES. Needs samples/data/ (`npm run fetch-samples`).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findOutput, inputSize, parseModelContract } from '../../../src/processing/modelContract.ts';
import { rgbaToNchwFloat } from '../../../src/processing/preprocess.ts';
import { goldenParity, type ParityInputs, type ParityReport } from './goldenParity.ts';
import {
  createNodeSession,
  GOLDEN_DIR,
  listContractFiles,
  ort,
  readGoldenFixture,
  readGoldenFrame,
  sha256Hex,
  type ContractFile,
  type GoldenJson,
} from './modelFiles.ts';

interface GoldenRun {
  readonly inputs: ParityInputs;
  readonly report: ParityReport;
  readonly timingsMs: Record<string, number>;
}

async function runGoldenFrame({ source, json, onnxPath }: ContractFile): Promise<GoldenRun> {
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    timingsMs[stage] = Math.round(now - t);
    t = now;
  };

  const contract = parseModelContract(json, source);
  const fixture = readGoldenFixture(path.join(GOLDEN_DIR, contract.name));
  if (fixture.json.model !== contract.onnx) {
    throw new Error(`${fixture.dir}/golden.json is for ${fixture.json.model}, ${source} names ${contract.onnx}`);
  }
  const classmapOutput = findOutput(contract, 'classmap');
  const logitsOutput = findOutput(contract, 'logits');
  if (!classmapOutput || !logitsOutput) throw new Error(`${source}: parity needs both a classmap and a logits output`);

  const frameBytes = readGoldenFrame(fixture.json);
  const frameSha256 = sha256Hex(frameBytes);
  const png = PNG.sync.read(Buffer.from(frameBytes)); // always RGBA, 8 bits per channel
  const { height, width } = inputSize(contract);
  if (png.width !== width || png.height !== height) {
    throw new Error(`${fixture.json.frame} is ${png.width}x${png.height}, ${source} expects ${width}x${height}`);
  }
  lap('decode');
  const input = rgbaToNchwFloat(png.data, width, height, contract.input);
  lap('preprocess');

  const session = await createNodeSession(new Uint8Array(readFileSync(onnxPath)));
  lap('session');
  let outputs: ort.InferenceSession.ReturnType;
  try {
    outputs = await session.run({ [contract.input.name]: new ort.Tensor('float32', input, contract.input.shape) });
    lap('run');
  } finally {
    await session.release();
  }
  const classmap = outputs[classmapOutput.name];
  const logits = outputs[logitsOutput.name];
  if (!(classmap instanceof ort.Tensor) || !(logits instanceof ort.Tensor)) {
    throw new Error(`${source}: the session did not return tensors "${classmapOutput.name}" and "${logitsOutput.name}"`);
  }

  const inputs: ParityInputs = {
    golden: fixture.json,
    goldenLogits: fixture.logits,
    goldenClassmap: fixture.classmap,
    frameSha256,
    input,
    onnxLogits: logits.data as Float32Array,
    onnxLogitsDims: logits.dims,
    onnxClassmap: classmap.data as ArrayLike<number | bigint>,
    onnxClassmapDims: classmap.dims,
  };
  const report = goldenParity(inputs);
  lap('compare');
  return { inputs, report, timingsMs };
}

const contracts = listContractFiles();

it('finds at least one exported model contract in models/', () => {
  expect(contracts.map((c) => c.source)).not.toEqual([]);
});

describe.each(contracts)('$source on its golden frame', (contractFile) => {
  // A failure here (e.g. samples not fetched) is re-thrown by every test, so each one fails with
  // the reason instead of being skipped.
  let run: GoldenRun | Error;
  const golden = (): GoldenRun => {
    if (run instanceof Error) throw run;
    return run;
  };

  beforeAll(async () => {
    run = await runGoldenFrame(contractFile).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    if (!(run instanceof Error)) {
      const r = run.report;
      console.info(
        `${contractFile.source}: classmap agreement ${(r.classmapAgreement * 100).toFixed(4)} %, ` +
          `max |Δlogit| ${r.maxLogitDiff.toExponential(2)}, preprocessing max |Δ| ${r.maxPreprocessDiff.toExponential(2)}, ` +
          `channel-sum rel Δ ${r.maxChannelSumRelDiff.toExponential(2)}; ms ${JSON.stringify(run.timingsMs)}`,
      );
    }
  }, 60_000);

  it('decodes the frame golden.json names (same sha256)', () => {
    expect(golden().report.problems.frame).toEqual([]);
  });

  it('preprocesses it like Python (sampled values within 1e-6, channel sums within relative 1e-6)', () => {
    expect(golden().report.problems.preprocess).toEqual([]);
  });

  it('gives the PyTorch class map on >= 99.9 % of pixels', () => {
    expect(golden().report.problems.classmap).toEqual([]);
  });

  it('gives the PyTorch logits within 1e-3', () => {
    expect(golden().report.problems.logits).toEqual([]);
  });

  // The same comparison on corrupted copies of the expectations: each check can fail.
  const corruptions: [string, (x: ParityInputs) => ParityInputs, keyof ParityReport['problems']][] = [
    ['another frame hash', (x) => ({ ...x, frameSha256: x.frameSha256.replace(/^./, (ch) => (ch === '0' ? '1' : '0')) }), 'frame'],
    ['a sampled input value off by 1e-5', (x) => {
      const value = [...x.golden.preprocessSamples.value];
      value[0] = (value[0] as number) + 1e-5;
      return { ...x, golden: { ...x.golden, preprocessSamples: { ...x.golden.preprocessSamples, value } } };
    }, 'preprocess'],
    ['a channel sum off by a relative 1e-5', (x) => ({
      ...x, golden: { ...x.golden, preprocessChannelSums: x.golden.preprocessChannelSums.map((s, c) => (c === 1 ? s * (1 + 1e-5) : s)) },
    }), 'preprocess'],
    ['0.2 % of class-map pixels changed', (x) => {
      const goldenClassmap = x.goldenClassmap.slice();
      for (let i = 0; i < goldenClassmap.length; i += 500) goldenClassmap[i] = ((goldenClassmap[i] as number) + 1) % 11;
      return { ...x, goldenClassmap };
    }, 'classmap'],
    ['one logit off by 2e-3', (x) => {
      const goldenLogits = x.goldenLogits.slice();
      const i = goldenLogits.length >> 1;
      goldenLogits[i] = (goldenLogits[i] as number) + 2e-3;
      return { ...x, goldenLogits };
    }, 'logits'],
    ['one NaN logit', (x) => {
      const goldenLogits = x.goldenLogits.slice();
      goldenLogits[7] = Number.NaN;
      return { ...x, goldenLogits };
    }, 'logits'],
  ];
  it.each(corruptions)('fails on %s', (_what, corrupt, check) => {
    const report = goldenParity(corrupt(golden().inputs));
    expect(report.problems[check]).not.toEqual([]);
  });
});

it('a missing golden frame fails with the fetch hint instead of skipping', () => {
  const golden = { frame: 'camvid-val/images/no-such-frame.png' } as GoldenJson;
  expect(() => readGoldenFrame(golden)).toThrow(/run `npm run fetch-samples`/);
});
