// errorCode() gives the app one code for every failure of a frame: the worker's (carried in the
// error name across comlink) and the client's own (timeout, crash), which the app reports as is.

import { describe, expect, test } from 'vitest';
import { SegmentationClientError, errorCode } from '../../../src/inference/segmentationClient.ts';

describe('errorCode', () => {
  test("the client's own errors keep their code", () => {
    expect(errorCode(new SegmentationClientError('worker-timeout', 'no answer within 20 s'))).toBe('worker-timeout');
    expect(errorCode(new SegmentationClientError('worker-crashed', 'crashed'))).toBe('worker-crashed');
    expect(errorCode(new SegmentationClientError('busy', 'restarting'))).toBe('busy');
  });

  test('a worker error carries its code in the name', () => {
    const err = new Error('inference failed on wasm');
    err.name = 'inference-failed';
    expect(errorCode(err)).toBe('inference-failed');
  });

  test('anything else has no code', () => {
    expect(errorCode(new TypeError('x'))).toBeNull();
    expect(errorCode(null)).toBeNull();
    expect(errorCode('text')).toBeNull();
  });
});
