// The mask's colours: one RGBA palette entry per class id, built from the loaded model's contract,
// with the legend's group toggles (hidden groups are transparent) and "dim other classes". The display
// and the legend are injected (OverlayRenderer and AppShell in the app).

import { buildLegend, buildPalette, PALETTE_SIZE, type LegendEntry } from '../processing/palette.ts';
import { GROUP_IDS, type GroupId, type ModelContract } from '../processing/modelContract.ts';

export interface PaletteParts {
  /** The loaded model's contract (null while none is): no palette without one. */
  contract(): ModelContract | null;
  /** Where the palette is drawn (null without WebGL). */
  display(): { setPalette(palette: Uint8Array): void } | null;
  readonly legend: { setLegend(entries: readonly LegendEntry[], visible: ReadonlySet<GroupId>): void };
}

export class PaletteControl {
  /** RGBA per class id; the same array all along (the renderer and the video export read it). */
  readonly palette = new Uint8Array(PALETTE_SIZE * 4);
  private readonly visibleGroups = new Set<GroupId>(GROUP_IDS);
  private dimOthers = true;

  constructor(private readonly parts: PaletteParts) {}

  /** The legend's toggle for a group of classes. */
  setGroupVisible(group: GroupId, visible: boolean): void {
    if (visible) this.visibleGroups.add(group);
    else this.visibleGroups.delete(group);
    this.update();
  }

  /** "Dim others": the visible "other" group is drawn faintly, so the highlighted groups stand out. */
  setDimOthers(dim: boolean): void {
    this.dimOthers = dim;
    this.update();
  }

  /** A model was loaded: its palette, and a legend of its groups. */
  modelLoaded(contract: ModelContract): void {
    this.update();
    this.parts.legend.setLegend(buildLegend(contract), this.visibleGroups);
  }

  private update(): void {
    const contract = this.parts.contract();
    if (!contract) return;
    buildPalette(contract, { visibleGroups: this.visibleGroups, dimOthers: this.dimOthers }, this.palette);
    this.parts.display()?.setPalette(this.palette);
  }
}
