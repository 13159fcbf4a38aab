// `npm run eval -- --report OUT.html`: one self-contained HTML file (inline CSS and SVG, images as
// data URLs, no external URL) with the run details, a per-class IoU bar chart, the confusion
// matrix as a heatmap and the worst frames as image | ground truth | prediction.

import type { EvalOverlay, EvalPageResult } from '../../src/eval/evalProtocol.ts';
import type { EvalSummaryJson } from './evalSummary.ts';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Rgb = readonly [number, number, number];
const rgb = (c: Rgb): string => `rgb(${c[0]},${c[1]},${c[2]})`;
const pct = (v: number | null, decimals = 1): string => (v === null ? '—' : `${v.toFixed(decimals)} %`);

/** Horizontal bars, one per class, 0-100 %; absent classes say so. */
export function iouBarChart(names: readonly string[], colors: readonly Rgb[], iou: readonly (number | null)[], miou: number | null): string {
  const labelW = 120;
  const barW = 420;
  const rowH = 22;
  const top = 24;
  const height = top + names.length * rowH + 10;
  const width = labelW + barW + 70;
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="IoU per class">`);
  for (const tick of [0, 25, 50, 75, 100]) {
    const x = labelW + (barW * tick) / 100;
    parts.push(`<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${height - 8}" class="grid"/>`);
    parts.push(`<text x="${x}" y="${top - 10}" class="tick">${tick}</text>`);
  }
  names.forEach((name, k) => {
    const y = top + k * rowH;
    const v = iou[k] ?? null;
    parts.push(`<text x="${labelW - 8}" y="${y + 15}" class="label">${escapeHtml(name)}</text>`);
    if (v === null) {
      parts.push(`<text x="${labelW + 4}" y="${y + 15}" class="absent">absent</text>`);
      return;
    }
    const w = Math.max(0, Math.min(barW, (barW * v) / 100));
    parts.push(`<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${rgb(colors[k] ?? [128, 128, 128])}" class="bar"><title>${escapeHtml(name)}: ${v.toFixed(2)} %</title></rect>`);
    parts.push(`<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}" class="value">${v.toFixed(1)}</text>`);
  });
  if (miou !== null) {
    const x = labelW + (barW * miou) / 100;
    parts.push(`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${height - 8}" class="mean"><title>mIoU ${miou.toFixed(2)} %</title></line>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Confusion matrix heatmap: cell colour = share of the row (ground-truth class) predicted as the
 * column class (recall on the diagonal); hover shows the pixel count.
 */
export function confusionHeatmap(names: readonly string[], rows: readonly (readonly number[])[]): string {
  const n = names.length;
  const cell = 34;
  const left = 110;
  const top = 100;
  // Room on the right for the last rotated column names.
  const width = left + n * cell + 80;
  const height = top + n * cell + 30;
  const parts: string[] = [];
  parts.push(`<svg class="heatmap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="confusion matrix">`);
  names.forEach((name, j) => {
    const x = left + j * cell + cell / 2;
    parts.push(`<text transform="translate(${x + 4},${top - 6}) rotate(-55)" class="col">${escapeHtml(name)}</text>`);
  });
  rows.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = top + i * cell;
    parts.push(`<text x="${left - 6}" y="${y + cell / 2 + 4}" class="row">${escapeHtml(names[i] ?? '')}</text>`);
    row.forEach((count, j) => {
      const share = total > 0 ? count / total : 0;
      // White → deep blue; the diagonal in green so correct pixels read at a glance.
      const diag = i === j;
      const fill = total === 0
        ? '#f2f2f2'
        : diag
          ? `rgb(${Math.round(255 - 200 * share)},${Math.round(255 - 90 * share)},${Math.round(255 - 200 * share)})`
          : `rgb(${Math.round(255 - 215 * share)},${Math.round(255 - 170 * share)},${Math.round(255 - 60 * share)})`;
      const x = left + j * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" class="cell"><title>ground truth ${escapeHtml(names[i] ?? '')}, predicted ${escapeHtml(names[j] ?? '')}: ${count} px (${(100 * share).toFixed(1)} % of the row)</title></rect>`);
      if (total > 0 && share >= 0.005) {
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" class="${share > 0.6 ? 'num light' : 'num'}">${Math.round(100 * share)}</text>`);
      }
    });
  });
  parts.push(`<text x="${left + (n * cell) / 2}" y="${height - 8}" class="axis">predicted class (cells: % of the ground-truth row)</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function overlayFigure(o: EvalOverlay): string {
  const img = (src: string, caption: string): string =>
    `<figure><img src="${escapeHtml(src)}" alt="${escapeHtml(`${o.file}: ${caption}`)}"><figcaption>${caption}</figcaption></figure>`;
  return [
    '<div class="frame">',
    `<h3>${escapeHtml(o.file)} <span>mIoU ${pct(o.miou)} · pixel accuracy ${pct(o.pixelAccuracy)}</span></h3>`,
    '<div class="triple">',
    img(o.image, 'image'),
    img(o.groundTruth, 'ground truth'),
    img(o.prediction, 'prediction'),
    '</div></div>',
  ].join('');
}

function legend(names: readonly string[], colors: readonly Rgb[]): string {
  const items = names.map((name, k) => `<span><i style="background:${rgb(colors[k] ?? [0, 0, 0])}"></i>${escapeHtml(name)}</span>`);
  items.push('<span><i style="background:#000"></i>void / unlabelled</span>');
  return `<p class="legend">${items.join('')}</p>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:14px 0 6px}h3 span{font-weight:normal;color:#555;margin-left:8px}
.headline{font-size:18px;margin:10px 0}.headline b{font-size:26px}
table.meta{border-collapse:collapse}table.meta td{padding:2px 12px 2px 0;vertical-align:top}table.meta td:first-child{color:#666}
svg text{font:12px system-ui,sans-serif;fill:#1d1d1f}
.chart .label,.heatmap .row{text-anchor:end}.chart .tick{text-anchor:middle;fill:#888;font-size:11px}
.chart .grid{stroke:#e5e5e5}.chart .bar{stroke:#333;stroke-width:.5}.chart .mean{stroke:#d00;stroke-width:1.5;stroke-dasharray:4 3}
.chart .absent{fill:#999;font-style:italic}.heatmap .cell{stroke:#fff}.heatmap .num{text-anchor:middle;font-size:11px}
.heatmap .num.light{fill:#fff}.heatmap .axis{text-anchor:middle;fill:#666}
.triple{display:flex;gap:8px;flex-wrap:wrap}figure{margin:0}figure img{display:block;max-width:340px;width:100%;image-rendering:pixelated;border:1px solid #ccc}
figcaption{color:#666;font-size:12px}
.legend span{display:inline-block;margin:0 12px 4px 0}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border:1px solid #999}
.notes{color:#8a5a00}
`;

export function renderEvalReport(summary: EvalSummaryJson, result: EvalPageResult): string {
  const names = result.classNames;
  const colors = result.classColors;
  const iou = names.map((name) => summary.per_class[name] ?? null);
  const meta: [string, string][] = [
    ['model', `${summary.model}${summary.contract ? '' : ' (contract derived from the graph)'}`],
    ['images', summary.images],
    ['labels', summary.labels],
    ['frames', String(summary.frames)],
    [
      'stabilisation',
      `${summary.stabilise.headline} (headline) — ${summary.stabilise.rule}. ` +
        (['off', 'on'] as const).map((c) => `${c}: mIoU ${pct(summary.stabilise[c].miou, 2)}, flicker rate ${pct(summary.stabilise[c].flicker_rate, 3)}`).join('; '),
    ],
    [
      'upsampling',
      `${summary.upsample.headline} (headline) — ${summary.upsample.rule}. ` +
        (['nearest', 'guided'] as const).map((c) => `${c}: mIoU ${pct(summary.upsample[c].miou, 2)}, boundary IoU ${pct(summary.upsample[c].boundary_iou, 2)}`).join('; ') +
        ` (boundary IoU: within ${summary.upsample.boundary_radius_px} px of a label edge)`,
    ],
    ['backend', `${summary.backend}${summary.backend === 'wasm' ? ` (${summary.threads} threads)` : ''} — ${summary.backend_reason}`],
    ['browser', summary.browser],
    ['per frame', `segment ${summary.timings_ms.segment.mean?.toFixed(1) ?? '—'} ms mean, ${summary.timings_ms.segment.p95?.toFixed(1) ?? '—'} ms p95; inference ${summary.timings_ms.inference.mean?.toFixed(1) ?? '—'} ms mean`],
    ['elapsed', `${summary.elapsed_s.toFixed(1)} s (frames ${summary.eval_s.toFixed(1)} s)`],
    ['created', summary.created],
  ];
  const worst = result.overlays;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>dashseg eval: ${escapeHtml(summary.model_name)} — mIoU ${pct(summary.miou, 2)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>dashseg eval: ${escapeHtml(summary.model_name)}</h1>`,
    `<p class="headline">mIoU <b>${pct(summary.miou, 2)}</b> · boundary IoU <b>${pct(summary.boundary_iou, 2)}</b> · pixel accuracy <b>${pct(summary.pixel_accuracy, 2)}</b> · flicker rate <b>${pct(summary.flicker_rate, 3)}</b> · ${summary.frames} frames</p>`,
    '<table class="meta">',
    ...meta.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    summary.notices.length ? `<p class="notes">${summary.notices.map(escapeHtml).join('<br>')}</p>` : '',
    '<h2>IoU per class</h2>',
    '<p>mIoU (dashed line) is the mean over the classes present in the labels or the predictions; absent classes are left out.</p>',
    iouBarChart(names, colors, iou, summary.miou),
    '<h2>Confusion matrix</h2>',
    '<p>Rows: ground truth; columns: prediction. Each cell is the share of the row\'s labelled pixels (void pixels are not scored).</p>',
    confusionHeatmap(names, summary.confusion),
    `<h2>Worst ${worst.length} frame${worst.length === 1 ? '' : 's'} (lowest per-frame mIoU)</h2>`,
    legend(names, colors),
    ...worst.map(overlayFigure),
    '</body></html>',
    '',
  ].join('\n');
}
