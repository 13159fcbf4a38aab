// Typed arrays handed to another worker and given back, to be filled again: the frame path allocates
// none per frame once the pool holds as many as are in flight. A buffer of another length (the model
// changed) is dropped, and the pool keeps at most `limit` spares.

export class BufferPool<T extends { readonly length: number }> {
  private readonly spares: T[] = [];

  constructor(
    private readonly create: (length: number) => T,
    private readonly limit = 4,
  ) {}

  /** A spare of this length, or a new one. */
  take(length: number): T {
    for (let i = this.spares.length - 1; i >= 0; i--) {
      if (this.spares[i]!.length === length) return this.spares.splice(i, 1)[0]!;
    }
    return this.create(length);
  }

  /** Keeps `buffer` for a later take(); a detached one (length 0) or one over the limit is dropped. */
  give(buffer: T): void {
    if (buffer.length === 0 || this.spares.length >= this.limit || this.spares.includes(buffer)) return;
    this.spares.push(buffer);
  }

  get size(): number {
    return this.spares.length;
  }
}
