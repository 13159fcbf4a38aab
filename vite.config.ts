import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { serverHeaders } from './vite-plugins/headers.ts';
import { mediapipeCameraUtils } from './vite-plugins/mediapipeCameraUtils.ts';
import { staticMounts } from './vite-plugins/staticMounts.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// onnxruntime-web's dist/ folder (its exports map has no ./package.json, but lists the wasm files).
const ortDist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));

// Runtime files that ORT loads from `ort.env.wasm.wasmPaths` ('/ort/'):
//   onnxruntime-web/wasm   (ort.wasm.min.mjs)   -> ort-wasm-simd-threaded.{mjs,wasm}
//   onnxruntime-web/webgpu (ort.webgpu.min.mjs) -> ort-wasm-simd-threaded.asyncify.{mjs,wasm}
//   onnxruntime-web        (ort.min.mjs)        -> ort-wasm-simd-threaded.jsep.{mjs,wasm}
// (The JSPI variant is left out: nothing here uses it.)
const ORT_RUNTIME_FILE = /^ort-wasm-simd-threaded(\.asyncify|\.jsep)?\.(mjs|wasm)$/;

export default defineConfig({
  root,
  // Two real pages (index.html, eval.html); an unknown path is a 404, not index.html, so a missing
  // model or video is reported as missing.
  appType: 'mpa',
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    headers: { ...serverHeaders },
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    headers: { ...serverHeaders },
  },
  resolve: {
    // Pick ORT's "extern wasm" builds (ort.wasm.min.mjs, ...) instead of the *.bundle.min.mjs
    // ones: they load the Emscripten loader + .wasm from wasmPaths ('/ort/') at run time, so
    // Vite neither inlines the loader nor emits a second 14-28 MB copy of the .wasm as an asset.
    conditions: [...defaultClientConditions, 'onnxruntime-web-use-extern-wasm'],
  },
  optimizeDeps: {
    // ORT is loaded as-is (see above); camera_utils must go through mediapipeCameraUtils().
    exclude: ['onnxruntime-web', '@mediapipe/camera_utils'],
  },
  worker: {
    format: 'es',
    plugins: () => [mediapipeCameraUtils()],
  },
  build: {
    target: 'es2022',
    // ORT's .mjs builds are large; the real weight lives in /ort/*.wasm anyway.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // eval.html: the headless page behind `npm run eval` (src/eval/evalPage.ts).
      input: {
        index: path.join(root, 'index.html'),
        eval: path.join(root, 'eval.html'),
      },
    },
  },
  plugins: [
    mediapipeCameraUtils(),
    staticMounts(
      [
        { urlPrefix: '/ort/', dir: ortDist, include: (f) => ORT_RUNTIME_FILE.test(f), recursive: false },
        // The exported models and their contracts: models/<name>.onnx + models/<name>.json.
        {
          urlPrefix: '/models/',
          dir: path.join(root, 'models'),
          include: (f) => /\.(onnx|json)$/.test(f),
          recursive: false,
          optional: true,
        },
        // Sample media written by `npm run fetch-samples` (gitignored).
        { urlPrefix: '/samples/', dir: path.join(root, 'samples', 'data'), include: () => true, recursive: true, optional: true },
      ],
      { ...serverHeaders },
    ),
  ],
});
