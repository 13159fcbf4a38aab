// The models shipped in models/ (see models/README.md): the default one and the toolbar's choices.
// The app serves them at /models/<name>.onnx; the eval and bench CLIs read models/<name>.onnx.
// Each model's I/O contract is its own models/<name>.json; this list only names them.

export interface ShippedModel {
  /** File stem: models/<name>.onnx and models/<name>.json. */
  readonly name: string;
  /** What the toolbar shows. */
  readonly label: string;
  /** The toolbar's name for it, also taken by `npm run eval -- --model` and `npm run bench -- --model`. */
  readonly role: ModelRole;
}

export type ModelRole = 'fast' | 'balanced' | 'accurate';

/** The first entry is the default model of the app, `npm run eval` and `npm run bench`. */
export const SHIPPED_MODELS: readonly [ShippedModel, ...ShippedModel[]] = [
  { name: 'dashseg-lite2', label: 'fast: DashSegNet-lite2 (class map at 240x180)', role: 'fast' },
  { name: 'dashseg-lite', label: 'balanced: DashSegNet-lite (class map at 240x180)', role: 'balanced' },
  { name: 'dashseg-mnv2', label: 'accurate: DashSegNet (class map at 480x360)', role: 'accurate' },
];

export const DEFAULT_MODEL_NAME = SHIPPED_MODELS[0].name;

/** Where the app fetches a shipped model. */
export const shippedModelUrl = (name: string): string => `/models/${name}.onnx`;

/** A shipped model's file, relative to the project root. */
export const shippedModelFile = (name: string): string => `models/${name}.onnx`;

/** The shipped model the toolbar calls `role` (fast, balanced, accurate); null for any other word. */
export function shippedModelByRole(role: string): ShippedModel | null {
  return SHIPPED_MODELS.find((m) => m.role === role) ?? null;
}

/** The toolbar's model names, as the CLIs list them. */
export const MODEL_ROLES: readonly ModelRole[] = SHIPPED_MODELS.map((m) => m.role);
