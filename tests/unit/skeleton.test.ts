// Smoke tests for the project skeleton: server headers, static mounts, samples manifest.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, UserConfig } from 'vite';
import { describe, expect, it } from 'vitest';
import config from '../../vite.config.ts';
import { resolveMountedFile, type StaticMount } from '../../vite-plugins/staticMounts.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const viteConfig = config as UserConfig;

describe('vite config', () => {
  it.each([
    ['dev', viteConfig.server?.headers],
    ['preview', viteConfig.preview?.headers],
  ])('%s server is cross-origin isolated and sends a CSP', (_name, headers) => {
    expect(headers).toMatchObject({
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    const csp = String((headers as Record<string, string>)['Content-Security-Policy']);
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).not.toContain("'unsafe-eval'");
  });

  it('keeps ORT and camera_utils out of the dep pre-bundler and builds ES workers', () => {
    expect(viteConfig.optimizeDeps?.exclude).toEqual(expect.arrayContaining(['onnxruntime-web', '@mediapipe/camera_utils']));
    expect(viteConfig.worker?.format).toBe('es');
    expect(viteConfig.resolve?.conditions).toContain('onnxruntime-web-use-extern-wasm');
  });

  it('appends a Camera export to @mediapipe/camera_utils only', () => {
    const plugin = (viteConfig.plugins as Plugin[]).find((p) => p.name === 'dashseg:mediapipe-camera-utils');
    const transform = plugin?.transform as (code: string, id: string) => { code: string } | null;
    const id = path.join(root, 'node_modules/@mediapipe/camera_utils/camera_utils.js');
    expect(transform('(function(){})();', id)?.code).toMatch(/export const Camera = globalThis\.Camera;\s*$/);
    expect(transform('x', path.join(root, 'src/main.ts'))).toBeNull();
  });
});

describe('static mounts', () => {
  const mount: StaticMount = { urlPrefix: '/models/', dir: '/srv/models', include: (f) => f.endsWith('.onnx'), recursive: false };

  it('maps included files and rejects everything else', () => {
    expect(resolveMountedFile(mount, '/models/net.onnx')).toBe(path.join('/srv/models', 'net.onnx'));
    expect(resolveMountedFile(mount, '/models/train.py')).toBeNull();
    expect(resolveMountedFile(mount, '/models/../package.onnx')).toBeNull();
    expect(resolveMountedFile(mount, '/models/%2e%2e/x.onnx')).toBeNull();
    expect(resolveMountedFile(mount, '/models/sub/x.onnx')).toBeNull();
    expect(resolveMountedFile(mount, '/other/x.onnx')).toBeNull();
  });
});

describe('samples manifest', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'samples/manifest.json'), 'utf8')) as {
    items: { id: string; kind: string; sha256: string; destination: string; files?: { path: string; sha256: string }[] }[];
  };

  it('lists the dashcam clip and the 101 labelled CamVid frames', () => {
    expect(manifest.items.map((i) => i.id)).toEqual(['dashcam-solidWhiteRight', 'camvid-val']);
    const camvid = manifest.items.find((i) => i.id === 'camvid-val');
    expect(camvid?.files?.filter((f) => f.path.startsWith('images/'))).toHaveLength(101);
    expect(camvid?.files?.filter((f) => f.path.startsWith('labels/'))).toHaveLength(101);
    for (const item of manifest.items) expect(item.destination.startsWith('samples/data/')).toBe(true);
  });

  it('file-set sha256 is the hash of its sorted per-file listing', () => {
    const camvid = manifest.items.find((i) => i.id === 'camvid-val');
    const listing = [...(camvid?.files ?? [])]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((f) => `${f.sha256}  ${f.path}\n`)
      .join('');
    expect(createHash('sha256').update(listing).digest('hex')).toBe(camvid?.sha256);
  });
});
