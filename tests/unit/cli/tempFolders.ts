// Real temporary folders with real (tiny) PNG files, for the CLI helper tests.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';

/** An 8-bit greyscale PNG (a label: pixel = class id). */
export function greyPng(width: number, height: number, value: (i: number) => number = () => 0): Buffer {
  const data = Buffer.alloc(width * height);
  for (let i = 0; i < data.length; i++) data[i] = value(i);
  return PNG.sync.write({ width, height, data } as unknown as PNG, { colorType: 0, inputColorType: 0, bitDepth: 8 });
}

/** An RGBA PNG filled with one colour (an image). */
export function rgbPng(width: number, height: number, rgb: readonly [number, number, number] = [90, 120, 200]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = rgb[0];
    png.data[i * 4 + 1] = rgb[1];
    png.data[i * 4 + 2] = rgb[2];
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

export interface TempTree {
  readonly root: string;
  path(...parts: string[]): string;
  /** Writes a file (creating folders); returns its path. */
  write(relative: string, data: string | Buffer): string;
  mkdir(relative: string): string;
  remove(): void;
}

export function tempTree(prefix = 'dashseg-cli-test-'): TempTree {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    root,
    path: (...parts) => path.join(root, ...parts),
    write(relative, data) {
      const file = path.join(root, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, data);
      return file;
    },
    mkdir(relative) {
      const dir = path.join(root, relative);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
