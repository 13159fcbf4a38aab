// BufferPool: buffers given back are taken again (no allocation per frame), matched by length, and
// detached or surplus ones are not kept.

import { describe, expect, test } from 'vitest';
import { BufferPool } from '../../../src/inference/bufferPool.ts';

describe('BufferPool', () => {
  test('a buffer given back is the one taken next', () => {
    let made = 0;
    const pool = new BufferPool((n) => {
      made++;
      return new Float32Array(n);
    });
    const a = pool.take(12);
    pool.give(a);
    expect(pool.take(12)).toBe(a);
    expect(made).toBe(1);
  });

  test('with two in flight, two are made and then reused in turn', () => {
    let made = 0;
    const pool = new BufferPool((n) => {
      made++;
      return new Uint8Array(n);
    });
    const a = pool.take(4);
    const b = pool.take(4);
    expect(a).not.toBe(b);
    for (let i = 0; i < 10; i++) {
      pool.give(i % 2 === 0 ? a : b);
      const c = pool.take(4);
      expect([a, b]).toContain(c);
    }
    expect(made).toBe(2);
  });

  test('a spare of another length is not taken (the model changed)', () => {
    const pool = new BufferPool((n) => new Uint8Array(n));
    const small = pool.take(4);
    pool.give(small);
    const big = pool.take(8);
    expect(big.length).toBe(8);
    expect(pool.size).toBe(1);
  });

  test('a detached buffer (transferred away) and surplus spares are dropped, and one buffer is kept once', () => {
    const pool = new BufferPool((n) => new Uint8Array(n), 2);
    const a = new Uint8Array(4);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    expect(a.length).toBe(0);
    pool.give(a);
    expect(pool.size).toBe(0);
    const b = new Uint8Array(4);
    pool.give(b);
    pool.give(b);
    expect(pool.size).toBe(1);
    pool.give(new Uint8Array(4));
    pool.give(new Uint8Array(4));
    expect(pool.size).toBe(2);
  });
});
