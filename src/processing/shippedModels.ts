// The models shipped in models/ (see models/README.md): the default one and the toolbar's choices.
// The app serves them at /models/<name>.onnx; the eval and bench CLIs read models/<name>.onnx.
// Each model's I/O contract is its own models/<name>.json; this list only names them.

export interface ShippedModel {
  /** File stem: models/<name>.onnx and models/<name>.json. */
  readonly name: string;
  /** What the toolbar shows. */
  readonly label: string;
}

/** The first entry is the default model of the app, `npm run eval` and `npm run bench`. */
export const SHIPPED_MODELS: readonly [ShippedModel, ...ShippedModel[]] = [
  { name: 'dashseg-lite2', label: 'fast: DashSegNet-lite2 (class map at 240x180)' },
  { name: 'dashseg-lite', label: 'balanced: DashSegNet-lite (class map at 240x180)' },
  { name: 'dashseg-mnv2', label: 'accurate: DashSegNet (class map at 480x360)' },
];

export const DEFAULT_MODEL_NAME = SHIPPED_MODELS[0].name;

/** Where the app fetches a shipped model. */
export const shippedModelUrl = (name: string): string => `/models/${name}.onnx`;

/** A shipped model's file, relative to the project root. */
export const shippedModelFile = (name: string): string => `models/${name}.onnx`;
