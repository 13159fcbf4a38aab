#!/usr/bin/env node
// `npm test`: make sure the samples are there, build the app (type check + vite build,
// which the e2e tests serve), run every vitest project, then print one plain summary
// line computed from the JSON report:  "N passed, N failed[, N skipped]".
// Exits non-zero when anything failed or when no test ran.
//
//   npm test                      # everything
//   npm test -- --no-build        # skip the build (unit iterations)
//   npm test -- --project unit    # other arguments go to `vitest run`

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reportFile = path.join('test-results', 'vitest.json');
const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const vitestArgs = args.filter((a) => a !== '--no-build');

function run(command, commandArgs, label) {
  console.log(`\n> ${label}`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function step(command, commandArgs, label) {
  const status = run(command, commandArgs, label);
  if (status !== 0) {
    console.error(`\n${label} failed (exit ${status})`);
    console.log('0 passed, 0 failed (tests did not run)');
    process.exit(status);
  }
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

step(process.execPath, ['samples/fetch.mjs', '--quiet'], 'fetch samples');
if (!skipBuild) {
  step(bin('tsc'), ['--noEmit'], 'tsc --noEmit');
  step(bin('vite'), ['build', '--logLevel', 'warn'], 'vite build');
}

mkdirSync(path.join(root, 'test-results'), { recursive: true });
rmSync(path.join(root, reportFile), { force: true });
const vitestStatus = run(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile=${reportFile}`, ...vitestArgs],
  'vitest run',
);

if (!existsSync(path.join(root, reportFile))) {
  console.error(`vitest wrote no report (${reportFile}); exit ${vitestStatus}`);
  console.log('0 passed, 0 failed (no report)');
  process.exit(vitestStatus || 1);
}
const report = JSON.parse(readFileSync(path.join(root, reportFile), 'utf8'));
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A test file that throws while loading has no failed test, only a failed suite.
const brokenFiles = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0);
for (const file of brokenFiles) {
  console.log(`FAILED TO LOAD: ${path.relative(root, file.name)}${file.message ? `: ${file.message.split('\n')[0]}` : ''}`);
}

if (passed === 0 && failed === 0) console.log('no test ran');
// The summary stays the last line of the output.
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
const ok = vitestStatus === 0 && failed === 0 && brokenFiles.length === 0 && passed > 0;
process.exit(ok ? 0 : 1);
