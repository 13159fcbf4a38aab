import type { Plugin } from 'vite';

// @mediapipe/camera_utils is closure-compiled: no ESM/CJS exports, it only sets
// globalThis.Camera, and its package.json claims "sideEffects": []. Appending an
// ESM export makes `import { Camera } from '@mediapipe/camera_utils'` work in dev
// and build (the package's own index.d.ts already types that named import).
// Needs optimizeDeps.exclude for the package, or the dev pre-bundler bypasses this.
const CAMERA_UTILS_FILE = /[\\/]node_modules[\\/]@mediapipe[\\/]camera_utils[\\/]camera_utils\.js(\?.*)?$/;

export function mediapipeCameraUtils(): Plugin {
  return {
    name: 'dashseg:mediapipe-camera-utils',
    enforce: 'pre',
    transform(code, id) {
      if (!CAMERA_UTILS_FILE.test(id)) return null;
      return {
        code: `${code}\nexport const Camera = globalThis.Camera;\n`,
        map: null,
        // The IIFE above is the side effect that defines Camera; keep it in the build.
        moduleSideEffects: true,
      };
    },
  };
}
