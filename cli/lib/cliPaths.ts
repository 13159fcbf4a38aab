// Paths the user types, and paths shown back to the user, for the CLIs: relative to where `npm run`
// was started (npm runs scripts in the project root and passes the original folder in INIT_CWD).

import path from 'node:path';

export interface CliPaths {
  readonly cwd: string;
  /** Resolves a path the user typed. */
  readonly fromCwd: (p: string) => string;
  /** A path as the user should see it: relative to the working folder when inside it. */
  readonly show: (absolute: string) => string;
}

/** `script`: the npm script name (e.g. "bench"), to tell `npm run bench` from a direct `tsx` run. */
export function cliPaths(script: string): CliPaths {
  const cwd = process.env['npm_lifecycle_event'] === script && process.env['INIT_CWD'] ? process.env['INIT_CWD'] : process.cwd();
  return {
    cwd,
    fromCwd: (p) => path.resolve(cwd, p),
    show: (absolute) => {
      const rel = path.relative(cwd, absolute);
      return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
    },
  };
}
