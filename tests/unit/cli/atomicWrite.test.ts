import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDistinctOutputs, checkOutputPath, writeFileAtomic, writeFilesAtomic } from '../../../cli/lib/atomicWrite.ts';
import { CliError } from '../../../cli/lib/errors.ts';
import { tempTree, type TempTree } from './tempFolders.ts';

let t: TempTree;
beforeEach(() => {
  t = tempTree();
});
afterEach(() => t.remove());

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an existing one, leaving no temporary file', async () => {
    const file = t.path('out.json');
    await writeFileAtomic(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(readdirSync(t.root)).toEqual(['out.json']);
  });
});

describe('writeFilesAtomic', () => {
  it('writes all files', async () => {
    await writeFilesAtomic([
      { path: t.path('a.csv'), data: 'x\n' },
      { path: t.path('b.html'), data: '<p>' },
    ]);
    expect(readdirSync(t.root).sort()).toEqual(['a.csv', 'b.html']);
  });

  it('writes nothing when one file cannot be written, and keeps existing files intact', async () => {
    writeFileSync(t.path('a.csv'), 'old\n');
    const attempt = writeFilesAtomic([
      { path: t.path('a.csv'), data: 'new\n' },
      { path: t.path('missing-folder', 'b.json'), data: '{}' },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(CliError);
    await expect(attempt).rejects.toThrow(`could not write ${t.path('missing-folder', 'b.json')}`);
    expect(readFileSync(t.path('a.csv'), 'utf8')).toBe('old\n');
    expect(readdirSync(t.root)).toEqual(['a.csv']);
  });
});

describe('checkOutputPath', () => {
  it('accepts a new or existing file in an existing folder', () => {
    expect(() => checkOutputPath(t.path('new.json'), '--json')).not.toThrow();
    writeFileSync(t.path('old.json'), '{}');
    expect(() => checkOutputPath(t.path('old.json'), '--json')).not.toThrow();
  });

  it('rejects a missing folder, a file used as a folder and a folder used as a file', () => {
    expect(() => checkOutputPath(t.path('nope', 'x.json'), '--json')).toThrow(`--json ${t.path('nope', 'x.json')}: folder ${t.path('nope')} does not exist`);
    writeFileSync(t.path('file'), '');
    expect(() => checkOutputPath(t.path('file', 'x.csv'), '--csv')).toThrow('is not a folder');
    t.mkdir('dir.html');
    expect(() => checkOutputPath(t.path('dir.html'), '--report')).toThrow('is a folder, expected a file name');
  });
});

describe('checkDistinctOutputs', () => {
  it('rejects two flags writing the same file', () => {
    expect(() => checkDistinctOutputs([{ flag: '--json', path: 'a.txt' }, { flag: '--csv', path: './a.txt' }])).toThrow('--json and --csv both write ./a.txt');
    expect(() => checkDistinctOutputs([{ flag: '--json', path: 'a.json' }, { flag: '--csv', path: 'a.csv' }])).not.toThrow();
  });
});
