// HTTP headers for the dev and preview servers (and what a static host should send).
// COOP + COEP make the page crossOriginIsolated, which onnxruntime-web needs for
// SharedArrayBuffer, i.e. multi-threaded WASM inference.

export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * 'wasm-unsafe-eval' lets ORT compile its .wasm without allowing JS eval; worker-src blob:
 * covers workers created from blob URLs. Vite's dev HMR socket needs no ws: entry:
 * in CSP3 'self' also matches same-origin ws: (checked in headless Chromium).
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

export const serverHeaders: Readonly<Record<string, string>> = {
  ...crossOriginIsolationHeaders,
  'Content-Security-Policy': contentSecurityPolicy,
};
