// Writes small label PNGs of the kinds a user may hand us (greyscale 8 or 16-bit, palette with a given
// palette), byte for byte per the PNG spec, so tests can check how each is read. pngjs cannot write
// palette images, so this is a minimal encoder (one IDAT, filter 0 on every row).

import { crc32, deflateSync } from 'node:zlib';

export interface LabelPngOptions {
  /** 0 = greyscale, 3 = palette. */
  readonly colourType: 0 | 3;
  readonly bitDepth: 8 | 16;
  /** RGB triples for colour type 3 (entry i = palette[i]). */
  readonly palette?: readonly (readonly [number, number, number])[];
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A width x height label whose samples are `values` (row-major; 16-bit samples are written big-endian). */
export function labelPng(width: number, height: number, values: readonly number[], options: LabelPngOptions): Buffer {
  const bytesPerSample = options.bitDepth / 8;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = options.bitDepth;
  ihdr[9] = options.colourType;
  const raw = Buffer.alloc(height * (1 + width * bytesPerSample));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * bytesPerSample);
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x] ?? 0;
      if (bytesPerSample === 2) raw.writeUInt16BE(v, row + 1 + 2 * x);
      else raw[row + 1 + x] = v;
    }
  }
  const chunks = [chunk('IHDR', ihdr)];
  if (options.colourType === 3) chunks.push(chunk('PLTE', Buffer.from((options.palette ?? []).flat())));
  chunks.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

/** The identity palette: index i is grey i. */
export const identityPalette = (n: number): [number, number, number][] => Array.from({ length: n }, (_, i) => [i, i, i]);
