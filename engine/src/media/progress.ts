import type { Operation } from '../ops/operations.js';
import type { JobContext } from '../system/job.js';

const bytesPerEvent = 64 * 1024 * 1024;

/**
 * Progress of one creation: named steps, each with a share of the whole. Events go to the client
 * and the operation's status file, at most one per whole percent or per 64 MiB (docs/protocol.md).
 */
export class ProgressReporter {
  private step = 0;
  private base = 0;
  private lastPercent = -1;
  private lastBytes = 0;
  private readonly totalShare: number;

  constructor(
    private readonly context: JobContext,
    /** Undefined for a check (-WhatIf): events only, no status file. */
    private readonly operation: Operation | undefined,
    private readonly steps: ReadonlyArray<{ info: string; share: number }>,
  ) {
    this.totalShare = steps.reduce((sum, s) => sum + s.share, 0);
  }

  /** Starts the next step. */
  next(): void {
    if (this.step > 0) this.base += this.steps[this.step - 1]!.share;
    this.step++;
    this.lastBytes = 0;
    this.emit(0, true);
  }

  /** Reports `done` of `total` bytes (or units) of the current step. */
  advance(done: number, total: number): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const crossedBytes = done - this.lastBytes >= bytesPerEvent;
    if (crossedBytes) this.lastBytes = done;
    this.emit(fraction, crossedBytes);
  }

  log(message: string): void {
    this.context.event('log', { level: 'verbose', message });
  }

  private emit(fraction: number, force: boolean): void {
    const percent = Math.floor(((this.base + this.steps[this.step - 1]!.share * fraction) / this.totalShare) * 100);
    if (!force && percent <= this.lastPercent) return;
    this.lastPercent = percent;
    const stepInfo = this.steps[this.step - 1]!.info;
    this.operation?.progress(this.step, this.steps.length, stepInfo, percent);
    this.context.event('progress', { ...(this.operation ? { operationId: this.operation.id } : {}), step: this.step, steps: this.steps.length, stepInfo, percent });
  }
}
