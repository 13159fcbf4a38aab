// The page's side of the hand-off between the two workers: the segmentation worker answers a frame
// with its number (SegmentationHandedOff.seq) and the postprocessing worker answers the same number
// with the mask, in either order. Each waiting frame gets its answer; an answer nobody waits for yet
// is kept until its frame asks, and answers of frames that will never ask (older than one asked for)
// are dropped. Pure: unit-tested without workers.

import type { PostprocessAnswer, PostprocessedMask } from '../../workers/maskPostprocessProtocol.ts';

/** The error a postprocessing answer carries, with its code as the name (as the segmentation worker's errors). */
export class PostprocessError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface Waiter {
  readonly resolve: (mask: PostprocessedMask) => void;
  readonly reject: (err: Error) => void;
}

export class PostprocessAnswers {
  private readonly waiting = new Map<number, Waiter>();
  private readonly early = new Map<number, PostprocessAnswer>();

  /** The answer for frame `seq`: at once when it came already, else when it comes. */
  expect(seq: number): Promise<PostprocessedMask> {
    for (const old of this.early.keys()) if (old < seq) this.early.delete(old);
    const answer = this.early.get(seq);
    if (answer) {
      this.early.delete(seq);
      return settle(answer);
    }
    return new Promise<PostprocessedMask>((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
  }

  /** An answer from the postprocessing worker. */
  deliver(answer: PostprocessAnswer): void {
    const waiter = this.waiting.get(answer.seq);
    if (!waiter) {
      this.early.set(answer.seq, answer);
      return;
    }
    this.waiting.delete(answer.seq);
    if ('error' in answer) waiter.reject(new PostprocessError(answer.error.name, answer.error.message));
    else waiter.resolve(answer.mask);
  }

  /** Fails every frame waiting and forgets kept answers (the workers are being replaced). */
  failAll(err: Error): void {
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    this.early.clear();
    for (const w of waiters) w.reject(err);
  }

  /** Frames waiting and answers kept (for tests and leak checks). */
  get pending(): { readonly waiting: number; readonly kept: number } {
    return { waiting: this.waiting.size, kept: this.early.size };
  }
}

function settle(answer: PostprocessAnswer): Promise<PostprocessedMask> {
  return 'error' in answer ? Promise.reject(new PostprocessError(answer.error.name, answer.error.message)) : Promise.resolve(answer.mask);
}
