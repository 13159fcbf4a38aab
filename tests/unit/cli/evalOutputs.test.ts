import { describe, expect, it } from 'vitest';
import { renderEvalReport, escapeHtml } from '../../../cli/lib/evalReport.ts';
import { buildEvalCsv, buildEvalJson, formatEvalText, stringifyEvalJson, type EvalRunContext } from '../../../cli/lib/evalSummary.ts';
import type { EvalPageResult } from '../../../src/eval/evalProtocol.ts';

// 3 classes. Rows = ground truth: class 0: 8 right, 2 as class 1; class 1: 5 right; class 2: absent.
// IoU0 = 8/10 = 80 %, IoU1 = 5/7 = 71.43 %, IoU2 = null → mIoU 75.71 %, accuracy 13/15 = 86.67 %.
// That is the stabilised sequence (the headline); unstabilised: class 0: 9 right, 1 as class 1 →
// IoU0 = 9/10, IoU1 = 5/6 → mIoU 86.67 %, accuracy 14/15 = 93.33 %. Flicker: 4 of 20 steady pixel
// pairs change class unstabilised (20 %), 1 of 20 stabilised (5 %). Near label edges (boundary
// IoU), guided and stabilised (the headline): class 0: 4 right, 1 as class 1; class 1: 2 right →
// 4/5 and 2/3 → 73.33 %; NEAREST and stabilised: class 0: 3 right, 2 as 1; class 1: 2 right → 3/5, 2/4 → 55 %.
const SEQ = {
  nearestOff: { confusion: [9, 1, 0, 0, 5, 0, 0, 0, 0], flicker: { steadyPixels: 20, changedPixels: 4 }, boundaryConfusion: [3, 2, 0, 0, 2, 0, 0, 0, 0] },
  nearestOn: { confusion: [8, 2, 0, 0, 5, 0, 0, 0, 0], flicker: { steadyPixels: 20, changedPixels: 1 }, boundaryConfusion: [3, 2, 0, 0, 2, 0, 0, 0, 0] },
  guidedOff: { confusion: [9, 1, 0, 0, 5, 0, 0, 0, 0], flicker: { steadyPixels: 20, changedPixels: 4 }, boundaryConfusion: [4, 1, 0, 0, 2, 0, 0, 0, 0] },
  guidedOn: { confusion: [8, 2, 0, 0, 5, 0, 0, 0, 0], flicker: { steadyPixels: 20, changedPixels: 1 }, boundaryConfusion: [4, 1, 0, 0, 2, 0, 0, 0, 0] },
};
const RESULT: EvalPageResult = {
  backend: 'wasm',
  threads: 2,
  backendReason: 'WASM forced',
  adapter: null,
  modelName: 'tiny <model>',
  classNames: ['Road', 'Car', 'Sky'],
  classColors: [[128, 64, 128], [64, 0, 128], [128, 128, 128]],
  voidId: 3,
  inputSize: { width: 4, height: 3 },
  confusion: [8, 2, 0, 0, 5, 0, 0, 0, 0],
  stabilisation: {
    headline: 'on',
    rule: 'new class after 2 frames',
    sceneCuts: 0,
    off: SEQ.guidedOff,
    on: SEQ.guidedOn,
  },
  upsampling: { headline: 'guided', rule: 'joint bilateral', nearest: SEQ.nearestOn, guided: SEQ.guidedOn },
  variants: { 'nearest/off': SEQ.nearestOff, 'nearest/on': SEQ.nearestOn, 'guided/off': SEQ.guidedOff, 'guided/on': SEQ.guidedOn },
  headlineVariant: 'guided/on',
  floating: { dropped: true, placed: true, maps: 2, regions: 3, pixels: 1234 },
  boundaryRadius: 3,
  frames: [
    { file: 'a.png', miou: 70, pixelAccuracy: 80, ms: 50.12345, preprocessMs: 2, inferenceMs: 45, postprocessMs: 1, stabiliseMs: 0.5, upsampleMs: 2, maskWidth: 4, maskHeight: 3, labelWidth: 4, labelHeight: 3 },
    { file: 'b,c.png', miou: null, pixelAccuracy: null, ms: 60, preprocessMs: 3, inferenceMs: 55, postprocessMs: 1, stabiliseMs: 1.5, upsampleMs: 4, maskWidth: 4, maskHeight: 3, labelWidth: 4, labelHeight: 3 },
  ],
  overlays: [
    { file: 'a.png', miou: 70, pixelAccuracy: 80, image: 'data:image/png;base64,AAAA', groundTruth: 'data:image/png;base64,BBBB', prediction: 'data:image/png;base64,CCCC' },
  ],
  loadMs: 1000,
  warmupMs: 200,
  framesMs: 2500,
  userAgent: 'HeadlessChrome',
  crossOriginIsolated: true,
  notices: [],
};

const CONTEXT: EvalRunContext = {
  model: 'models/tiny.onnx',
  contract: 'models/tiny.json',
  images: 'imgs',
  labels: 'lbls',
  backendRequested: 'wasm',
  browser: 'Chromium 1.2.3',
  elapsedS: 12.3456,
  created: new Date('2026-01-02T03:04:05Z'),
};

describe('buildEvalJson', () => {
  it('reports mIoU over present classes, per-class IoU with nulls, and the confusion rows', () => {
    const json = buildEvalJson(RESULT, CONTEXT);
    expect(json.miou).toBeCloseTo((80 + 500 / 7) / 2, 3);
    expect(json.pixel_accuracy).toBeCloseTo((100 * 13) / 15, 3);
    expect(json.per_class).toEqual({ Road: 80, Car: 71.429, Sky: null });
    expect(json.confusion).toEqual([[8, 2, 0], [0, 5, 0], [0, 0, 0]]);
    expect(json).toMatchObject({
      frames: 2,
      model: 'models/tiny.onnx',
      backend: 'wasm',
      backend_requested: 'wasm',
      threads: 2,
      browser: 'Chromium 1.2.3',
      elapsed_s: 12.346,
      eval_s: 2.5,
      mean_frame_miou: 70,
      created: '2026-01-02T03:04:05.000Z',
    });
    expect(json.timings_ms.segment.mean).toBeCloseTo(55.062, 3);
    expect(json.timings_ms.inference.p50).toBe(50);
  });

  it('reports mIoU and flicker rate with stabilisation off and on, the headline from the one chosen', () => {
    const json = buildEvalJson(RESULT, CONTEXT);
    expect(json.flicker_rate).toBe(5);
    expect(json.stabilise).toEqual({
      headline: 'on',
      rule: 'new class after 2 frames',
      scene_cuts: 0,
      off: { miou: 86.667, boundary_iou: 73.333, pixel_accuracy: 93.333, flicker_rate: 20, steady_pixels: 20, changed_pixels: 4 },
      on: { miou: 75.714, boundary_iou: 73.333, pixel_accuracy: 86.667, flicker_rate: 5, steady_pixels: 20, changed_pixels: 1 },
    });
    expect(json.timings_ms.stabilise).toEqual({ mean: 1, p50: 1, p95: 1.45 });
    expect(json.timings_ms.upsample).toEqual({ mean: 3, p50: 3, p95: 3.9 });
  });

  it('reports boundary IoU with NEAREST and guided upsampling, and all four combinations', () => {
    const json = buildEvalJson(RESULT, CONTEXT);
    expect(json.boundary_iou).toBe(73.333);
    expect(json.upsample.headline).toBe('guided');
    expect(json.upsample.boundary_radius_px).toBe(3);
    expect(json.upsample.nearest.boundary_iou).toBe(55);
    expect(json.upsample.guided.boundary_iou).toBe(73.333);
    expect(json.variants['nearest/off'].miou).toBe(86.667);
    expect(json.variants['guided/on'].flicker_rate).toBe(5);
    const nearest: EvalPageResult = { ...RESULT, headlineVariant: 'nearest/on', upsampling: { ...RESULT.upsampling, headline: 'nearest' } };
    expect(buildEvalJson(nearest, CONTEXT).boundary_iou).toBe(55);

    const off: EvalPageResult = { ...RESULT, confusion: RESULT.stabilisation.off.confusion, stabilisation: { ...RESULT.stabilisation, headline: 'off' } };
    const offJson = buildEvalJson(off, CONTEXT);
    expect(offJson.flicker_rate).toBe(20);
    expect(offJson.miou).toBe(86.667);
    expect(offJson.stabilise.headline).toBe('off');
  });

  it('has no flicker rate when no pixel keeps its label between frames (one frame, or all void)', () => {
    const none = { steadyPixels: 0, changedPixels: 0 };
    const single: EvalPageResult = {
      ...RESULT,
      stabilisation: { ...RESULT.stabilisation, off: { ...RESULT.stabilisation.off, flicker: none }, on: { ...RESULT.stabilisation.on, flicker: none } },
    };
    const json = buildEvalJson(single, CONTEXT);
    expect(json.flicker_rate).toBeNull();
    expect(json.stabilise.off.flicker_rate).toBeNull();
    expect(formatEvalText(json, single)).toContain('flicker rate    — %');
  });

  it('serialises with the numeric rows on one line each', () => {
    const text = stringifyEvalJson(buildEvalJson(RESULT, CONTEXT));
    expect(text).toContain('"confusion": [\n    [8, 2, 0],\n    [0, 5, 0],\n    [0, 0, 0]\n  ]');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(buildEvalJson(RESULT, CONTEXT))));
  });
});

describe('buildEvalCsv', () => {
  it('writes one quoted-where-needed row per frame', () => {
    expect(buildEvalCsv(RESULT)).toBe(
      'file,miou,pixel_accuracy,ms,preprocess_ms,inference_ms,postprocess_ms\n' +
        'a.png,70,80,50.123,2,45,1\n' +
        '"b,c.png",,,60,3,55,1\n',
    );
  });
});

describe('formatEvalText', () => {
  it('prints the class table and the headline numbers', () => {
    const text = formatEvalText(buildEvalJson(RESULT, CONTEXT), RESULT);
    expect(text).toMatch(/Road\s+80\.00\s+10\s+66\.7/);
    expect(text).toMatch(/Sky\s+—\s+0/);
    expect(text).toContain('mIoU            75.71 %  (mean over 2 of 3 classes present');
    expect(text).toContain('pixel accuracy  86.67 %');
    expect(text).toContain('backend         wasm, 2 threads');
    expect(text).toContain('flicker rate    5.000 %');
    expect(text).toContain('boundary IoU    73.33 %  (mIoU over the pixels within 3 px of a label edge)');
    expect(text).toContain('stabilisation   on, upsampling guided (--stabilise on|off and --upsample nearest|guided choose the headline; all four below)');
    expect(text).toContain('stabilisation on = new class after 2 frames\n     0 scene cuts; 1.00 ms mean, 1.45 ms p95 per class map (worker)');
    expect(text).toContain('guided = joint bilateral\n     3.00 ms mean, 3.00 ms p50, 3.90 ms p95 per class map (worker)');
    expect(text).toMatch(/NEAREST\s+off\s+86\.67\s+55\.00\s+93\.33\s+20\.000\n/);
    expect(text).toMatch(/guided\s+on \(headline\)\s+75\.71\s+73\.33\s+86\.67\s+5\.000/);
    expect(text).toContain('floating objects dropped in every variant (--floating drop): 3 regions (1,234 class-map pixels) relabelled in 2 class maps');
  });

  it('says when floating objects were kept or could not be checked, and the JSON says what the check did', () => {
    const kept: EvalPageResult = { ...RESULT, floating: { dropped: false, placed: true, maps: 0, regions: 0, pixels: 0 } };
    expect(formatEvalText(buildEvalJson(kept, CONTEXT), kept)).toContain('floating objects kept (--floating keep)');
    const unplaced: EvalPageResult = { ...RESULT, floating: { dropped: true, placed: false, maps: 0, regions: 0, pixels: 0 } };
    expect(formatEvalText(buildEvalJson(unplaced, CONTEXT), unplaced)).toContain("floating objects not checked: the model's contract gives no class a placement");
    expect(buildEvalJson(RESULT, CONTEXT).floating).toEqual({ dropped: true, placed: true, maps: 2, regions: 3, pixels: 1234 });
  });
});

describe('renderEvalReport', () => {
  const html = renderEvalReport(buildEvalJson(RESULT, CONTEXT), RESULT);

  it('is self-contained: inline CSS and SVG, images as data URLs, no external URL', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(link|script)\b/);
    for (const src of html.match(/src="[^"]*"/g) ?? []) expect(src).toMatch(/^src="data:image\/png;base64,/);
  });

  it('has the bar chart, the heatmap and the worst frames', () => {
    expect(html).toContain('aria-label="IoU per class"');
    expect(html).toContain('aria-label="confusion matrix"');
    expect(html).toContain('ground truth Road, predicted Car: 2 px (20.0 % of the row)');
    expect(html).toContain('data:image/png;base64,CCCC');
    expect(html).toContain('Worst 1 frame');
    expect(html).toContain('absent'); // Sky
    expect(html).toContain('flicker rate <b>5.000 %</b>');
    expect(html).toContain('off: mIoU 86.67 %, flicker rate 20.000 %; on: mIoU 75.71 %, flicker rate 5.000 %');
    expect(html).toContain('nearest: mIoU 75.71 %, boundary IoU 55.00 %; guided: mIoU 75.71 %, boundary IoU 73.33 %');
  });

  it('escapes text from files and models', () => {
    expect(html).toContain('tiny &lt;model&gt;');
    expect(html).not.toContain('tiny <model>');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
