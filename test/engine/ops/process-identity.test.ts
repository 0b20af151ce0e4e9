// Liveness has one definition (system/process-identity.ts, docs/operations.md "Liveness"): status records
// and locks both ask processRunning, so a pid of 0 or below never means "running" in one place and
// "signal the process group" in another.
import { describe, expect, it } from 'vitest';
import { currentProcess, processRunning } from '../../../engine/src/system/process-identity.js';

describe('processRunning', () => {
  it.each([0, -1, -process.pid, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2, '123', null, undefined])('names no process for pid %s', (pid) => {
    expect(processRunning({ pid })).toBe(false);
  });

  it('finds this process by pid, and by pid and start time', () => {
    expect(processRunning({ pid: process.pid })).toBe(true);
    expect(processRunning(currentProcess())).toBe(true);
  });

  // Linux: the start time comes from /proc/<pid>/stat.
  it.runIf(process.platform === 'linux')('counts a pid whose start time differs as another process', () => {
    const { startTime } = currentProcess();
    expect(startTime).toMatch(/^\d+$/);
    expect(processRunning({ pid: process.pid, startTime: `${startTime}0` })).toBe(false);
  });
});
