// Query-string options for automation: ?src=&seq=&model=&backend=&synced=&pace=&limit=&camera=&masklayer=
// Unknown keys are errors, so a typo does not silently run the defaults.

import { BACKEND_REQUESTS, type BackendRequest } from '../inference/backendChoice.ts';
import type { SequencePace } from '../capture/labelledSequenceSource.ts';
import { DEFAULT_MODEL_NAME, SHIPPED_MODELS, shippedModelUrl } from '../processing/shippedModels.ts';

export const DEFAULT_MODEL_URL = shippedModelUrl(DEFAULT_MODEL_NAME);

/** The shipped models, offered in the toolbar (see models/README.md); the first is the default. */
export const MODEL_CHOICES: readonly { readonly label: string; readonly url: string }[] = SHIPPED_MODELS.map((m) => ({
  label: m.label,
  url: shippedModelUrl(m.name),
}));
import { STABILISE_BY_DEFAULT } from '../processing/temporalStabiliser.ts';
import { DROP_FLOATING_BY_DEFAULT, UPSAMPLE_BY_DEFAULT, UPSAMPLE_MODES, type UpsampleMode } from '../processing/maskPostprocess.ts';
import type { MaskLayerMode } from '../render/maskLayer.ts';

const MASK_LAYER_MODES: readonly MaskLayerMode[] = ['worker', 'inline'];

export const DEFAULT_VIDEO_URL = '/samples/solidWhiteRight.mp4';

export interface AppOptions {
  /** Video URL to play (default: the bundled dashcam sample). */
  readonly src: string | null;
  /** Labelled-sequence manifest URL. */
  readonly seq: string | null;
  /** Start with the webcam. */
  readonly camera: boolean;
  readonly model: string;
  readonly backend: BackendRequest;
  readonly synced: boolean;
  /** Temporal stabilisation of the masks (default: STABILISE_BY_DEFAULT). */
  readonly stabilise: boolean;
  /** How the mask is brought to the picture's size: 'guided' (edges follow the frame) or 'nearest' (default: UPSAMPLE_BY_DEFAULT). */
  readonly upsample: UpsampleMode;
  /** Relabel cars, people and road patches floating far above the road (default: DROP_FLOATING_BY_DEFAULT). */
  readonly dropFloating: boolean;
  readonly pace: SequencePace;
  /** Frames of a labelled sequence to play (default all). */
  readonly limit: number | null;
  /** Start recording the log at once (benchmarks). */
  readonly record: boolean;
  /** Where the mask layer draws: 'worker' (OffscreenCanvas, the default) or 'inline' (the page's thread). */
  readonly maskLayer: MaskLayerMode;
}

const KEYS = ['src', 'seq', 'camera', 'model', 'backend', 'synced', 'stabilise', 'upsample', 'dropfloating', 'pace', 'limit', 'record', 'masklayer'] as const;

export class UrlOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlOptionsError';
  }
}

function flag(value: string | null, key: string): boolean {
  if (value === null) return false;
  if (value === '' || value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new UrlOptionsError(`?${key}=${value}: expected 1/true or 0/false`);
}

export function parseAppOptions(search: string): AppOptions {
  const params = new URLSearchParams(search);
  for (const key of params.keys()) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new UrlOptionsError(`unknown URL option "${key}" (known: ${KEYS.join(', ')})`);
    }
  }
  const backend = params.get('backend') ?? 'auto';
  if (!(BACKEND_REQUESTS as readonly string[]).includes(backend)) {
    throw new UrlOptionsError(`?backend=${backend}: expected one of ${BACKEND_REQUESTS.join(', ')}`);
  }
  const pace = params.get('pace') ?? 'realtime';
  if (pace !== 'realtime' && pace !== 'every-frame') {
    throw new UrlOptionsError(`?pace=${pace}: expected realtime or every-frame`);
  }
  const upsample = params.get('upsample') ?? UPSAMPLE_BY_DEFAULT;
  if (!(UPSAMPLE_MODES as readonly string[]).includes(upsample)) {
    throw new UrlOptionsError(`?upsample=${upsample}: expected one of ${UPSAMPLE_MODES.join(', ')}`);
  }
  const maskLayer = params.get('masklayer') ?? 'worker';
  if (!(MASK_LAYER_MODES as readonly string[]).includes(maskLayer)) {
    throw new UrlOptionsError(`?masklayer=${maskLayer}: expected one of ${MASK_LAYER_MODES.join(', ')}`);
  }
  const limitText = params.get('limit');
  const limit = limitText === null ? null : Number(limitText);
  if (limit !== null && (!Number.isInteger(limit) || limit < 1)) {
    throw new UrlOptionsError(`?limit=${limitText}: expected a positive integer`);
  }
  const sources = ['src', 'seq', 'camera'].filter((k) => params.has(k));
  if (sources.length > 1) throw new UrlOptionsError(`choose one source: ${sources.map((k) => `?${k}`).join(' and ')} given`);
  return {
    src: params.get('src'),
    seq: params.get('seq'),
    camera: flag(params.get('camera'), 'camera'),
    model: params.get('model') ?? DEFAULT_MODEL_URL,
    backend: backend as BackendRequest,
    synced: flag(params.get('synced'), 'synced'),
    stabilise: params.has('stabilise') ? flag(params.get('stabilise'), 'stabilise') : STABILISE_BY_DEFAULT,
    upsample: upsample as UpsampleMode,
    dropFloating: params.has('dropfloating') ? flag(params.get('dropfloating'), 'dropfloating') : DROP_FLOATING_BY_DEFAULT,
    pace,
    limit,
    record: flag(params.get('record'), 'record'),
    maskLayer: maskLayer as MaskLayerMode,
  };
}

/** The contract JSON that belongs to a model URL: same path with .json instead of .onnx. */
export function contractUrlFor(modelUrl: string): string {
  return modelUrl.replace(/\.onnx(\?.*)?$/i, '.json');
}
