// Collects what a page (and its workers) print, so a CLI or test can show the browser's side of a
// failure: console errors and warnings, uncaught exceptions, failed requests.

import type { ConsoleMessage, Page } from 'playwright-core';

export interface BrowserLog {
  /** Every collected line, oldest first (at most `limit`; older lines are dropped). */
  lines(): string[];
  /** Only errors (console.error, uncaught exceptions, failed requests). */
  errors(): string[];
  clear(): void;
  dispose(): void;
}

export interface BrowserLogOptions {
  /** Keep console.log/info/debug lines too (default: errors and warnings only). */
  readonly verbose?: boolean;
  readonly limit?: number;
  /** Called for each line as it arrives (e.g. to echo it with --verbose). */
  readonly onLine?: (line: string, isError: boolean) => void;
}

export function collectBrowserLog(page: Page, options: BrowserLogOptions = {}): BrowserLog {
  const limit = options.limit ?? 200;
  const entries: { line: string; isError: boolean }[] = [];
  const add = (line: string, isError: boolean): void => {
    entries.push({ line, isError });
    if (entries.length > limit) entries.shift();
    options.onLine?.(line, isError);
  };
  // Console messages of the page's dedicated workers arrive here too (msg.worker() tells which).
  const onConsole = (msg: ConsoleMessage): void => {
    const worker = msg.worker();
    const where = worker ? `worker ${shortUrl(worker.url())}` : 'page';
    const type = msg.type();
    const isError = type === 'error';
    if (!isError && type !== 'warning' && !options.verbose) return;
    const loc = msg.location();
    const at = loc.url ? ` (${shortUrl(loc.url)}${loc.lineNumber ? `:${loc.lineNumber}` : ''})` : '';
    add(`[${where} ${type}] ${msg.text()}${at}`, isError);
  };
  const onPageError = (err: Error): void => add(`[page uncaught] ${err.message}`, true);
  const onRequestFailed = (request: { url(): string; failure(): { errorText: string } | null }): void => {
    add(`[request failed] ${shortUrl(request.url())}: ${request.failure()?.errorText ?? 'unknown error'}`, true);
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('requestfailed', onRequestFailed);
  return {
    lines: () => entries.map((e) => e.line),
    errors: () => entries.filter((e) => e.isError).map((e) => e.line),
    clear: () => {
      entries.length = 0;
    },
    dispose: () => {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
      page.off('requestfailed', onRequestFailed);
    },
  };
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.pathname + u.search : url;
  } catch {
    return url;
  }
}
