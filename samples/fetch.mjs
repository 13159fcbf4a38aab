#!/usr/bin/env node
// Puts the sample media listed in samples/manifest.json under samples/data/ (gitignored):
// copies from ../shared when it is there, otherwise downloads from the original public
// source; every file is checked against its sha256 before it is moved into place.
// Idempotent: files already present with the right hash are left alone, so a second
// run only hashes (~0.1 s). Also writes samples/data/camvid-val/sequence.json.
//
//   node samples/fetch.mjs            # fetch what is missing, verify everything
//   node samples/fetch.mjs --quiet    # print only problems
// Environment: DASHSEG_SHARED=<dir> overrides the ../shared location.

import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedDir = path.resolve(projectRoot, process.env.DASHSEG_SHARED ?? '../shared');
const quiet = process.argv.includes('--quiet');
const DOWNLOAD_CONCURRENCY = 6;
const DOWNLOAD_TIMEOUT_MS = 120_000;

const log = (msg) => {
  if (!quiet) console.log(`[samples] ${msg}`);
};

class FetchError extends Error {}

async function sha256File(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

async function hashIfPresent(file) {
  try {
    if (!(await stat(file)).isFile()) return null;
  } catch {
    return null;
  }
  return sha256File(file);
}

/** Writes `dest` from `produce(tmp)` only if the result hashes to `sha256`; never leaves a bad file. */
async function installVerified(dest, sha256, produce, what) {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${process.pid}`;
  try {
    await produce(tmp);
    const actual = await sha256File(tmp);
    if (actual !== sha256) {
      throw new FetchError(`sha256 mismatch for ${what}: expected ${sha256}, got ${actual}`);
    }
    await rename(tmp, dest);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function download(url, tmp) {
  let response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
    throw new FetchError(
      `could not download ${url} (${cause}).\n` +
        `  Are you offline? Either connect to the internet, or put the shared/ folder beside the\n` +
        `  project (expected at ${sharedDir}) and run \`npm run fetch-samples\` again.`,
    );
  }
  if (!response.ok) throw new FetchError(`could not download ${url}: HTTP ${response.status} ${response.statusText}`);
  await writeFile(tmp, Buffer.from(await response.arrayBuffer()));
}

/** Copies from shared/ when the file is there, else downloads; returns 'copied' | 'downloaded'. */
async function acquire(dest, sha256, sharedFile, url, what) {
  if (sharedFile && existsSync(sharedFile)) {
    await installVerified(dest, sha256, (tmp) => copyFile(sharedFile, tmp), `${what} (copied from ${sharedFile})`);
    return 'copied';
  }
  await installVerified(dest, sha256, (tmp) => download(url, tmp), `${what} (downloaded from ${url})`);
  return 'downloaded';
}

async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

async function fetchFile(item) {
  const dest = path.join(projectRoot, item.destination);
  if ((await hashIfPresent(dest)) === item.sha256) return `${item.id}: present`;
  const how = await acquire(dest, item.sha256, path.join(sharedDir, item.shared), item.source.url, item.id);
  return `${item.id}: ${how} to ${item.destination}`;
}

function combinedSha256(files) {
  const lines = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  return createHash('sha256').update(lines).digest('hex');
}

async function fetchFileSet(item) {
  if (combinedSha256(item.files) !== item.sha256) {
    throw new FetchError(`${item.id}: manifest is inconsistent (files[] do not hash to sha256)`);
  }
  const destDir = path.join(projectRoot, item.destination);
  const folderFor = (subdir) => {
    const folder = item.folders[subdir];
    if (!folder) throw new FetchError(`${item.id}: no source folder for ${subdir}/ in manifest`);
    return folder;
  };
  const outcomes = await mapLimit(item.files, DOWNLOAD_CONCURRENCY, async (file) => {
    const dest = path.join(destDir, ...file.path.split('/'));
    if ((await hashIfPresent(dest)) === file.sha256) return 'present';
    const [subdir, name] = file.path.split('/');
    const sourceRel = `${folderFor(subdir)}/${name}`;
    return acquire(
      dest,
      file.sha256,
      path.join(sharedDir, item.shared, ...sourceRel.split('/')),
      `${item.source.urlBase}${sourceRel}`,
      `${item.id}/${file.path}`,
    );
  });
  await writeSequence(item, destDir);
  const counts = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  const summary = Object.entries(counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return `${item.id}: ${item.files.length} files (${summary}) in ${item.destination}`;
}

/** sequence.json: frame list for the labelled-sequence mode; paths are relative to this file. */
async function writeSequence(item, destDir) {
  const { sequence } = item;
  const names = item.files
    .filter((f) => f.path.startsWith('images/'))
    .map((f) => f.path.slice('images/'.length).replace(/\.png$/, ''))
    .sort();
  const content = `${JSON.stringify(
    {
      id: item.id,
      fps: sequence.fps,
      width: sequence.width,
      height: sequence.height,
      labels: 'label PNG pixel = CamVid class id 0..10, 11 = void',
      frames: names.map((name) => ({ name, image: `images/${name}.png`, label: `labels/${name}.png` })),
    },
    null,
    2,
  )}\n`;
  const file = path.join(destDir, sequence.file);
  const existing = existsSync(file) ? await readFile(file, 'utf8') : null;
  if (existing !== content) await writeFile(file, content);
}

async function main() {
  const started = performance.now();
  const manifest = JSON.parse(await readFile(path.join(projectRoot, 'samples', 'manifest.json'), 'utf8'));
  let failed = false;
  for (const item of manifest.items) {
    try {
      if (item.kind === 'file') log(await fetchFile(item));
      else if (item.kind === 'file-set') log(await fetchFileSet(item));
      else throw new FetchError(`${item.id}: unknown kind ${JSON.stringify(item.kind)}`);
    } catch (error) {
      failed = true;
      console.error(`[samples] ERROR ${item.id}: ${error instanceof FetchError ? error.message : error?.stack ?? error}`);
    }
  }
  if (failed) {
    console.error('[samples] some samples are missing; see the errors above.');
    process.exit(1);
  }
  log(`all samples ready in samples/data/ (${Math.round(performance.now() - started)} ms)`);
}

await main();
