// The served model contract (models/<name>.json): class ids are looked up by name, never hard-coded.

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

export const DEFAULT_CONTRACT_PATH = '/models/dashseg-mnv2.json';

export async function fetchContract(baseUrl: string, contractPath = DEFAULT_CONTRACT_PATH): Promise<ServedContract> {
  const url = `${baseUrl}${contractPath}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const json = (await response.json()) as Partial<ServedContract>;
  if (!Array.isArray(json.classes) || typeof json.voidId !== 'number') throw new Error(`${url} has no classes/voidId`);
  return json as ServedContract;
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
