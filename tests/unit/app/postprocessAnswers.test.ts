// PostprocessAnswers puts each frame's segmentation answer together with the postprocessing worker's
// answer of the same number, whichever comes first, and leaks nothing for frames that never ask.

import { describe, expect, test } from 'vitest';
import { PostprocessAnswers, PostprocessError } from '../../../src/inference/postprocessAnswers.ts';
import { errorCode } from '../../../src/inference/segmentationClient.ts';
import type { PostprocessAnswer, PostprocessedMask } from '../../../workers/maskPostprocessProtocol.ts';

function maskAnswer(seq: number): PostprocessAnswer {
  const mask: PostprocessedMask = {
    mask: new Uint8Array([seq]),
    width: 1,
    height: 1,
    postprocess: { stabilise: true, upsample: 'guided', dropFloating: false },
    sceneCuts: 0, floatingDropped: { maps: 0, regions: 0, pixels: 0 },
    stabiliseMs: 0.1,
    upsampleMs: 2,
    postprocessWorkerMs: 2.2,
  };
  return { seq, mask };
}

describe('PostprocessAnswers', () => {
  test('an answer that comes after the frame asks resolves it', async () => {
    const answers = new PostprocessAnswers();
    const waiting = answers.expect(1);
    expect(answers.pending).toEqual({ waiting: 1, kept: 0 });
    answers.deliver(maskAnswer(1));
    expect((await waiting).mask[0]).toBe(1);
    expect(answers.pending).toEqual({ waiting: 0, kept: 0 });
  });

  test('an answer that comes before the frame asks is kept until it does', async () => {
    const answers = new PostprocessAnswers();
    answers.deliver(maskAnswer(3));
    expect(answers.pending).toEqual({ waiting: 0, kept: 1 });
    expect((await answers.expect(3)).mask[0]).toBe(3);
    expect(answers.pending).toEqual({ waiting: 0, kept: 0 });
  });

  test('answers go to their own frames, in any order', async () => {
    const answers = new PostprocessAnswers();
    const one = answers.expect(1);
    const two = answers.expect(2);
    answers.deliver(maskAnswer(2));
    answers.deliver(maskAnswer(1));
    expect((await one).mask[0]).toBe(1);
    expect((await two).mask[0]).toBe(2);
  });

  test('kept answers of frames older than one that asks are dropped (those frames will not ask)', async () => {
    const answers = new PostprocessAnswers();
    answers.deliver(maskAnswer(4));
    answers.deliver(maskAnswer(5));
    answers.deliver(maskAnswer(7));
    const six = answers.expect(6);
    expect(answers.pending).toEqual({ waiting: 1, kept: 1 });
    answers.deliver(maskAnswer(6));
    expect((await six).mask[0]).toBe(6);
    expect(answers.pending).toEqual({ waiting: 0, kept: 1 });
  });

  test("an error answer rejects its frame with the worker's code", async () => {
    const answers = new PostprocessAnswers();
    const waiting = answers.expect(9);
    answers.deliver({ seq: 9, error: { name: 'inference-failed', message: 'postprocessing the class map failed: bad size' } });
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostprocessError);
    expect(errorCode(err)).toBe('inference-failed');
    expect((err as Error).message).toMatch(/bad size/);
    answers.deliver({ seq: 10, error: { name: 'inference-failed', message: 'again' } });
    await expect(answers.expect(10)).rejects.toThrow('again');
  });

  test('failAll rejects every waiting frame and forgets kept answers', async () => {
    const answers = new PostprocessAnswers();
    const a = answers.expect(1);
    const b = answers.expect(2);
    answers.deliver(maskAnswer(5));
    answers.failAll(new Error('workers stopped'));
    await expect(a).rejects.toThrow('workers stopped');
    await expect(b).rejects.toThrow('workers stopped');
    expect(answers.pending).toEqual({ waiting: 0, kept: 0 });
  });
});
