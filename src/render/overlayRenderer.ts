// The mask layer: a transparent three.js canvas over the picture, at the class map's own size (the
// browser scales it to the picture's content rectangle, NEAREST via image-rendering: pixelated),
// coloured through a palette texture in a GLSL3 ShaderMaterial. It is redrawn only when a new mask
// arrives or a control changes; the video under it is shown by the browser itself (StagePicture).
// Without a GPU, WebGL is software: uploading each video frame into it cost about a core and halved
// the video's frame rate here (../shared/FACTS.md), while a 240x180 mask draw costs well under 1 ms.

import * as THREE from 'three';
import fragmentShader from './overlay.frag.glsl?raw';
import vertexShader from './overlay.vert.glsl?raw';
import { PALETTE_SIZE } from '../processing/palette.ts';
import { StagePicture, type DisplaySource } from './stagePicture.ts';

export { fitScale, type DisplaySource } from './stagePicture.ts';

export interface RenderTiming {
  /** CPU time of the mask draw (renderer.render), palette upload included; 0 when only the picture changed. */
  readonly renderMs: number;
  /**
   * CPU time of putting a new still on screen (a labelled-sequence frame, a synced-mode snapshot);
   * null when none was drawn (a live video is shown by the browser: no copy on this thread).
   */
  readonly videoUploadMs: number | null;
}



export class OverlayRenderer {
  readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly material: THREE.ShaderMaterial;
  private readonly mesh: THREE.Mesh;
  private readonly paletteTexture: THREE.DataTexture;
  private maskTexture: THREE.DataTexture | null = null;
  private readonly picture: StagePicture;
  private readonly drawingBufferSize = new THREE.Vector2();
  /** The mask layer changed since the last draw (mask, palette, opacity, size). */
  private dirty = true;

  /** `stage`: the element the picture fills; `canvas`: the mask canvas inside it. */
  constructor(stage: HTMLElement, private readonly canvas: HTMLCanvasElement, palette: Uint8Array) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, alpha: true, premultipliedAlpha: true, powerPreference: 'high-performance' });
    // Raw pass-through: palette colours are already display values.
    this.renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
    this.renderer.setPixelRatio(1); // the drawing buffer is the mask's size; CSS scales it
    this.renderer.setClearColor(0x000000, 0);
    this.picture = new StagePicture(stage, canvas);
    this.paletteTexture = new THREE.DataTexture(new Uint8Array(PALETTE_SIZE * 4), PALETTE_SIZE, 1, THREE.RGBAFormat, THREE.UnsignedByteType);
    this.configureNearest(this.paletteTexture);
    this.setPalette(palette);
    this.material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader,
      fragmentShader,
      uniforms: {
        uMask: { value: null },
        uPalette: { value: this.paletteTexture },
        uOpacity: { value: 0.55 },
      },
      transparent: true,
      blending: THREE.NoBlending, // the canvas holds only the mask: write its premultiplied colour as is
      depthTest: false,
      depthWrite: false,
    });
    this.mesh = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), this.material);
    this.mesh.visible = false; // until the first mask
    this.scene.add(this.mesh);
  }

  private configureNearest(texture: THREE.Texture): void {
    texture.minFilter = THREE.NearestFilter;
    texture.magFilter = THREE.NearestFilter;
    texture.generateMipmaps = false;
    texture.unpackAlignment = 1;
    texture.colorSpace = THREE.NoColorSpace;
    texture.needsUpdate = true;
  }

  setPalette(palette: Uint8Array): void {
    (this.paletteTexture.image.data as Uint8Array).set(palette);
    this.paletteTexture.needsUpdate = true;
    this.dirty = true;
  }

  /** The mask's opacity (0..1), as the slider set it. */
  opacity(): number {
    return this.material.uniforms['uOpacity']!.value as number;
  }

  setOpacity(opacity: number): void {
    this.material.uniforms['uOpacity']!.value = Math.min(1, Math.max(0, opacity));
    this.dirty = true;
  }

  /**
   * Shows a live video element (played by the browser) or a still; `snapshot` replaces a live video
   * (synced mode: the exact frame of the mask on screen).
   */
  setDisplaySource(source: DisplaySource | null, snapshot: ImageBitmap | null = null): void {
    this.picture.set(source, snapshot);
  }

  /** Copies a class mask into the mask texture (reallocated only when the size changes); returns ms. */
  updateMask(mask: Uint8Array, width: number, height: number): number {
    const t0 = performance.now();
    let texture = this.maskTexture;
    if (!texture || texture.image.width !== width || texture.image.height !== height) {
      texture?.dispose();
      texture = new THREE.DataTexture(new Uint8Array(width * height), width, height, THREE.RedFormat, THREE.UnsignedByteType);
      this.configureNearest(texture);
      this.maskTexture = texture;
      this.material.uniforms['uMask']!.value = texture;
      this.renderer.setSize(width, height, false); // one canvas pixel per class-map cell
    }
    this.mesh.visible = true;
    (texture.image.data as Uint8Array).set(mask.subarray(0, width * height));
    texture.needsUpdate = true;
    this.renderer.initTexture(texture); // upload now, so the cost is measured here, not in render
    this.dirty = true;
    return performance.now() - t0;
  }

  /** The mask currently shown (the renderer's own copy), for automation and tests. */
  currentMask(): { data: Uint8Array; width: number; height: number } | null {
    const t = this.maskTexture;
    if (!t || !this.mesh.visible) return null;
    return { data: t.image.data as Uint8Array, width: t.image.width, height: t.image.height };
  }

  clearMask(): void {
    this.mesh.visible = false;
    this.dirty = true;
  }

  /** Places the picture and the mask canvas on the stage (CSS only; the drawing buffer is the mask's size). */
  resize(): void {
    this.picture.layout();
    if (!this.maskTexture) {
      const size = this.renderer.getSize(this.drawingBufferSize);
      if (size.x !== 1 || size.y !== 1) this.renderer.setSize(1, 1, false);
    }
  }

  /** Frames per second the shown video presented (0 for stills): the browser's own display rate. */
  videoFps(now: number): number {
    return this.picture.videoFps(now);
  }

  /** Draws what changed: a new still under the mask, the mask layer; null when nothing did. */
  render(): RenderTiming | null {
    const videoUploadMs = this.picture.drawPendingStill();
    if (!this.dirty) return videoUploadMs === null ? null : { renderMs: 0, videoUploadMs };
    this.dirty = false;
    const t0 = performance.now();
    this.renderer.render(this.scene, this.camera);
    return { renderMs: performance.now() - t0, videoUploadMs };
  }

  /** three.js resource counters (textures, geometries) for the soak benchmark. */
  memoryInfo(): { textures: number; geometries: number; programs: number } {
    const info = this.renderer.info;
    return { textures: info.memory.textures, geometries: info.memory.geometries, programs: info.programs?.length ?? 0 };
  }

  dispose(): void {
    this.picture.dispose();
    this.maskTexture?.dispose();
    this.paletteTexture.dispose();
    this.material.dispose();
    this.mesh.geometry.dispose();
    this.renderer.dispose();
  }
}
