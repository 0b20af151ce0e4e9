/**
 * Splits a byte stream into protocol lines. A line longer than `maxLineBytes` is dropped whole and
 * reported once (its tail is skipped up to the next newline), so one bad line cannot exhaust memory
 * or desynchronise the stream. A UTF-8 BOM before the first line is ignored (Windows PowerShell
 * with a UTF-8 console encoding writes one into child stdin).
 */
export type LineHandler = (line: string) => void;
export type OverflowHandler = (lengthBytes: number) => void;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowing = false;
  private first = true;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: LineHandler,
    private readonly onOverflow: OverflowHandler,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      this.take(chunk.subarray(start, end));
      if (newline === -1) return;
      this.finishLine();
      start = newline + 1;
    }
  }

  /** End of input: a last line without a newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 || this.overflowing) this.finishLine();
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.overflowing) {
      this.pendingBytes += part.length;
      return;
    }
    this.pending.push(part);
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxLineBytes) {
      this.overflowing = true;
      this.pending = [];
    }
  }

  private finishLine(): void {
    if (this.overflowing) {
      this.onOverflow(this.pendingBytes);
    } else {
      let text = Buffer.concat(this.pending, this.pendingBytes).toString('utf8');
      if (this.first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim().length > 0) this.onLine(text);
    }
    this.first = false;
    this.pending = [];
    this.pendingBytes = 0;
    this.overflowing = false;
  }
}
