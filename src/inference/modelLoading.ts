// Fetches a model and its contract, and checks that they belong together (sha256, names, shapes).

import {
  defaultContractForGraph,
  findOutput,
  parseModelContract,
  type ModelContract,
} from '../processing/modelContract.ts';
import type { SegmentationErrorCode } from '../../workers/segmentationProtocol.ts';

export class SegmentationError extends Error {
  constructor(readonly code: SegmentationErrorCode, message: string) {
    super(message);
    // comlink carries name + message across the worker boundary: the name carries the code.
    this.name = code;
  }
}

export async function fetchBytes(
  url: string,
  onProgress?: (loaded: number, total: number | undefined) => void,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new SegmentationError('model-not-found', `could not fetch ${url}: ${(err as Error).message}`);
  }
  if (!response.ok) throw new SegmentationError('model-not-found', `${url}: HTTP ${response.status} ${response.statusText}`);
  if (isHtml(response)) throw new SegmentationError('model-not-found', `${url}: the server answered with an HTML page, not a model file (wrong URL?)`);
  const total = Number(response.headers.get('content-length')) || undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

function isHtml(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').startsWith('text/html');
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function loadContract(url: string, optional = false): Promise<ModelContract | null> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new SegmentationError('model-not-found', `could not fetch contract ${url}: ${(err as Error).message}`);
  }
  // Static hosts with a single-page fallback answer a missing file with index.html.
  if (optional && (response.status === 404 || (response.ok && isHtml(response)))) return null;
  if (!response.ok) throw new SegmentationError('model-not-found', `contract ${url}: HTTP ${response.status}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new SegmentationError('contract-invalid', `contract ${url} is not valid JSON`);
  }
  try {
    return parseModelContract(json, url);
  } catch (err) {
    throw new SegmentationError('contract-invalid', (err as Error).message);
  }
}

/** The subset of an ORT session the checks need. */
export interface SessionShape {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/** Throws 'contract-mismatch' when the session does not have the contract's input and output names. */
export function checkSessionAgainstContract(session: SessionShape, contract: ModelContract, source: string): void {
  if (!session.inputNames.includes(contract.input.name)) {
    throw new SegmentationError('contract-mismatch',
      `${source}: the model's inputs are [${session.inputNames.join(', ')}], its contract names "${contract.input.name}"`);
  }
  for (const output of contract.outputs) {
    if (!session.outputNames.includes(output.name)) {
      throw new SegmentationError('contract-mismatch',
        `${source}: the model's outputs are [${session.outputNames.join(', ')}], its contract names "${output.name}"`);
    }
  }
  if (!findOutput(contract, 'classmap') && !findOutput(contract, 'logits')) {
    throw new SegmentationError('contract-mismatch', `${source}: contract has neither a classmap nor a logits output`);
  }
}

export { defaultContractForGraph };
