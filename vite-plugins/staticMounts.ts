import { createReadStream, existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Connect, Plugin, ResolvedConfig } from 'vite';

/** A directory on disk served under a URL prefix in dev and copied into outDir at build. */
export interface StaticMount {
  /** URL prefix with leading and trailing slash, e.g. '/ort/'. Also the folder name inside outDir. */
  urlPrefix: string;
  /** Absolute directory on disk. */
  dir: string;
  /** Which files (path relative to dir, '/'-separated) are served and copied. */
  include: (relativePath: string) => boolean;
  /** Descend into sub-directories. */
  recursive: boolean;
  /** Only warn (not fail) when dir is missing at build time. */
  optional?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.y4m': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Maps a request path to a file inside the mount, or null (outside, filtered out, traversal). */
export function resolveMountedFile(mount: StaticMount, urlPath: string): string | null {
  if (!urlPath.startsWith(mount.urlPrefix)) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.slice(mount.urlPrefix.length));
  } catch {
    return null;
  }
  const parts = relative.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.') || p.includes('\\'))) return null;
  if (!mount.recursive && parts.length !== 1) return null;
  if (!mount.include(relative)) return null;
  return path.join(mount.dir, ...parts);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string>): void {
  const size = statSync(file).size;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', contentType(file));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'no-cache');
  // <video> seeks with Range requests; answer a single byte range.
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  if (range) {
    const [, a = '', b = ''] = range;
    if (a === '') {
      start = Math.max(0, size - Number(b));
    } else {
      start = Number(a);
      if (b !== '') end = Math.min(end, Number(b));
    }
    if (start > end || start >= size) {
      res.statusCode = 416;
      res.setHeader('Content-Range', `bytes */${size}`);
      res.end();
      return;
    }
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  }
  res.setHeader('Content-Length', String(end - start + 1));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file, { start, end }).pipe(res);
}

function mountMiddleware(mounts: StaticMount[], headers: Record<string, string>): Connect.NextHandleFunction {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const urlPath = (req.url ?? '').split(/[?#]/, 1)[0] ?? '';
    const mount = mounts.find((m) => urlPath.startsWith(m.urlPrefix));
    if (!mount) return next();
    const file = resolveMountedFile(mount, urlPath);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      // Answer 404 inside our prefixes instead of Vite's SPA fallback (index.html),
      // so a missing model or wasm file fails loudly.
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`Not found: ${urlPath}${mount.optional ? ' (run `npm run fetch-samples`?)' : ''}\n`);
      return;
    }
    sendFile(req, res, file, headers);
  };
}

async function listFiles(dir: string, recursive: boolean, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (recursive) out.push(...(await listFiles(path.join(dir, entry.name), true, rel)));
    } else if (entry.isFile()) {
      out.push(rel);
    }
  }
  return out;
}

/**
 * Serves each mount from disk in `vite` dev (with the given headers) and copies the
 * included files into `<outDir><urlPrefix>` after `vite build`, so `vite preview`
 * and any static host serve the same URLs.
 */
export function staticMounts(mounts: StaticMount[], devHeaders: Record<string, string>): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'dashseg:static-mounts',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      // Added directly (not returned), so it runs before Vite's own static/transform middlewares.
      server.middlewares.use(mountMiddleware(mounts, devHeaders));
    },
    async writeBundle() {
      if (config.command !== 'build' || this.environment.name !== 'client') return;
      const outDir = path.resolve(config.root, config.build.outDir);
      for (const mount of mounts) {
        if (!existsSync(mount.dir)) {
          const message = `static mount ${mount.urlPrefix}: ${mount.dir} does not exist`;
          if (mount.optional) {
            config.logger.warn(`[dashseg] ${message}; skipped`);
            continue;
          }
          this.error(message);
        }
        const files = (await listFiles(mount.dir, mount.recursive)).filter((f) => mount.include(f));
        for (const rel of files) {
          const target = path.join(outDir, mount.urlPrefix, ...rel.split('/'));
          await mkdir(path.dirname(target), { recursive: true });
          await copyFile(path.join(mount.dir, ...rel.split('/')), target);
        }
        config.logger.info(`[dashseg] copied ${files.length} file(s) to ${path.posix.join(path.basename(outDir), mount.urlPrefix)}`);
      }
    },
  };
}
