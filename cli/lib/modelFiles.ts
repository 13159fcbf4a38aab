// Locating a model for the browser-driving CLIs: the .onnx, its contract JSON next to it (if any),
// and the URLs the page loads them from. Also turns the worker's error codes into messages that name
// the files on disk instead of URLs.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseModelContract, type ModelContract } from '../../src/processing/modelContract.ts';
import { CliError } from './errors.ts';

export interface ModelFiles {
  /** Absolute paths. */
  readonly onnx: string;
  /** `<model>.json` next to the .onnx, or null (the worker derives a contract from the graph). */
  readonly contract: string | null;
  /**
   * True when the model sits directly in the project's models/ folder, which the build copies to
   * dist/models/ (served at /models/); other models are handed to the page by route().
   */
  readonly inModelsFolder: boolean;
}

export function resolveModelFiles(onnxPath: string, projectRoot: string, show: (p: string) => string = (p) => p): ModelFiles {
  const onnx = path.resolve(onnxPath);
  let st;
  try {
    st = statSync(onnx);
  } catch {
    throw new CliError(`model not found: ${show(onnx)}`);
  }
  if (!st.isFile()) throw new CliError(`model ${show(onnx)} is not a file`);
  if (st.size === 0) throw new CliError(`model ${show(onnx)} is empty (0 bytes)`);
  if (path.extname(onnx).toLowerCase() !== '.onnx') throw new CliError(`model ${show(onnx)}: expected an .onnx file`);
  const json = onnx.slice(0, -'.onnx'.length) + '.json';
  let contract: string | null = null;
  try {
    if (statSync(json).isFile()) contract = json;
  } catch {
    // no contract: a bare peer model
  }
  return { onnx, contract, inModelsFolder: path.dirname(onnx) === path.join(path.resolve(projectRoot), 'models') };
}

/** Reads and validates a contract JSON in Node, so a broken contract fails before the browser starts. */
export function readContractFile(file: string, show: (p: string) => string = (p) => p): ModelContract {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`contract ${show(file)} cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`contract ${show(file)} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return parseModelContract(json, show(file));
  } catch (err) {
    throw new CliError(`invalid model contract: ${(err as Error).message}`);
  }
}

/**
 * One sentence for a failure the worker or client reported with a code (SegmentationErrorCode or
 * the client's worker-crashed / worker-timeout). `urls` maps the URLs the page used to the paths
 * the user knows; they are substituted in the worker's message.
 */
export function describeModelFailure(code: string, message: string, urls: ReadonlyMap<string, string>): string {
  let text = message;
  // Longest first, so "/__eval__/model/x.onnx" is not half-replaced by a shorter key.
  for (const [url, file] of [...urls.entries()].sort((a, b) => b[0].length - a[0].length)) text = text.split(url).join(file);
  switch (code) {
    case 'model-not-found':
      return `model not found: ${text}`;
    case 'model-corrupt':
      return `model is corrupt or not the one its contract describes: ${text}`;
    case 'contract-invalid':
      return `invalid model contract: ${text}`;
    case 'contract-mismatch':
      return `model and contract do not match: ${text}`;
    case 'runtime-load-failed':
      return `onnxruntime-web could not be loaded in the browser: ${text} (is dist/ort/ complete? try \`npm run build\`)`;
    case 'session-failed':
    case 'inference-failed':
      return `inference failed: ${text}`;
    case 'webgpu-failed':
      return `WebGPU failed: ${text}`;
    case 'worker-crashed':
      return `the segmentation worker crashed: ${text}`;
    case 'worker-timeout':
      return `the segmentation worker stopped answering: ${text}`;
    default:
      return text;
  }
}
