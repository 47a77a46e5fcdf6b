/**
 * A body as ranges of buffers, written in order. A scrape of a large fleet lists tens of thousands of
 * cached chunks; a Buffer view per chunk, made when the body is listed and held until it is written, outlived
 * young-generation collections and reached the old generation (8 MB per scrape at 1,000 routers). A range is
 * three array cells (the buffer, its start and its end), and a writer copies from it directly.
 */
export class ByteRanges {
  private readonly _buffers: Buffer[] = [];
  private readonly _starts: number[] = [];
  private readonly _ends: number[] = [];
  private _byteLength = 0;
  private _views: Buffer[] | undefined;

  /** Ranges of whole buffers. */
  static of(buffers: readonly Buffer[]): ByteRanges {
    const ranges = new ByteRanges();
    for (const buffer of buffers) ranges.push(buffer);
    return ranges;
  }

  /** Appends `buffer[start, end)`. */
  push(buffer: Buffer, start = 0, end = buffer.length): void {
    this._buffers.push(buffer);
    this._starts.push(start);
    this._ends.push(end);
    this._byteLength += end - start;
    this._views = undefined;
  }

  get length(): number {
    return this._buffers.length;
  }

  get byteLength(): number {
    return this._byteLength;
  }

  buffer(index: number): Buffer {
    return this._buffers[index]!;
  }

  start(index: number): number {
    return this._starts[index]!;
  }

  end(index: number): number {
    return this._ends[index]!;
  }

  /** A view of every range (for tests, tools and small bodies: each view is an object). */
  views(): readonly Buffer[] {
    this._views ??= this._buffers.map((buffer, index) => {
      const start = this._starts[index]!;
      const end = this._ends[index]!;
      return start === 0 && end === buffer.length ? buffer : buffer.subarray(start, end);
    });
    return this._views;
  }

  /** All the bytes in one buffer. */
  concat(): Buffer {
    return Buffer.concat(this.views(), this._byteLength);
  }
}
