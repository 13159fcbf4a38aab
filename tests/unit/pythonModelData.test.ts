// Runs the Python unit tests of models/ (CamVid loader bad-input checks, metrics) with Debian's
// python3, so the training/eval scripts' input validation is part of `npm test`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('models/ Python data loading and metrics', () => {
  it('passes its unittest suite (tests/python)', () => {
    const result = spawnSync('/usr/bin/python3', ['-m', 'unittest', '-v', 'tests/python/test_camvid_dataset.py'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.error, output).toBeUndefined();
    expect(result.status, output).toBe(0);
    expect(output).toMatch(/Ran \d+ tests/);
    expect(output).toMatch(/\nOK\s*$/);
  });
});
