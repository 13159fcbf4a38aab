// The served model contract (models/<name>.json): class ids are looked up by name, never hard-coded.

import { findOutput, parseModelContract, type ModelContract } from '../../../src/processing/modelContract.ts';
import { DEFAULT_MODEL_NAME } from '../../../src/processing/shippedModels.ts';

export interface ContractClass {
  readonly id: number;
  readonly name: string;
  readonly ignore?: boolean;
}

export interface ServedContract {
  readonly name: string;
  readonly voidId: number;
  readonly classes: readonly ContractClass[];
}

export const DEFAULT_CONTRACT_PATH = `/models/${DEFAULT_MODEL_NAME}.json`;

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

export async function fetchContract(baseUrl: string, contractPath = DEFAULT_CONTRACT_PATH): Promise<ServedContract> {
  const url = `${baseUrl}${contractPath}`;
  const json = (await fetchJson(url)) as Partial<ServedContract>;
  if (!Array.isArray(json.classes) || typeof json.voidId !== 'number') throw new Error(`${url} has no classes/voidId`);
  return json as ServedContract;
}

/** The served contract checked by the app's own parser (for its outputs and display colours). */
export async function fetchModelContract(baseUrl: string, contractPath = DEFAULT_CONTRACT_PATH): Promise<ModelContract> {
  const url = `${baseUrl}${contractPath}`;
  return parseModelContract(await fetchJson(url), url);
}

/** Size of the model's class map (output shape [1, H, W]): the size of the masks the app shows with ?upsample=nearest. */
export function classMapSize(contract: ModelContract): { width: number; height: number } {
  const output = findOutput(contract, 'classmap');
  if (!output) throw new Error(`the contract ${contract.name} has no classmap output`);
  const [, height, width] = output.shape;
  return { width, height };
}

/** The size of the mask the app shows: the model's input size with guided upsampling (when the class map is smaller), else the class map's. */
export function shownMaskSize(contract: ModelContract, upsample: 'guided' | 'nearest'): { width: number; height: number } {
  const map = classMapSize(contract);
  const [, , height, width] = contract.input.shape;
  return upsample === 'guided' && (width > map.width || height > map.height) ? { width, height } : map;
}

export function classId(contract: ServedContract, name: string): number {
  const found = contract.classes.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new Error(`the contract ${contract.name} has no class "${name}" (has: ${contract.classes.map((c) => c.name).join(', ')})`);
  return found.id;
}

/** Names indexed by class id (for describeMask). */
export function classNames(contract: ServedContract): string[] {
  const names: string[] = [];
  for (const c of contract.classes) names[c.id] = c.name;
  return names;
}
