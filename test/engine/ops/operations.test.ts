import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { lockDestination } from '../../../engine/src/ops/locks.js';
import { listOperations, Operation, readOperation, sweepOperations } from '../../../engine/src/ops/operations.js';

let state: string;
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'cmts-state-'));
  process.env.CMTSMEDIA_STATE_DIR = state;
});
afterEach(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(state, { recursive: true, force: true });
});

/** A pid that certainly belongs to no running process: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('operation status', () => {
  it('follows an operation from Running to Succeeded with SDK Status/ExitCode semantics', () => {
    const op = new Operation({ mediaType: 'CD', destinationPath: '/x.iso', bootImageId: 'PS100005' });
    op.progress(2, 5, 'Opening the boot image', 3);
    op.track('/tmp/nothing');
    const running = readOperation(op.id);
    expect(running).toMatchObject({ state: 'Running', status: 1, exitCode: '0x00000103', step: 2, steps: 5, stepInfo: 'Opening the boot image' });
    op.succeed(1234);
    expect(readOperation(op.id)).toMatchObject({ state: 'Succeeded', status: 0, exitCode: '0x00000000', bytesWritten: 1234, percent: 100 });
    expect(readOperation(op.id.toUpperCase()).operationId).toBe(op.id);
  });

  it('records failures and cancellation with the HRESULT and the detail', () => {
    const failed = new Operation({ mediaType: 'CD', destinationPath: '/x.iso', bootImageId: 'PS100099' });
    failed.fail(new CmTsError('CREATETSMEDIA_E_MISSINGPACKAGE', 'PS100099'));
    expect(readOperation(failed.id)).toMatchObject({ state: 'Failed', status: 0, exitCode: '0x80040003', errorCode: 'CREATETSMEDIA_E_MISSINGPACKAGE', errorDetail: 'PS100099' });
    const canceled = new Operation({ mediaType: 'CD', destinationPath: '/y.iso', bootImageId: 'PS100005' });
    canceled.fail(new CmTsError('E_CANCELLED'));
    expect(readOperation(canceled.id)).toMatchObject({ state: 'Canceled', exitCode: '0x800704C7' });
    expect(listOperations().map((o) => o.operationId).sort()).toEqual([failed.id, canceled.id].sort());
  });

  it('reports an operation whose process died as Interrupted and removes its temporary files on the next sweep', () => {
    const op = new Operation({ mediaType: 'CD', destinationPath: '/x.iso', bootImageId: 'PS100005' });
    const temp = join(state, 'half.iso.cmtsmedia-tmp');
    writeFileSync(temp, 'partial');
    op.track(temp);
    const file = join(state, 'operations', `${op.id}.json`);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...record, pid: deadPid() }));
    expect(readOperation(op.id)).toMatchObject({ state: 'Interrupted', status: 0, exitCode: '0x8000FFFF' });
    sweepOperations();
    expect(existsSync(temp)).toBe(false);
    expect(readOperation(op.id).state).toBe('Interrupted');
    op.succeed(0); // the real process would be gone; here it only stops the heartbeat
  });

  it('keeps no status file for a secret and answers unknown ids with OPERATIONNOTFOUND', () => {
    expect(() => readOperation('6a3c0b1e-0000-4000-8000-000000000000')).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_OPERATIONNOTFOUND' }));
    expect(() => readOperation('../../etc/passwd')).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_OPERATIONNOTFOUND' }));
  });

  it('prunes ended operations older than a week', () => {
    const op = new Operation({ mediaType: 'CD', destinationPath: '/x.iso', bootImageId: 'PS100005' });
    op.succeed(1);
    sweepOperations(Date.now() + 8 * 24 * 3600_000);
    expect(readdirSync(join(state, 'operations'))).toEqual([]);
  });
});

describe('destination locks', () => {
  it('lets one creation hold a destination and refuses a second one as busy', () => {
    const lock = lockDestination('/media/out.iso', 'a');
    expect(() => lockDestination('/media/../media/out.iso', 'b')).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_DESTINATIONBUSY' }));
    lockDestination('/media/other.iso', 'c').release();
    lock.release();
    lockDestination('/media/out.iso', 'd').release();
  });

  it('takes over the lock of a process that died', () => {
    lockDestination('/media/out.iso', 'a');
    const folder = join(state, 'locks');
    const [name] = readdirSync(folder);
    const path = join(folder, name!);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), pid: deadPid() }));
    const lock = lockDestination('/media/out.iso', 'b');
    expect(JSON.parse(readFileSync(path, 'utf8')).operationId).toBe('b');
    lock.release();
  });
});
