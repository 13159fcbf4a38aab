// three.js overlay: the video (or a still frame) as a texture and the class mask on top, coloured
// through a palette texture in a GLSL3 ShaderMaterial. Drawn every display frame, independent of
// the inference rate. No frame-sized allocation per frame: masks are copied into one buffer.
// A display frame whose picture would be identical to the last one (no new video frame, mask,
// palette, opacity or size) is not redrawn: the canvas keeps its pixels, and on a machine without a
// GPU (software GL) this halves the render thread's CPU use at 60 Hz with 25 fps video.

import * as THREE from 'three';
import fragmentShader from './overlay.frag.glsl?raw';
import vertexShader from './overlay.vert.glsl?raw';
import { PALETTE_SIZE } from '../processing/palette.ts';
import { UploadPacer } from './uploadPacer.ts';

export type DisplaySource =
  | { readonly kind: 'video'; readonly element: HTMLVideoElement }
  | { readonly kind: 'image'; readonly image: ImageBitmap };

/**
 * The most of the render thread that uploading new video frames may take (see UploadPacer): a video
 * too large to upload at its frame rate shows fewer frames instead of stalling the page.
 */
export const VIDEO_UPLOAD_SHARE = 1 / 3;

export interface RenderTiming {
  /** CPU time of the draw (renderer.render), mask and palette uploads included (they are small). */
  readonly renderMs: number;
  /** CPU time of taking the video's newest frame into the video texture before the draw; null when none was. */
  readonly videoUploadMs: number | null;
}

/** Scale of the video rectangle in clip space so it fits the canvas with bars (object-fit: contain). */
export function fitScale(videoW: number, videoH: number, canvasW: number, canvasH: number): [number, number] {
  if (videoW <= 0 || videoH <= 0 || canvasW <= 0 || canvasH <= 0) return [1, 1];
  const videoAspect = videoW / videoH;
  const canvasAspect = canvasW / canvasH;
  return videoAspect > canvasAspect ? [1, canvasAspect / videoAspect] : [videoAspect / canvasAspect, 1];
}

/**
 * Drawing-buffer size for a canvas of cssW x cssH CSS pixels: the device-pixel size (dpr capped at 2),
 * shrunk so that the letterboxed video rectangle has no more pixels than the video itself. More
 * pixels than the source add no detail (the mask is coarser still), and with software GL every
 * pixel costs CPU on the render thread; the browser scales the canvas to its CSS size.
 */
export function drawingBufferSize(videoW: number, videoH: number, cssW: number, cssH: number, dpr: number): [number, number] {
  const ratio = Math.min(2, dpr > 0 ? dpr : 1);
  const fullW = Math.max(1, Math.round(cssW * ratio));
  const fullH = Math.max(1, Math.round(cssH * ratio));
  if (videoW <= 0 || videoH <= 0) return [fullW, fullH];
  const [sx] = fitScale(videoW, videoH, fullW, fullH);
  const k = Math.min(1, videoW / (fullW * sx));
  return [Math.max(1, Math.round(fullW * k)), Math.max(1, Math.round(fullH * k))];
}

export class OverlayRenderer {
  readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly material: THREE.ShaderMaterial;
  private readonly mesh: THREE.Mesh;
  private readonly paletteTexture: THREE.DataTexture;
  private maskTexture: THREE.DataTexture | null = null;
  private videoTexture: THREE.Texture | null = null;
  private source: DisplaySource | null = null;
  private readonly drawingBufferSize = new THREE.Vector2();
  /** Something changed since the last draw. */
  private dirty = true;
  private watchedVideo: HTMLVideoElement | null = null;
  private videoCallbackId = 0;
  /** The video presented a frame that is not in the video texture yet. */
  private videoFrameWaiting = false;
  private readonly videoUploads = new UploadPacer(VIDEO_UPLOAD_SHARE);

  constructor(private readonly canvas: HTMLCanvasElement, palette: Uint8Array) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, alpha: false, powerPreference: 'high-performance' });
    // Raw pass-through: video and palette colours are already display values.
    this.renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
    this.renderer.setPixelRatio(1); // resize() sets the drawing buffer in device pixels
    this.paletteTexture = new THREE.DataTexture(new Uint8Array(PALETTE_SIZE * 4), PALETTE_SIZE, 1, THREE.RGBAFormat, THREE.UnsignedByteType);
    this.configureNearest(this.paletteTexture);
    this.setPalette(palette);
    this.material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader,
      fragmentShader,
      uniforms: {
        uVideo: { value: null },
        uMask: { value: null },
        uPalette: { value: this.paletteTexture },
        uOpacity: { value: 0.55 },
        uHasMask: { value: false },
        uHasVideo: { value: false },
        uVideoTopFirst: { value: false },
        uScale: { value: new THREE.Vector2(1, 1) },
      },
      depthTest: false,
      depthWrite: false,
    });
    this.mesh = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), this.material);
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

  setOpacity(opacity: number): void {
    this.material.uniforms['uOpacity']!.value = Math.min(1, Math.max(0, opacity));
    this.dirty = true;
  }

  /** Notes each new frame the video presents; render() uploads it when the pacer allows. */
  private watchVideo(element: HTMLVideoElement | null): void {
    if (this.watchedVideo === element) return;
    this.watchedVideo?.cancelVideoFrameCallback(this.videoCallbackId);
    this.watchedVideo = element;
    this.videoFrameWaiting = false;
    this.videoUploads.reset();
    if (!element) return;
    const onFrame = (): void => {
      this.videoFrameWaiting = true;
      if (this.watchedVideo === element) this.videoCallbackId = element.requestVideoFrameCallback(onFrame);
    };
    this.videoCallbackId = element.requestVideoFrameCallback(onFrame);
  }

  /** Shows a live video element, or a still image (labelled sequence, synced mode). */
  setDisplaySource(source: DisplaySource | null): void {
    if (source?.kind === 'video' && this.source?.kind === 'video' && this.source.element === source.element) return;
    if (source?.kind === 'image' && this.source?.kind === 'image' && this.source.image === source.image) return;
    this.dirty = true;
    this.watchVideo(source?.kind === 'video' ? source.element : null);
    if (source?.kind === 'image' && this.videoTexture && this.source?.kind === 'image') {
      const old = this.videoTexture.image as ImageBitmap | null;
      const sameSize = old && old.width === source.image.width && old.height === source.image.height;
      if (sameSize) {
        // Same size: swap the image and re-upload; the texture object is reused.
        this.videoTexture.image = source.image;
        this.videoTexture.needsUpdate = true;
        this.source = source;
        return;
      }
    }
    this.videoTexture?.dispose();
    this.videoTexture = null;
    this.source = source;
    if (source?.kind === 'video') {
      this.videoTexture = this.createVideoTexture(source.element);
    } else if (source?.kind === 'image') {
      this.videoTexture = new THREE.Texture(source.image);
      this.videoTexture.colorSpace = THREE.NoColorSpace;
      this.videoTexture.generateMipmaps = false;
      this.videoTexture.minFilter = THREE.LinearFilter;
      this.videoTexture.flipY = false;
      this.videoTexture.needsUpdate = true;
    }
    const u = this.material.uniforms;
    u['uVideo']!.value = this.videoTexture;
    u['uHasVideo']!.value = this.videoTexture !== null;
    u['uVideoTopFirst']!.value = source?.kind === 'image';
  }

  /**
   * The video as a texture that takes in a new frame only on setFrame(), which render() calls when
   * the pacer allows (THREE.VideoTexture uploads every frame the video presents). Fed the element
   * itself, it is uploaded as VideoTexture is: texImage2D from the video, at the video's size.
   */
  private createVideoTexture(video: HTMLVideoElement): THREE.VideoFrameTexture {
    const texture = new THREE.VideoFrameTexture();
    texture.colorSpace = THREE.NoColorSpace;
    texture.generateMipmaps = false;
    texture.minFilter = THREE.LinearFilter;
    texture.setFrame(video);
    return texture;
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
      this.material.uniforms['uHasMask']!.value = true;
    }
    (texture.image.data as Uint8Array).set(mask.subarray(0, width * height));
    texture.needsUpdate = true;
    this.renderer.initTexture(texture); // upload now, so the cost is measured here, not in render
    this.dirty = true;
    return performance.now() - t0;
  }

  /** The mask currently shown (the renderer's own copy), for automation and tests. */
  currentMask(): { data: Uint8Array; width: number; height: number } | null {
    const t = this.maskTexture;
    if (!t) return null;
    return { data: t.image.data as Uint8Array, width: t.image.width, height: t.image.height };
  }

  clearMask(): void {
    this.material.uniforms['uHasMask']!.value = false;
    this.dirty = true;
  }

  private sourceSize(): [number, number] {
    const s = this.source;
    if (!s) return [16, 9];
    if (s.kind === 'video') return [s.element.videoWidth, s.element.videoHeight];
    return [s.image.width, s.image.height];
  }

  /** Matches the drawing buffer to the canvas's CSS size and the source's resolution (drawingBufferSize). */
  resize(): void {
    const [vw, vh] = this.source ? this.sourceSize() : [0, 0];
    const [w, h] = drawingBufferSize(vw, vh, this.canvas.clientWidth, this.canvas.clientHeight, window.devicePixelRatio || 1);
    const size = this.renderer.getSize(this.drawingBufferSize);
    if (size.x !== w || size.y !== h) {
      this.renderer.setSize(w, h, false);
      this.dirty = true;
    }
  }

  /**
   * Draws if anything changed since the last draw, taking in the video's newest frame when the
   * upload pacer allows; returns null when the picture is unchanged.
   */
  render(): RenderTiming | null {
    const t0 = performance.now();
    const video = this.source?.kind === 'video' ? this.source.element : null;
    const texture = this.videoTexture instanceof THREE.VideoFrameTexture ? this.videoTexture : null;
    const uploadVideo = video !== null && texture !== null && this.videoFrameWaiting && this.videoUploads.ready(t0);
    if (!this.dirty && !uploadVideo) return null;
    this.dirty = false;
    let videoUploadMs: number | null = null;
    if (uploadVideo) {
      this.videoFrameWaiting = false;
      texture.setFrame(video);
      this.renderer.initTexture(texture); // upload now, so the draw below is timed on its own
      videoUploadMs = performance.now() - t0;
    }
    const drawStart = performance.now();
    const [vw, vh] = this.sourceSize();
    const [sx, sy] = fitScale(vw, vh, this.canvas.clientWidth || 1, this.canvas.clientHeight || 1);
    (this.material.uniforms['uScale']!.value as THREE.Vector2).set(sx, sy);
    this.renderer.render(this.scene, this.camera);
    const end = performance.now();
    if (uploadVideo) this.videoUploads.record(t0, end - t0);
    return { renderMs: end - drawStart, videoUploadMs };
  }

  /** three.js resource counters (textures, geometries) for the soak benchmark. */
  memoryInfo(): { textures: number; geometries: number; programs: number } {
    const info = this.renderer.info;
    return { textures: info.memory.textures, geometries: info.memory.geometries, programs: info.programs?.length ?? 0 };
  }

  dispose(): void {
    this.watchVideo(null);
    this.videoTexture?.dispose();
    this.maskTexture?.dispose();
    this.paletteTexture.dispose();
    this.material.dispose();
    this.mesh.geometry.dispose();
    this.renderer.dispose();
  }
}
