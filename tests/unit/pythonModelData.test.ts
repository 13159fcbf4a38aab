// Runs the Python unit tests of models/ (CamVid loader bad-input checks, metrics, checkpoint loading,
// the training start-up) with Debian's python3, so the training/eval scripts' checks are part of
// `npm test`. Each Python test is one test here (its JSON line from tests/python/run_tests.py), so
// the summary line counts them, skipped ones included.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface PythonTestLine {
  readonly test: string;
  readonly status: 'ok' | 'fail' | 'error' | 'skipped';
  readonly detail: string;
}

/** Runs the suite once, at collection time (vitest needs the test names before it runs them). */
function runPythonSuite(): { lines: PythonTestLine[]; problem: string | null } {
  const result = spawnSync('/usr/bin/python3', ['tests/python/run_tests.py'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (result.error) return { lines: [], problem: `python3 could not be run: ${result.error.message}` };
  const lines: PythonTestLine[] = [];
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as PythonTestLine);
    } catch {
      return { lines, problem: `unreadable result line: ${line}` };
    }
  }
  if (lines.length === 0) return { lines, problem: `no Python test ran (exit ${String(result.status)}): ${result.stdout}${result.stderr}` };
  const failedLines = lines.filter((l) => l.status === 'fail' || l.status === 'error').length;
  if (result.status !== 0 && failedLines === 0) return { lines, problem: `the runner exited ${String(result.status)}: ${result.stderr}` };
  return { lines, problem: null };
}

const suite = runPythonSuite();

describe('models/ Python tests (tests/python)', () => {
  if (suite.problem) {
    it('the Python suite runs', () => {
      throw new Error(suite.problem ?? '');
    });
  }
  for (const t of suite.lines) {
    if (t.status === 'skipped') it.skip(`${t.test} (skipped: ${t.detail})`, () => undefined);
    else it(t.test, () => expect(t.status, t.detail).toBe('ok'));
  }
});
