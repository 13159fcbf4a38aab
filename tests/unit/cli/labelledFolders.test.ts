import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../cli/lib/errors.ts';
import { checkReadable, pairLabelledFolders, sniffFormat } from '../../../cli/lib/labelledFolders.ts';
import { greyPng, rgbPng, tempTree, type TempTree } from './tempFolders.ts';

let t: TempTree;
beforeEach(() => {
  t = tempTree();
  t.mkdir('images');
  t.mkdir('labels');
});
afterEach(() => t.remove());

function frame(stem: string, ext = '.png'): void {
  t.write(`images/${stem}${ext}`, rgbPng(4, 3));
  t.write(`labels/${stem}.png`, greyPng(4, 3, (i) => i % 12));
}

async function pairingError(options: { limit?: number } = {}): Promise<string> {
  try {
    await pairLabelledFolders(t.path('images'), t.path('labels'), options);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return (err as Error).message;
  }
  throw new Error('pairing did not fail');
}

describe('pairLabelledFolders', () => {
  it('pairs images with labels by file name, sorted, and applies --limit', async () => {
    frame('b');
    frame('a');
    frame('c', '.jpg');
    // A JPEG image needs JPEG bytes to pass the format check.
    t.write('images/c.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]));
    const all = await pairLabelledFolders(t.path('images'), t.path('labels'));
    expect(all.frames.map((f) => f.name)).toEqual(['a.png', 'b.png', 'c.jpg']);
    expect(all.frames[2]).toEqual({ name: 'c.jpg', stem: 'c', image: t.path('images', 'c.jpg'), label: t.path('labels', 'c.png') });
    expect(all.available).toBe(3);
    expect(all.notes).toEqual([]);
    const limited = await pairLabelledFolders(t.path('images'), t.path('labels'), { limit: 2 });
    expect(limited.frames.map((f) => f.name)).toEqual(['a.png', 'b.png']);
    expect(limited.available).toBe(3);
  });

  it('ignores labels without an image and non-image files, with notes', async () => {
    frame('a');
    t.write('labels/orphan.png', greyPng(4, 3));
    t.write('images/notes.txt', 'hello');
    t.write('images/.DS_Store', 'x');
    const r = await pairLabelledFolders(t.path('images'), t.path('labels'));
    expect(r.frames.map((f) => f.name)).toEqual(['a.png']);
    expect(r.notes).toEqual([
      `skipped 1 file(s) in ${t.path('images')} that are not images: notes.txt`,
      'ignored 1 label(s) without an image: orphan.png',
    ]);
  });

  it('fails on an image without a label, naming the image and the expected label', async () => {
    frame('a');
    t.write('images/b.png', rgbPng(4, 3));
    expect(await pairingError()).toBe(`${t.path('images', 'b.png')} has no label: expected ${t.path('labels', 'b.png')}`);
    t.write('images/c.png', rgbPng(4, 3));
    const message = await pairingError();
    expect(message).toContain('2 images have no label');
    expect(message).toContain(t.path('images', 'b.png'));
    expect(message).toContain(t.path('images', 'c.png'));
  });

  it('checks every image against the labels even with --limit', async () => {
    frame('a');
    t.write('images/z.png', rgbPng(4, 3));
    expect(await pairingError({ limit: 1 })).toContain('z.png has no label');
  });

  it('fails on empty, missing and identical folders', async () => {
    expect(await pairingError()).toMatch(/^--images .*: no images in it/);
    t.write('images/readme.txt', 'not an image');
    expect(await pairingError()).toContain('found only readme.txt');
    t.write('images/a.png', rgbPng(2, 2));
    expect(await pairingError()).toMatch(/^--labels .*: no label PNGs in it$/);
    await expect(pairLabelledFolders(t.path('nope'), t.path('labels'))).rejects.toThrow(`--images ${t.path('nope')}: no such folder`);
    await expect(pairLabelledFolders(t.path('images', 'a.png'), t.path('labels'))).rejects.toThrow('not a folder');
    await expect(pairLabelledFolders(t.path('images'), t.path('images'))).rejects.toThrow('are the same folder');
  });

  it('fails on two images with the same stem', async () => {
    frame('a');
    t.write('images/a.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    expect(await pairingError()).toContain('share the name "a"');
  });

  it('fails on empty, unreadable or mis-formatted files, naming them', async () => {
    frame('a');
    t.write('labels/a.png', '');
    expect(await pairingError()).toBe(`label ${t.path('labels', 'a.png')} is empty (0 bytes)`);
    t.write('labels/a.png', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]));
    expect(await pairingError()).toBe(`label ${t.path('labels', 'a.png')} is not a PNG file (it is jpeg): labels must be PNG (pixel = class id)`);
    t.write('labels/a.png', greyPng(4, 3));
    t.write('images/a.png', 'GIF89a not supported');
    expect(await pairingError()).toBe(`image ${t.path('images', 'a.png')} is not a PNG, JPEG, WebP or BMP file`);
  });

  it('names paths through the display function', async () => {
    t.write('images/a.png', rgbPng(4, 3));
    t.write('labels/other.png', greyPng(4, 3));
    await expect(pairLabelledFolders(t.path('images'), t.path('labels'), { display: (p) => p.replace(t.root, '<tmp>') }))
      .rejects.toThrow('<tmp>/images/a.png has no label: expected <tmp>/labels/a.png');
  });
});

describe('checkReadable', () => {
  it('reports a missing file and a folder', async () => {
    await expect(checkReadable(t.path('gone.png'), 'image')).rejects.toThrow(`image ${t.path('gone.png')} cannot be read: does not exist`);
    await expect(checkReadable(t.path('images'), 'label')).rejects.toThrow('is not a regular file');
  });
});

describe('sniffFormat', () => {
  it('recognises PNG, JPEG, WebP and BMP signatures', () => {
    expect(sniffFormat(greyPng(1, 1))).toBe('png');
    expect(sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xdb]))).toBe('jpeg');
    expect(sniffFormat(new Uint8Array([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBP')]))).toBe('webp');
    expect(sniffFormat(new Uint8Array([0x42, 0x4d, 0, 0]))).toBe('bmp');
    expect(sniffFormat(new Uint8Array([]))).toBeNull();
    expect(sniffFormat(Buffer.from('GIF89a'))).toBeNull();
  });
});
