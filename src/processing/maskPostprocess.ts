// What happens to a model's class map before it is shown, in the mask postprocessing worker: temporal
// stabilisation (temporalStabiliser.ts, at the map's own size) and then upsampling to the model's
// input size, NEAREST (the map is sent as it is and the renderer scales it) or guided by the frame
// (guidedUpsample.ts). The segmentation worker hands each map over with the input tensor's planes
// (transferred, not copied), so the page's thread does nothing per frame for them and the inference
// thread goes on to the next frame meanwhile (workers/maskPostprocessProtocol.ts). `npm run eval` asks for every combination of the two at once
// (variants()), so one run scores them all on the very same class maps.

import { DEFAULT_FLOATING_CHECK, FloatingObjectFilter, NO_PLACEMENT, type ClassPlacement, type FloatingCheckResult } from './floatingObjects.ts';
import { GuidedUpsampler, DEFAULT_GUIDED_UPSAMPLE, type GuideImage, type GuidedUpsampleOptions } from './guidedUpsample.ts';
import { PictureMotion, type MotionQuery } from './pictureMotion.ts';
import { DEFAULT_STABILISER_OPTIONS, STABILISE_BY_DEFAULT, TemporalStabiliser, type TemporalStabiliserOptions } from './temporalStabiliser.ts';

export type UpsampleMode = 'nearest' | 'guided';
export const UPSAMPLE_MODES: readonly UpsampleMode[] = ['nearest', 'guided'];

/**
 * What the app and `npm run eval` use unless told otherwise: guided, because on the labelled val clip
 * it raises boundary IoU and does not lower mIoU, within the 3 ms budget (README, "Edges").
 */
export const UPSAMPLE_BY_DEFAULT: UpsampleMode = 'guided';

/**
 * Whether floating cars, people and road patches (floatingObjects.ts) are relabelled by default: yes,
 * because it removes the sample clip's car in the sky and leaves the labelled val clip's mIoU as it is
 * (models/README.md, "Objects in the sky").
 */
export const DROP_FLOATING_BY_DEFAULT = true;

export interface MaskPostprocessSettings {
  readonly stabilise: boolean;
  readonly upsample: UpsampleMode;
  /** Relabel class-map regions that cannot be where they are (a car wholly above the road's horizon), before anything else. */
  readonly dropFloating: boolean;
}

export const DEFAULT_MASK_POSTPROCESS: MaskPostprocessSettings = { stabilise: STABILISE_BY_DEFAULT, upsample: UPSAMPLE_BY_DEFAULT, dropFloating: DROP_FLOATING_BY_DEFAULT };

export interface ShownMask {
  /** Class ids, row-major, width x height. */
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** What the floating-object check relabelled since the postprocessor was made (a reset does not clear it). */
export interface FloatingDropped {
  /** Class maps that had at least one floating region. */
  readonly maps: number;
  readonly regions: number;
  readonly pixels: number;
}

export interface PostprocessTimings {
  readonly stabiliseMs: number;
  readonly upsampleMs: number;
}

/** The four combinations `npm run eval` scores, named `${upsample}/${stabilise ? 'on' : 'off'}`. */
export type MaskVariantName = `${UpsampleMode}/${'on' | 'off'}`;
export const MASK_VARIANT_NAMES: readonly MaskVariantName[] = ['nearest/off', 'nearest/on', 'guided/off', 'guided/on'];

export function variantName(settings: MaskPostprocessSettings): MaskVariantName {
  return `${settings.upsample}/${settings.stabilise ? 'on' : 'off'}`;
}

export class MaskPostprocessor {
  private current: MaskPostprocessSettings;
  private readonly stabiliser: TemporalStabiliser;
  private readonly upsampler: GuidedUpsampler;
  private readonly floating: FloatingObjectFilter;
  private stabilised = new Uint8Array(0);
  /** The guided mask shown for the previous map with stabilisation on (the edge's hysteresis), or none. */
  private heldEdges: Uint8Array | null = null;
  private heldAfterCuts = 0;
  private dropped: FloatingDropped = { maps: 0, regions: 0, pixels: 0 };
  private readonly motion: PictureMotion | null;
  /** Where the picture moved for the map being processed (null: not tracked, or no guide). */
  private moved: MotionQuery | null = null;

  constructor(
    settings: MaskPostprocessSettings = DEFAULT_MASK_POSTPROCESS,
    stabiliserOptions: TemporalStabiliserOptions = DEFAULT_STABILISER_OPTIONS,
    upsampleOptions: GuidedUpsampleOptions = DEFAULT_GUIDED_UPSAMPLE,
    /** The contract's class placement (classPlacement()): without one, dropFloating does nothing. */
    placement: ClassPlacement = NO_PLACEMENT,
  ) {
    this.current = settings;
    this.floating = new FloatingObjectFilter(placement, DEFAULT_FLOATING_CHECK);
    this.stabiliser = new TemporalStabiliser(stabiliserOptions);
    this.upsampler = new GuidedUpsampler(upsampleOptions);
    this.motion = stabiliserOptions.motionLevels === undefined ? null : new PictureMotion(stabiliserOptions.motionLevels);
  }

  get settings(): MaskPostprocessSettings {
    return this.current;
  }

  get stabiliserOptions(): TemporalStabiliserOptions {
    return this.stabiliser.options;
  }

  get upsampleOptions(): GuidedUpsampleOptions {
    return this.upsampler.options;
  }

  /** Maps taken as scene cuts so far (the stabiliser's history was dropped there). */
  get sceneCuts(): number {
    return this.stabiliser.sceneCuts;
  }

  /** Floating regions relabelled so far (dropFloating). */
  get floatingDropped(): FloatingDropped {
    return this.dropped;
  }

  /** New settings; turning stabilisation on starts without history. */
  configure(settings: MaskPostprocessSettings): void {
    if (settings.stabilise && !this.current.stabilise) this.reset();
    this.current = settings;
  }

  /** Drops the stabiliser's history (a new source, a seek, another model). */
  reset(): void {
    this.stabiliser.reset();
    this.motion?.reset();
    this.heldEdges = null;
  }

  /**
   * The mask to show for one class map (mapW x mapH) of the frame `guide` holds: `out` is used when it
   * has the right length. Guided upsampling needs the guide; without one the map stays at its size.
   * With dropFloating the map itself is changed in place first.
   */
  process(map: Uint8Array, mapW: number, mapH: number, guide: GuideImage | null, out?: Uint8Array): ShownMask & PostprocessTimings {
    // The check's time is not a stage of its own: it counts in the worker's total (postprocessWorkerMs).
    if (this.current.dropFloating) this.dropFloating(map, mapW, mapH);
    const t0 = performance.now();
    if (!this.guides(this.current.upsample, mapW, mapH, guide)) {
      // Sent at the map's size: stabilised straight into the buffer that is sent (one pass, no extra copy).
      const n = mapW * mapH;
      const mask = out && out.length === n ? out : new Uint8Array(n);
      if (this.current.stabilise) this.stabiliser.apply(map, mapW, mapH, mask, this.track(guide, mapW, mapH));
      else mask.set(map.subarray(0, n));
      return { mask, width: mapW, height: mapH, stabiliseMs: this.current.stabilise ? performance.now() - t0 : 0, upsampleMs: 0 };
    }
    if (this.current.stabilise) this.track(guide, mapW, mapH);
    const source = this.current.stabilise ? this.stabilise(map, mapW, mapH) : map;
    const t1 = performance.now();
    const shown = this.resize(source, mapW, mapH, guide, this.current.stabilise, out);
    return { ...shown, stabiliseMs: t1 - t0, upsampleMs: performance.now() - t1 };
  }

  /** Whether `mode` upsamples a mapW x mapH map with this guide (there is one, and it is larger). */
  private guides(mode: UpsampleMode, mapW: number, mapH: number, guide: GuideImage | null): guide is GuideImage {
    return mode === 'guided' && guide !== null && (guide.width > mapW || guide.height > mapH);
  }

  /**
   * Every combination of stabilisation and upsampling for one class map, in new buffers; the stabiliser's
   * history advances once. dropFloating (a setting, not a variant) changes the map in place first.
   */
  variants(map: Uint8Array, mapW: number, mapH: number, guide: GuideImage | null): Record<MaskVariantName, ShownMask> & PostprocessTimings {
    if (this.current.dropFloating) this.dropFloating(map, mapW, mapH);
    const t0 = performance.now();
    this.track(guide, mapW, mapH);
    const stabilised = this.stabilise(map, mapW, mapH).slice();
    const t1 = performance.now();
    const guided = this.resize(stabilised, mapW, mapH, guide, true);
    const upsampleMs = performance.now() - t1;
    return {
      'nearest/off': { mask: map.slice(0, mapW * mapH), width: mapW, height: mapH },
      'nearest/on': { mask: stabilised, width: mapW, height: mapH },
      'guided/off': this.resize(map, mapW, mapH, guide, false),
      'guided/on': guided,
      stabiliseMs: t1 - t0,
      upsampleMs,
    };
  }

  private dropFloating(map: Uint8Array, mapW: number, mapH: number): FloatingCheckResult {
    const found = this.floating.apply(map, mapW, mapH);
    if (found.regions > 0) {
      const d = this.dropped;
      this.dropped = { maps: d.maps + 1, regions: d.regions + found.regions, pixels: d.pixels + found.pixels };
    }
    return found;
  }

  private stabilise(map: Uint8Array, mapW: number, mapH: number): Uint8Array {
    const n = mapW * mapH;
    if (this.stabilised.length !== n) this.stabilised = new Uint8Array(n);
    return this.stabiliser.apply(map, mapW, mapH, this.stabilised, this.moved);
  }

  /** Where the picture moved since the previous map (kept for the edge's hold too), when tracked and there is a guide. */
  private track(guide: GuideImage | null, mapW: number, mapH: number): MotionQuery | null {
    this.moved = this.motion !== null && guide !== null ? this.motion.update(guide, mapW, mapH) : null;
    return this.moved;
  }

  /**
   * Guided upsampling where the guide is larger than the map, else the map as it is. `hold` (a stabilised
   * map): the edge's hysteresis, given the previous such mask unless the stabiliser has just taken a
   * scene cut or the size changed; this one is kept for the next.
   */
  private resize(map: Uint8Array, mapW: number, mapH: number, guide: GuideImage | null, hold: boolean, out?: Uint8Array): ShownMask {
    if (!this.guides('guided', mapW, mapH, guide)) {
      const n = mapW * mapH;
      const mask = out && out.length === n ? out : new Uint8Array(n);
      if (mask !== map) mask.set(map.subarray(0, n));
      return { mask, width: mapW, height: mapH };
    }
    if (!hold) return { mask: this.upsampler.upsample(map, mapW, mapH, guide, out), width: guide.width, height: guide.height };
    const n = guide.width * guide.height;
    const held = this.heldEdges !== null && this.heldEdges.length === n && this.heldAfterCuts === this.stabiliser.sceneCuts ? this.heldEdges : null;
    const mask = this.upsampler.upsample(map, mapW, mapH, guide, out, held, this.moved);
    if (this.heldEdges === null || this.heldEdges.length !== n) this.heldEdges = new Uint8Array(n);
    this.heldEdges.set(mask);
    this.heldAfterCuts = this.stabiliser.sceneCuts;
    return { mask, width: guide.width, height: guide.height };
  }
}
