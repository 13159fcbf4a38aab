// The page's DOM: toolbar (sources, recording), the overlay canvas, HUD, legend and controls.
// Only builds elements and reports user intent through callbacks; the app decides what happens.

import type { GroupId } from '../processing/modelContract.ts';
import type { LegendEntry } from '../processing/palette.ts';

export interface ShellCallbacks {
  onSample(): void;
  onWebcam(): void;
  onVideoFile(file: File): void;
  onFolder(files: File[]): void;
  onOpacity(value: number): void;
  onGroupToggle(group: GroupId, visible: boolean): void;
  onDimOthers(dim: boolean): void;
  onSynced(synced: boolean): void;
  onRecord(): void;
  onDownloadCsv(): void;
  onDownloadJson(): void;
  onExportVideo(): void;
  onStabilise(stabilise: boolean): void;
  onGuidedEdges(guided: boolean): void;
  onDropFloating(drop: boolean): void;
  onModel(url: string): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export class AppShell {
  /** The mask canvas (three.js), over the picture. */
  readonly canvas: HTMLCanvasElement;
  /** Where the picture (the video element, or a still) and the mask canvas are shown. */
  readonly stage: HTMLElement;
  readonly hud: HTMLPreElement;
  readonly banner: HTMLDivElement;
  readonly recordButton: HTMLButtonElement;
  readonly recordInfo: HTMLSpanElement;
  private readonly legend: HTMLDivElement;
  readonly syncedToggle: HTMLInputElement;
  readonly stabiliseToggle: HTMLInputElement;
  readonly guidedEdgesToggle: HTMLInputElement;
  readonly dropFloatingToggle: HTMLInputElement;
  /** The mask opacity slider (0..1). */
  readonly opacitySlider: HTMLInputElement;

  constructor(root: HTMLElement, private readonly cb: ShellCallbacks, models: readonly { label: string; url: string }[] = [], currentModel = '') {
    const fileInput = el('input', { type: 'file', accept: 'video/*', hidden: true });
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      if (file) cb.onVideoFile(file);
      fileInput.value = '';
    });
    const folderInput = el('input', { type: 'file', hidden: true, multiple: true });
    folderInput.webkitdirectory = true;
    folderInput.addEventListener('change', () => {
      const files = Array.from(folderInput.files ?? []);
      if (files.length) cb.onFolder(files);
      folderInput.value = '';
    });
    const button = (text: string, onClick: () => void, id: string): HTMLButtonElement => {
      const b = el('button', { type: 'button', textContent: text, id });
      b.addEventListener('click', onClick);
      return b;
    };
    this.recordButton = button('● Record log', () => cb.onRecord(), 'record');
    const modelSelect = el('select', { id: 'model', title: 'Model' });
    const known = models.some((m) => m.url === currentModel);
    for (const m of known || !currentModel ? models : [...models, { label: currentModel, url: currentModel }]) {
      modelSelect.append(el('option', { value: m.url, textContent: `Model: ${m.label}`, selected: m.url === currentModel }));
    }
    modelSelect.addEventListener('change', () => cb.onModel(modelSelect.value));
    this.recordInfo = el('span', { className: 'record-info', id: 'record-info' });
    const toolbar = el('div', { className: 'toolbar' }, [
      el('strong', { textContent: 'dashseg' }),
      button('Sample clip', () => cb.onSample(), 'source-sample'),
      button('Webcam', () => cb.onWebcam(), 'source-webcam'),
      button('Open video…', () => fileInput.click(), 'source-file'),
      button('Open labelled folder…', () => folderInput.click(), 'source-folder'),
      modelSelect,
      fileInput,
      folderInput,
      el('span', { className: 'spacer' }),
      this.recordButton,
      button('CSV', () => cb.onDownloadCsv(), 'download-csv'),
      button('JSON', () => cb.onDownloadJson(), 'download-json'),
      button('Export video', () => cb.onExportVideo(), 'export-video'),
      this.recordInfo,
    ]);

    this.canvas = el('canvas', { id: 'overlay' });
    const stage = el('div', { className: 'stage', id: 'stage' }, [this.canvas, el('div', { className: 'drop-hint', textContent: 'Drop a video file here' })]);
    this.stage = stage;
    stage.addEventListener('dragover', (e) => {
      e.preventDefault();
      stage.classList.add('dragging');
    });
    stage.addEventListener('dragleave', () => stage.classList.remove('dragging'));
    stage.addEventListener('drop', (e) => {
      e.preventDefault();
      stage.classList.remove('dragging');
      const file = e.dataTransfer?.files?.[0];
      if (file) cb.onVideoFile(file);
    });

    this.banner = el('div', { className: 'banner', id: 'banner', role: 'alert', hidden: true });
    this.hud = el('pre', { className: 'hud', id: 'hud' });
    this.legend = el('div', { className: 'legend', id: 'legend' });

    const opacity = (this.opacitySlider = el('input', { type: 'range', min: '0', max: '1', step: '0.05', value: '0.55', id: 'opacity' }));
    opacity.addEventListener('input', () => cb.onOpacity(Number(opacity.value)));
    const dim = el('input', { type: 'checkbox', checked: true, id: 'dim-others' });
    dim.addEventListener('change', () => cb.onDimOthers(dim.checked));
    this.syncedToggle = el('input', { type: 'checkbox', id: 'synced' });
    this.syncedToggle.addEventListener('change', () => cb.onSynced(this.syncedToggle.checked));
    this.stabiliseToggle = el('input', { type: 'checkbox', id: 'stabilise' });
    this.stabiliseToggle.addEventListener('change', () => cb.onStabilise(this.stabiliseToggle.checked));
    this.guidedEdgesToggle = el('input', { type: 'checkbox', id: 'guided-edges' });
    this.guidedEdgesToggle.addEventListener('change', () => cb.onGuidedEdges(this.guidedEdgesToggle.checked));
    this.dropFloatingToggle = el('input', { type: 'checkbox', id: 'drop-floating' });
    this.dropFloatingToggle.addEventListener('change', () => cb.onDropFloating(this.dropFloatingToggle.checked));
    const controls = el('div', { className: 'controls' }, [
      el('label', {}, ['Mask opacity ', opacity]),
      el('label', {}, [dim, ' dim other classes']),
      el('label', { title: 'Draw each mask on the exact frame it was computed from' }, [this.syncedToggle, ' synced mask']),
      el('label', { title: 'A pixel changes class only when the change holds for 2 frames or fills its neighbourhood (less flicker)' }, [this.stabiliseToggle, ' stabilise']),
      el('label', { title: 'Bring the mask to the picture\'s size along the edges of the frame (off: square blocks of the model\'s class map)' }, [this.guidedEdgesToggle, ' edges follow picture']),
      el('label', { title: 'A car, person or road patch lying wholly far above where the road ends cannot be one: paint it as what surrounds it' }, [this.dropFloatingToggle, ' no objects in the sky']),
    ]);
    const side = el('aside', { className: 'side' }, [this.hud, this.legend, controls]);
    root.replaceChildren(toolbar, this.banner, el('main', { className: 'layout' }, [stage, side]));
  }

  setLegend(entries: readonly LegendEntry[], visible: ReadonlySet<GroupId>): void {
    this.legend.replaceChildren(el('h3', { textContent: 'Legend' }));
    for (const entry of entries) {
      const box = el('input', { type: 'checkbox', checked: visible.has(entry.groupId) });
      box.dataset['group'] = entry.groupId;
      box.addEventListener('change', () => this.cb.onGroupToggle(entry.groupId, box.checked));
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = `rgb(${entry.color.join(',')})`;
      const members = entry.members.map((m) => m.name).join(', ');
      this.legend.append(el('label', { className: 'legend-entry', title: members }, [box, swatch, ` ${entry.label}`, el('small', { textContent: entry.groupId === 'other' ? ' (other classes)' : ` (${members})` })]));
    }
  }

  /** Shows a message; errors stay until replaced, notices fade. */
  showMessage(kind: 'error' | 'notice', text: string): void {
    this.banner.hidden = false;
    this.banner.className = `banner ${kind}`;
    this.banner.textContent = text;
  }

  clearMessage(): void {
    this.banner.hidden = true;
    this.banner.textContent = '';
  }
}
