import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { Operation, sweepOperations } from '../../../engine/src/ops/operations.js';
import { removeStatus } from '../../../engine/src/ops/remove-status.js';
import { useTempStateDir } from '../../helpers/state.js';
import { startEngine } from '../protocol/harness.js';

const stateDir = useTempStateDir('cmts-remove-', ['CMTSMEDIA_STATUS_RETENTION_DAYS']);

const fields = { mediaType: 'CD', destinationPath: '/x.iso', bootImageId: 'PS100005' };
const day = 24 * 3600_000;
const files = () => readdirSync(join(stateDir(), 'operations')).sort();
/** An operation that ended `daysAgo` days ago. */
function ended(daysAgo: number, fail = false): Operation {
  const at = new Date(Date.now() - daysAgo * day);
  const op = new Operation(fields, () => at);
  if (fail) op.fail(new CmTsError('CREATETSMEDIA_E_MISSINGPACKAGE', 'PS100099'));
  else op.succeed(1);
  return op;
}

describe('removeStatus', () => {
  it('removes finished operations, never a running one, and answers unknown ids with OPERATIONNOTFOUND', () => {
    const done = ended(0);
    const failed = ended(1, true);
    const running = new Operation(fields);
    const { operations } = removeStatus([done.id, failed.id, running.id, '6a3c0b1e-0000-4000-8000-000000000000']);
    expect(operations.map((o) => [o.removed, o.state ?? o.error?.code])).toEqual([
      [true, 'Succeeded'],
      [true, 'Failed'],
      [false, 'E_INVALIDARG'],
      [false, 'CMTSMEDIA_E_OPERATIONNOTFOUND'],
    ]);
    expect(operations[2]!.error!.detail).toBe(`operation ${running.id} is still running; only finished operations can be removed`);
    expect(files()).toEqual([`${running.id}.json`]);
    running.succeed(0);
  });

  it('undoes an interrupted operation\'s temporary files before removing its status', () => {
    // the temporary file lies beside its destination, as the sweep checks (docs/operations.md)
    const op = new Operation({ ...fields, destinationPath: join(stateDir(), 'x.iso') });
    const temp = join(stateDir(), '.x.iso.0000000000000001.cmtsmedia-tmp');
    writeFileSync(temp, 'partial');
    op.add([{ remove: temp }]);
    // As after a SIGKILL: the recorded process is gone.
    const file = join(stateDir(), 'operations', `${op.id}.json`);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const record = JSON.parse(readFileSync(file, 'utf8'));
    clearInterval((op as unknown as { heartbeat: NodeJS.Timeout }).heartbeat); // no heartbeat rewrites the pid back
    writeFileSync(file, JSON.stringify({ ...record, pid: dead }));
    const { operations } = removeStatus([op.id]);
    expect(operations[0]).toMatchObject({ removed: true, state: 'Interrupted' });
    expect(existsSync(temp)).toBe(false);
    expect(files()).toEqual([]);
  });
});

describe('automatic retention', () => {
  it('keeps finished operations 30 days by default', () => {
    const young = ended(29);
    ended(31);
    sweepOperations();
    expect(files()).toEqual([`${young.id}.json`]);
  });

  it('follows CMTSMEDIA_STATUS_RETENTION_DAYS; 0 keeps everything, a bad value means the default', () => {
    const a = ended(3);
    const b = ended(400);
    process.env.CMTSMEDIA_STATUS_RETENTION_DAYS = '0';
    sweepOperations();
    expect(files()).toEqual([`${a.id}.json`, `${b.id}.json`].sort());
    process.env.CMTSMEDIA_STATUS_RETENTION_DAYS = 'soon';
    sweepOperations();
    expect(files()).toEqual([`${a.id}.json`]);
    process.env.CMTSMEDIA_STATUS_RETENTION_DAYS = '2';
    sweepOperations();
    expect(files()).toEqual([]);
  });
});

describe('the removeStatus command', () => {
  it('takes a list of ids and refuses anything else by name', async () => {
    const done = ended(0);
    const engine = startEngine();
    engine.send({ id: 1, command: 'removeStatus', params: { operationIds: [done.id] } });
    engine.send({ id: 2, command: 'removeStatus', params: { operationIds: done.id } });
    engine.send({ id: 3, command: 'removeStatus', params: {} });
    const [one, two, three] = [await engine.reply(1), await engine.reply(2), await engine.reply(3)];
    await engine.end();
    expect(one.result).toEqual({ operations: [{ operationId: done.id, removed: true, state: 'Succeeded' }] });
    expect(two.error).toMatchObject({ code: 'E_INVALIDARG', detail: 'parameter operationIds must be an array of non-empty strings' });
    expect(three.error).toMatchObject({ code: 'E_INVALIDARG', detail: 'parameter operationIds is required' });
  });
});
