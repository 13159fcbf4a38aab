// Output files appear whole or not at all: each is written to a temporary file in the same folder,
// flushed, then renamed over the target (rename is atomic within a file system). A run writes all
// its temporaries before renaming any, so a failure while writing leaves no output behind.

import { randomBytes } from 'node:crypto';
import { constants, accessSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors.ts';

export interface OutputFile {
  readonly path: string;
  readonly data: string | Uint8Array;
}

function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function writeFlushed(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'wx'); // never follows or reuses an existing file
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes one file atomically. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await writeFilesAtomic([{ path: file, data }]);
}

/**
 * Writes every file, or none: all temporaries are written first (a failure removes them and
 * throws CliError naming the file); only then are they renamed into place.
 */
export async function writeFilesAtomic(files: readonly OutputFile[]): Promise<void> {
  const temps: { temp: string; target: string }[] = [];
  try {
    for (const file of files) {
      const target = path.resolve(file.path);
      const temp = tempPathFor(target);
      temps.push({ temp, target });
      try {
        await writeFlushed(temp, file.data);
      } catch (err) {
        throw new CliError(`could not write ${file.path}: ${(err as Error).message}`);
      }
    }
    for (const { temp, target } of temps) {
      try {
        await rename(temp, target);
      } catch (err) {
        throw new CliError(`could not write ${target}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await Promise.all(temps.map(({ temp }) => rm(temp, { force: true })));
    throw err;
  }
}

/**
 * Checks before a run that an output can be written, so a long run does not fail at the end:
 * the folder exists and is writable, and the path is not a folder. `flag` names the option.
 */
export function checkOutputPath(file: string, flag: string): void {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw new CliError(`${flag} ${file}: folder ${dir} does not exist`);
  }
  if (!dirStat.isDirectory()) throw new CliError(`${flag} ${file}: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new CliError(`${flag} ${file}: folder ${dir} is not writable`);
  }
  try {
    if (statSync(target).isDirectory()) throw new CliError(`${flag} ${file}: is a folder, expected a file name`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    // does not exist yet: fine
  }
}

/** Rejects two outputs that would overwrite each other (e.g. --json out.txt --csv out.txt). */
export function checkDistinctOutputs(outputs: readonly { readonly flag: string; readonly path: string }[]): void {
  const seen = new Map<string, string>();
  for (const { flag, path: file } of outputs) {
    const key = path.resolve(file);
    const other = seen.get(key);
    if (other) throw new CliError(`${other} and ${flag} both write ${file}`);
    seen.set(key, flag);
  }
}
