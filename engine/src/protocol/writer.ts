import type { Writable } from 'node:stream';

/**
 * The one writer of stdout. Every protocol line goes through `send`; nothing else in the engine may
 * write to stdout. A closed pipe (EPIPE: the client went away) is reported once through `onClosed`
 * and later lines are dropped.
 */
export class LineWriter {
  private closed = false;

  constructor(
    private readonly out: Writable,
    private readonly onClosed: () => void,
  ) {
    out.on('error', () => this.markClosed());
  }

  send(message: object): void {
    if (this.closed) return;
    this.out.write(`${JSON.stringify(message)}\n`);
  }

  /** Resolves once everything sent so far has been handed to the operating system. */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.out.write('', () => resolve()));
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
  }
}
