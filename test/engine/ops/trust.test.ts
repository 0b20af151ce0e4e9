// Items 1 and 8 of issue 15 (SECURITY.md "The state folder"): the engine acts only on records it
// made. Records planted by another user, reached through symlinks, naming paths that are not the
// operation's own, or that are corrupt, empty, null, {} or huge are skipped with a warning.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOperations, Operation, readOperation, sweepOperations } from '../../../engine/src/ops/operations.js';
import { stateFolder } from '../../../engine/src/system/state-root.js';

const isRoot = process.getuid?.() === 0;
const nobody = 65534;
let scratch: string;
let state: string;
let warnings: string[];
const warn = (message: string) => warnings.push(message);

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-trust-'));
  state = join(scratch, 'state');
  process.env.CMTSMEDIA_STATE_DIR = state;
  warnings = [];
});
afterEach(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

/** A status record as a killed engine leaves it: Running, its process gone, a journal to replay. */
function killedRecord(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const op = new Operation({ mediaType: 'CD', destinationPath: join(scratch, 'media.iso'), bootImageId: 'PS100005' });
  const record = JSON.parse(readFileSync(join(state, 'operations', `${op.id}.json`), 'utf8'));
  op.succeed(0);
  rmSync(join(state, 'operations', `${op.id}.json`));
  return { ...record, operationId: id, state: 'Running', endedAt: null, pid: deadPid(), processStartTime: null, ...fields };
}

const id = (n: number) => `0f8c0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const recordFile = (n: number) => join(stateFolder('operations'), `${id(n)}.json`);

function victim(name = 'victim.txt'): string {
  const path = join(scratch, name);
  writeFileSync(path, 'not the engine\'s');
  return path;
}

describe('trust only own state', () => {
  it.runIf(isRoot)('ignores a record another user planted, with a warning, and touches nothing it lists', () => {
    const target = victim();
    writeFileSync(recordFile(1), JSON.stringify(killedRecord(id(1), { undo: [{ remove: target }] })));
    chownSync(recordFile(1), nobody, nobody);
    sweepOperations(warn);
    expect(existsSync(target)).toBe(true);
    expect(JSON.parse(readFileSync(recordFile(1), 'utf8')).state).toBe('Running');
    expect(warnings).toEqual([expect.stringContaining(`${recordFile(1)} is owned by uid ${nobody}`)]);
    expect(listOperations(warn)).toEqual([]);
  });

  it('never replays a step that is not the operation\'s own temporary file', () => {
    const target = victim();
    const ownTemp = join(scratch, '.media.iso.00000000000000ab.cmtsmedia-tmp');
    writeFileSync(ownTemp, 'partial');
    const foreignTemp = join(scratch, 'elsewhere', '.other.iso.00000000000000cd.cmtsmedia-tmp');
    mkdirSync(join(scratch, 'elsewhere'));
    writeFileSync(foreignTemp, 'someone else\'s');
    const undo = [{ remove: target }, { remove: ownTemp }, { remove: foreignTemp }, { restore: target, to: join(scratch, 'x') }];
    writeFileSync(recordFile(2), JSON.stringify(killedRecord(id(2), { undo })));
    sweepOperations(warn);
    expect(existsSync(ownTemp)).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('not the engine\'s');
    expect(existsSync(foreignTemp)).toBe(true);
    expect(readOperation(id(2)).state).toBe('Interrupted');
    expect(warnings).toHaveLength(3);
    for (const w of warnings) expect(w).toMatch(/which is not a path operation .* made; it was left alone/);
  });

  it('ignores a record reached through a symlink or a hard link', () => {
    const target = victim();
    const elsewhere = join(scratch, 'planted.json');
    writeFileSync(elsewhere, JSON.stringify(killedRecord(id(3), { undo: [{ remove: join(scratch, '.media.iso.00000000000000ef.cmtsmedia-tmp') }, { remove: target }] })));
    symlinkSync(elsewhere, recordFile(3));
    const linked = join(scratch, 'linked.json');
    writeFileSync(linked, JSON.stringify(killedRecord(id(4))));
    linkSync(linked, recordFile(4));
    sweepOperations(warn);
    expect(existsSync(target)).toBe(true);
    expect(warnings.sort()).toEqual([expect.stringContaining(`${recordFile(3)} is a symbolic link`), expect.stringContaining(`${recordFile(4)} has 2 hard links`)].sort());
  });

  it('refuses a state folder that is a symlink or writable by others, with a typed error naming it', () => {
    const real = join(scratch, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, state);
    expect(() => sweepOperations(warn)).toThrow(expect.objectContaining({ code: 'E_ACCESSDENIED', detail: expect.stringContaining(`${state} is a symbolic link`) }));
    rmSync(state);
    mkdirSync(state);
    chmodSync(state, 0o777);
    expect(() => listOperations(warn)).toThrow(expect.objectContaining({ code: 'E_ACCESSDENIED', detail: expect.stringContaining('is writable by its group (mode 777)') }));
    chmodSync(state, 0o700);
    mkdirSync(join(state, 'operations'), { mode: 0o703 });
    chmodSync(join(state, 'operations'), 0o703);
    expect(() => listOperations(warn)).toThrow(expect.objectContaining({ code: 'E_ACCESSDENIED', detail: expect.stringContaining('is writable by other users (mode 703)') }));
  });

  it.runIf(isRoot)('refuses a state folder owned by another user', () => {
    mkdirSync(state, { mode: 0o700 });
    chownSync(state, nobody, nobody);
    expect(() => sweepOperations(warn)).toThrow(expect.objectContaining({ code: 'E_ACCESSDENIED', detail: expect.stringContaining(`is owned by uid ${nobody}`) }));
  });
});

describe('bad records', () => {
  it('skips corrupt, empty, null, {}, misnamed and huge status files with a warning and lists the rest', () => {
    const good = new Operation({ mediaType: 'CD', destinationPath: join(scratch, 'good.iso'), bootImageId: 'PS100005' });
    good.succeed(1);
    writeFileSync(recordFile(10), '{"operationId": "0f8c');
    writeFileSync(recordFile(11), '');
    writeFileSync(recordFile(12), 'null');
    writeFileSync(recordFile(13), '{}');
    writeFileSync(recordFile(14), JSON.stringify(killedRecord(id(99))));
    writeFileSync(recordFile(15), JSON.stringify(killedRecord(id(15), { undo: 'rm -rf /' })));
    // 300 MB, sparse: read whole, it would take the engine's memory; it is never read.
    writeFileSync(recordFile(16), '{"operationId":');
    truncateSync(recordFile(16), 300 * 2 ** 20);
    const listed = listOperations(warn);
    expect(listed.map((o) => o.operationId)).toEqual([good.id]);
    const why = (n: number) => warnings.find((w) => w.includes(recordFile(n)));
    expect(why(10)).toContain('is not valid JSON');
    expect(why(11)).toContain('is empty');
    expect(why(12)).toContain('does not hold a status record');
    expect(why(13)).toContain('does not hold the record its name says');
    expect(why(14)).toContain('does not hold the record its name says');
    expect(why(15)).toContain('has an invalid undo journal');
    expect(why(16)).toContain(`has ${300 * 2 ** 20} bytes, more than the`);
    expect(warnings).toHaveLength(7);
    expect(() => readOperation(id(12), warn)).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_OPERATIONNOTFOUND' }));
    sweepOperations(warn); // acts on none of them, and does not fail
    expect(readOperation(good.id).state).toBe('Succeeded');
  });

  it('never waits on a status file that is a FIFO', () => {
    mkdirSync(join(state, 'operations'), { recursive: true, mode: 0o700 });
    spawnSync('mkfifo', [recordFile(20)]);
    expect(listOperations(warn)).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining(`${recordFile(20)} is not a regular file`)]);
  });
});
