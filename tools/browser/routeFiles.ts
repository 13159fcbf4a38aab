// Hands local files to a page without another server: requests under a URL path prefix (same
// origin as the page, so COEP/CSP allow them) are answered from disk by playwright's route().
// Routed on the BrowserContext, so fetches from the page's workers (the model) are covered too.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page, Route } from 'playwright-core';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.y4m': 'application/octet-stream',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** URL path of `key` under `prefix`: each '/'-separated part of the key is percent-encoded. */
export function routedUrlPath(prefix: string, key: string): string {
  return prefix + key.split('/').map(encodeURIComponent).join('/');
}

export interface RoutedFiles {
  /** URL path (prefix + encoded key) at which `key` is served. */
  urlPath(key: string): string;
  /** Stops routing. */
  dispose(): Promise<void>;
}

/**
 * Serves `files` (URL key → absolute path on disk) at routedUrlPath(prefix, key). Only
 * listed keys are served (no path is built from the URL); anything else under the prefix is a 404,
 * and a file that cannot be read answers 404 with the reason, which the page can show.
 * `prefix` is a URL path like '/__eval__/'.
 */
export async function routeLocalFiles(
  target: BrowserContext | Page,
  prefix: string,
  files: ReadonlyMap<string, string>,
): Promise<RoutedFiles> {
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`route prefix must start and end with "/": ${prefix}`);
  const matcher = (url: URL): boolean => url.pathname.startsWith(prefix);
  const handler = async (route: Route): Promise<void> => {
    const pathname = new URL(route.request().url()).pathname;
    let key: string;
    try {
      key = decodeURIComponent(pathname.slice(prefix.length));
    } catch {
      key = '';
    }
    const file = files.get(key);
    if (file === undefined) {
      await route.fulfill({ status: 404, contentType: 'text/plain', body: `not served: ${pathname}` });
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch (err) {
      await route.fulfill({ status: 404, contentType: 'text/plain', body: (err as Error).message });
      return;
    }
    await route.fulfill({
      status: 200,
      contentType: contentTypeOf(file),
      headers: { 'Cache-Control': 'no-store', 'Cross-Origin-Resource-Policy': 'same-origin' },
      body,
    });
  };
  await target.route(matcher, handler);
  return {
    urlPath: (key) => routedUrlPath(prefix, key),
    dispose: () => target.unroute(matcher, handler),
  };
}
