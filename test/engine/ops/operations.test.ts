import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { lockDestination } from '../../../engine/src/output/lock.js';
import { listOperations, Operation, readOperation, replayUndo, sweepOperations, type UndoStep } from '../../../engine/src/ops/operations.js';

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
    op.add([{ remove: '/tmp/nothing' }]);
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
    const op = new Operation({ mediaType: 'CD', destinationPath: join(state, 'half.iso'), bootImageId: 'PS100005' });
    const temp = join(state, '.half.iso.00000000000000a1.cmtsmedia-tmp');
    writeFileSync(temp, 'partial');
    op.add([{ remove: temp }]);
    const file = join(state, 'operations', `${op.id}.json`);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...record, pid: deadPid() }));
    expect(readOperation(op.id)).toMatchObject({ state: 'Interrupted', status: 0, exitCode: '0x8000FFFF' });
    sweepOperations();
    expect(existsSync(temp)).toBe(false);
    expect(readOperation(op.id).state).toBe('Interrupted');
    op.succeed(0); // the real process would be gone; here it only stops the heartbeat
  });

  it.runIf(process.platform === 'linux')('names its process by pid and start time: a live pid with another start time is Interrupted, a stale heartbeat is not', () => {
    const op = new Operation({ mediaType: 'CD', destinationPath: join(state, 'x.iso'), bootImageId: 'PS100005' });
    const file = join(state, 'operations', `${op.id}.json`);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    expect(record.processStartTime).toMatch(/^\d+$/);
    writeFileSync(file, JSON.stringify({ ...record, updatedAt: new Date(Date.now() - 3600_000).toISOString() }));
    expect(readOperation(op.id).state).toBe('Running');
    writeFileSync(file, JSON.stringify({ ...record, processStartTime: '1' }));
    expect(readOperation(op.id).state).toBe('Interrupted');
    op.succeed(0);
  });

  it('keeps no status file for a secret and answers unknown ids with OPERATIONNOTFOUND', () => {
    expect(() => readOperation('6a3c0b1e-0000-4000-8000-000000000000')).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_OPERATIONNOTFOUND' }));
    expect(() => readOperation('../../etc/passwd')).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_OPERATIONNOTFOUND' }));
  });

  it('prunes ended operations older than 30 days', () => {
    const op = new Operation({ mediaType: 'CD', destinationPath: '/x.iso', bootImageId: 'PS100005' });
    op.succeed(1);
    sweepOperations(undefined, Date.now() + 29 * 24 * 3600_000);
    expect(readdirSync(join(state, 'operations'))).toEqual([`${op.id}.json`]);
    sweepOperations(undefined, Date.now() + 31 * 24 * 3600_000);
    expect(readdirSync(join(state, 'operations'))).toEqual([]);
  });
});

/** Marks the operation's process as dead, as after a SIGKILL; returns its status file. */
function kill(op: Operation): string {
  const file = join(state, 'operations', `${op.id}.json`);
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), pid: deadPid() }));
  return file;
}

describe('undo journal', () => {
  /** A volume as a UFD copy killed in its rename phase leaves it (usb/volume.ts), and the journal the copy wrote. */
  function killedCopy(vol: string): UndoStep[] {
    mkdirSync(join(vol, 'boot'));
    writeFileSync(join(vol, 'boot', 'BCD'), 'new BCD'); // moved into place
    writeFileSync(join(vol, 'boot', '.cmts.0000000000000001.cmtsmedia-tmp'), 'new font'); // not yet
    writeFileSync(join(vol, 'bootmgr'), 'new bootmgr'); // replaced; the owner's is set aside
    writeFileSync(join(vol, '.cmts.0000000000000002.cmtsmedia-old'), 'owner bootmgr');
    return [
      { remove: join(vol, 'boot') },
      { remove: join(vol, 'empty') }, // mkdir never ran
      { remove: join(vol, 'boot', '.cmts.0000000000000003.cmtsmedia-tmp') }, // renamed away already
      { remove: join(vol, 'boot', '.cmts.0000000000000001.cmtsmedia-tmp') },
      { remove: join(vol, '.cmts.0000000000000004.cmtsmedia-tmp') },
      { remove: join(vol, 'boot', 'BCD') },
      { restore: join(vol, '.cmts.0000000000000002.cmtsmedia-old'), to: join(vol, 'bootmgr') },
      { restore: join(vol, '.cmts.0000000000000005.cmtsmedia-old'), to: join(vol, 'MediaLabel.txt') }, // rename never ran
    ];
  }

  it('replays newest-first: originals renamed back, added files then their folders removed, missing paths count as done', () => {
    const vol = join(state, 'vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'MediaLabel.txt'), 'owner label');
    expect(replayUndo(killedCopy(vol), { mediaType: 'UFD', destinationPath: vol })).toEqual([]);
    expect(readdirSync(vol).sort()).toEqual(['MediaLabel.txt', 'bootmgr']);
    expect(readFileSync(join(vol, 'bootmgr'), 'utf8')).toBe('owner bootmgr');
    expect(readFileSync(join(vol, 'MediaLabel.txt'), 'utf8')).toBe('owner label');
  });

  it('keeps a folder that still holds something, and never removes a set-aside original', () => {
    const vol = join(state, 'vol');
    mkdirSync(join(vol, 'boot'), { recursive: true });
    writeFileSync(join(vol, 'boot', 'owner.txt'), 'put there later');
    const old = join(vol, '.cmts.0000000000000006.cmtsmedia-old');
    writeFileSync(old, 'owner file');
    expect(replayUndo([{ remove: join(vol, 'boot') }, { remove: old }], { mediaType: 'UFD', destinationPath: vol })).toEqual([{ remove: join(vol, 'boot') }]);
    expect(readFileSync(join(vol, 'boot', 'owner.txt'), 'utf8')).toBe('put there later');
    expect(readFileSync(old, 'utf8')).toBe('owner file');
  });

  it('the next sweep undoes a killed operation\'s journal and reads status files of earlier versions (temporaryPaths)', () => {
    const vol = join(state, 'vol');
    mkdirSync(vol);
    const op = new Operation({ mediaType: 'UFD', destinationPath: vol, bootImageId: 'PS100005' });
    op.add(killedCopy(vol));
    const file = kill(op);
    const legacy = new Operation({ mediaType: 'CD', destinationPath: join(state, 'x.iso'), bootImageId: 'PS100005' });
    const temp = join(state, '.x.iso.0000000000000007.cmtsmedia-tmp');
    writeFileSync(temp, 'partial');
    const { undo: _undo, ...record } = JSON.parse(readFileSync(kill(legacy), 'utf8'));
    writeFileSync(join(state, 'operations', `${legacy.id}.json`), JSON.stringify({ ...record, temporaryPaths: [temp] }));
    sweepOperations();
    expect(readdirSync(vol)).toEqual(['bootmgr']);
    expect(readFileSync(join(vol, 'bootmgr'), 'utf8')).toBe('owner bootmgr');
    expect(existsSync(temp)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ state: 'Interrupted', undo: [] });
    expect(readOperation(legacy.id).state).toBe('Interrupted');
    op.succeed(0);
    legacy.succeed(0);
  });

  it('keeps, when the operation ends, only the steps whose paths still exist; a completed write forgets its own', () => {
    const kept = join(state, 'kept.cmtsmedia-tmp');
    writeFileSync(kept, 'could not be removed');
    const failed = new Operation({ mediaType: 'UFD', destinationPath: '/mnt', bootImageId: 'PS100005' });
    failed.add([{ remove: kept }, { remove: join(state, 'gone') }, { restore: join(state, 'gone.cmtsmedia-old'), to: kept }]);
    failed.fail(new CmTsError('E_ACCESSDENIED', kept));
    expect(JSON.parse(readFileSync(join(state, 'operations', `${failed.id}.json`), 'utf8')).undo).toEqual([{ remove: kept }]);
    const done = new Operation({ mediaType: 'UFD', destinationPath: '/mnt', bootImageId: 'PS100005' });
    done.add([{ remove: kept }, { restore: join(state, 'x.cmtsmedia-old'), to: join(state, 'x') }]);
    done.forget([kept, join(state, 'x')]);
    done.succeed(1);
    expect(JSON.parse(readFileSync(join(state, 'operations', `${done.id}.json`), 'utf8')).undo).toEqual([]);
  });
});

describe('destination locks', () => {
  it('lets one creation hold a destination and refuses a second one as busy', () => {
    const lock = lockDestination(join(state, 'out.iso'), 'a');
    expect(() => lockDestination(join(state, '..', basename(state), 'out.iso'), 'b')).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_DESTINATIONBUSY' }));
    lockDestination(join(state, 'other.iso'), 'c').release();
    lock.release();
    lockDestination(join(state, 'out.iso'), 'd').release();
    expect(readdirSync(state).filter((n) => n.includes('cmtsmedia-lock'))).toEqual([]);
  });

  it('takes over the lock of a process that died, or of a reused pid (another start time)', () => {
    const { path } = lockDestination(join(state, 'out.iso'), 'a');
    expect(path).toBe(join(state, '.out.iso.cmtsmedia-lock'));
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), pid: deadPid() }));
    const lock = lockDestination(join(state, 'out.iso'), 'b');
    expect(JSON.parse(readFileSync(path, 'utf8')).operationId).toBe('b');
    if (process.platform === 'linux') {
      // this very process, but started at another time: the pid was reused, the owner is gone
      writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), startTime: '1' }));
      lockDestination(join(state, 'out.iso'), 'c').release();
    }
    lock.release();
  });

  it('never waits on, or writes through, a lock that is a FIFO or a symlink', () => {
    const victim = join(state, 'victim.txt');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(state, '.a.iso.cmtsmedia-lock'));
    lockDestination(join(state, 'a.iso'), 'a').release();
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    spawnSync('mkfifo', [join(state, '.b.iso.cmtsmedia-lock')]);
    lockDestination(join(state, 'b.iso'), 'b').release();
    expect(readdirSync(state).filter((n) => n.includes('cmtsmedia-lock'))).toEqual([]);
  });
});
