// A Vite Logger for Vite's JavaScript API (preview(), createBuilder()) run inside a CLI or a test:
// info is dropped, warnings and errors go to a callback one message at a time, never to stdout (which
// carries the CLIs' results), without colour codes.

import { stripVTControlCharacters } from 'node:util';
import type { Logger } from 'vite';

export function lineLogger(onMessage: (message: string) => void): Logger {
  const onLine = (msg: string): void => onMessage(stripVTControlCharacters(msg));
  const warned = new Set<string>();
  const loggedErrors = new WeakSet<Error>();
  const logger: Logger = {
    hasWarned: false,
    info: () => undefined,
    warn(msg) {
      logger.hasWarned = true;
      onLine(msg);
    },
    warnOnce(msg) {
      if (warned.has(msg)) return;
      warned.add(msg);
      logger.warn(msg);
    },
    error(msg, options) {
      logger.hasWarned = true;
      if (options?.error) loggedErrors.add(options.error as Error);
      onLine(msg);
    },
    clearScreen: () => undefined,
    hasErrorLogged: (error) => loggedErrors.has(error as Error),
  };
  return logger;
}
