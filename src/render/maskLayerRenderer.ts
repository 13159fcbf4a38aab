// The mask layer's drawing: three.js on a transparent canvas at the class map's own size (the page
// scales it to the picture's content rectangle, NEAREST via image-rendering: pixelated), coloured
// through a palette texture in a GLSL3 ShaderMaterial. It draws only when told to (a new mask or a
// control changed). The canvas is an OffscreenCanvas in the mask-layer worker (workers/maskLayer.worker.ts),
// or the page's own canvas where a canvas cannot be handed to a worker (InlineMaskLayer). No DOM here.
// Without a GPU, WebGL is software: a canvas that changes is read back for the compositor (about 7 ms
// per draw on the page's thread of a 2-core AMD EPYC VM, measured with a Chromium trace), which is why it runs in a worker.

import * as THREE from 'three';
import fragmentShader from './overlay.frag.glsl?raw';
import vertexShader from './overlay.vert.glsl?raw';
import { PALETTE_SIZE } from '../processing/palette.ts';

/** three.js resource counters (textures, geometries, shader programs), for the soak benchmark. */
export interface MaskLayerMemory {
  readonly textures: number;
  readonly geometries: number;
  readonly programs: number;
}

export class MaskLayerRenderer {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly material: THREE.ShaderMaterial;
  private readonly mesh: THREE.Mesh;
  private readonly paletteTexture: THREE.DataTexture;
  private maskTexture: THREE.DataTexture | null = null;

  /** Throws when the canvas gives no WebGL2 context. */
  constructor(canvas: HTMLCanvasElement | OffscreenCanvas, palette: Uint8Array, opacity: number) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, alpha: true, premultipliedAlpha: true, powerPreference: 'high-performance' });
    // Raw pass-through: palette colours are already display values.
    this.renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
    this.renderer.setPixelRatio(1); // the drawing buffer is the mask's size; CSS scales it
    this.renderer.setClearColor(0x000000, 0);
    this.renderer.setSize(1, 1, false);
    this.paletteTexture = new THREE.DataTexture(new Uint8Array(PALETTE_SIZE * 4), PALETTE_SIZE, 1, THREE.RGBAFormat, THREE.UnsignedByteType);
    configureNearest(this.paletteTexture);
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
    this.setPalette(palette);
    this.setOpacity(opacity);
  }

  setPalette(palette: Uint8Array): void {
    (this.paletteTexture.image.data as Uint8Array).set(palette.subarray(0, PALETTE_SIZE * 4));
    this.paletteTexture.needsUpdate = true;
  }

  /** The mask's opacity, clamped to 0..1. */
  setOpacity(opacity: number): void {
    this.material.uniforms['uOpacity']!.value = clampOpacity(opacity);
  }

  /** Copies a class mask into the mask texture (reallocated only when the size changes) and uploads it. */
  setMask(mask: Uint8Array, width: number, height: number): void {
    let texture = this.maskTexture;
    if (!texture || texture.image.width !== width || texture.image.height !== height) {
      texture?.dispose();
      texture = new THREE.DataTexture(new Uint8Array(width * height), width, height, THREE.RedFormat, THREE.UnsignedByteType);
      configureNearest(texture);
      this.maskTexture = texture;
      this.material.uniforms['uMask']!.value = texture;
      this.renderer.setSize(width, height, false); // one canvas pixel per mask pixel
    }
    this.mesh.visible = true;
    (texture.image.data as Uint8Array).set(mask.subarray(0, width * height));
    texture.needsUpdate = true;
    this.renderer.initTexture(texture);
  }

  /** Draws the layer as it stands. */
  render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  memoryInfo(): MaskLayerMemory {
    const info = this.renderer.info;
    return { textures: info.memory.textures, geometries: info.memory.geometries, programs: info.programs?.length ?? 0 };
  }

  dispose(): void {
    this.maskTexture?.dispose();
    this.paletteTexture.dispose();
    this.material.dispose();
    this.mesh.geometry.dispose();
    this.renderer.dispose();
  }
}

export function clampOpacity(opacity: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(opacity) ? opacity : 0));
}

function configureNearest(texture: THREE.Texture): void {
  texture.minFilter = THREE.NearestFilter;
  texture.magFilter = THREE.NearestFilter;
  texture.generateMipmaps = false;
  texture.unpackAlignment = 1;
  texture.colorSpace = THREE.NoColorSpace;
  texture.needsUpdate = true;
}
