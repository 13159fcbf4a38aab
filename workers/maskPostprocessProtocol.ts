// The messages of the mask postprocessing worker (workers/maskPostprocess.worker.ts). The segmentation
// worker hands it each class map with the frame that guided it over a MessagePort the page set up
// between the two, and goes on to the next frame's inference at once; the postprocessing worker
// answers the page directly (its own postMessage) with the mask to show, and gives the segmentation
// worker its buffers back over the port. So stabilisation and upsampling of frame N run on another
// core while frame N + 1 is inferred, and add nothing to the inference thread's time per frame.

import type { FloatingDropped, MaskPostprocessSettings, MaskVariantName, ShownMask } from '../src/processing/maskPostprocess.ts';
import type { ClassPlacement } from '../src/processing/floatingObjects.ts';
import type { GuideImage } from '../src/processing/guidedUpsample.ts';

/** The segmentation worker → the postprocessing worker (over the port). Ordered: a configure or reset applies from the next map on. */
export type PostprocessRequest =
  | { readonly type: 'start'; readonly settings: MaskPostprocessSettings; readonly maskVariants: boolean; readonly placement: ClassPlacement }
  | { readonly type: 'configure'; readonly settings: MaskPostprocessSettings }
  | { readonly type: 'reset' }
  | {
      readonly type: 'map';
      /** The segmentation worker's number for the frame: the page matches the two answers by it. */
      readonly seq: number;
      /** The model's class map (transferred; given back). */
      readonly map: Uint8Array;
      readonly mapW: number;
      readonly mapH: number;
      /** The frame as the model saw it (its input tensor's planes, transferred; given back). */
      readonly guide: GuideImage;
      /** A mask buffer of the page's to write into when it fits (transferred; sent on to the page). */
      readonly recycled?: Uint8Array;
    };

/** The postprocessing worker → the segmentation worker (over the port): buffers to reuse. */
export interface PostprocessReturn {
  readonly type: 'buffers';
  readonly map: Uint8Array;
  readonly planes: Float32Array;
}

/** The mask to show for one frame, and what making it cost. */
export interface PostprocessedMask extends ShownMask {
  readonly postprocess: MaskPostprocessSettings;
  /** Class maps taken as scene cuts since the postprocessing started. */
  readonly sceneCuts: number;
  /** What the floating-object check relabelled since the postprocessing started. */
  readonly floatingDropped: FloatingDropped;
  readonly variants?: Readonly<Record<MaskVariantName, ShownMask>>;
  readonly stabiliseMs: number;
  readonly upsampleMs: number;
  /** The postprocessing worker's time for this map, from its arrival to the answer. */
  readonly postprocessWorkerMs: number;
}

/** The postprocessing worker → the page (its postMessage), one per 'map' request. */
export type PostprocessAnswer =
  | { readonly seq: number; readonly mask: PostprocessedMask }
  | { readonly seq: number; readonly error: { readonly name: string; readonly message: string } };
