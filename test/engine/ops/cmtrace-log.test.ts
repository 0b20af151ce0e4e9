import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CmTraceLog, defaultLogPath, formatCmTraceLine, rolledLogPath } from '../../../engine/src/ops/cmtrace-log.js';
import { useTempStateDir } from '../../helpers/state.js';
import { startEngine } from '../protocol/harness.js';

/** The line pattern CMTrace-style readers parse (ConfigMgr client and server logs; docs/logging.md). */
const cmTraceLine = /^<!\[LOG\[(?<message>.*?)\]LOG\]!><time="(?<time>\d{2}:\d{2}:\d{2}\.\d{3})(?<bias>[+-]\d{3})" date="(?<date>\d{2}-\d{2}-\d{4})" component="(?<component>[^"]*)" context="[^"]*" type="(?<type>[123])" thread="(?<thread>\d+)" file="(?<file>[^"]*)">$/;

const linesOf = (path: string) => readFileSync(path, 'utf8').split('\r\n').filter(Boolean);

const stateDir = useTempStateDir('cmts-log-');

describe('CMTrace lines', () => {
  it('writes local time with the UTC bias, date as MM-dd-yyyy, and the entry fields', () => {
    const at = new Date(2026, 10, 26, 7, 5, 9, 42); // local time
    const line = formatCmTraceLine({ message: 'hello', type: 2, component: 'CmTsMedia', thread: 4242, file: 'createBootMedia:1', at });
    const match = cmTraceLine.exec(line);
    expect(match?.groups).toMatchObject({ message: 'hello', time: '07:05:09.042', date: '11-26-2026', component: 'CmTsMedia', type: '2', thread: '4242', file: 'createBootMedia:1' });
    // Bias: minutes to add to local time to get UTC, as ConfigMgr writes it.
    expect(Number(match!.groups!.bias)).toBe(at.getTimezoneOffset());
  });

  it('keeps an entry on one line and its text inside the LOG marker', () => {
    const line = formatCmTraceLine({ message: 'a\r\nb\nc]LOG]!><time="x"', type: 1, component: 'C"x', thread: 1, file: 'f', at: new Date() });
    expect(line).not.toMatch(/[\r\n]/);
    const match = cmTraceLine.exec(line);
    expect(match?.groups?.message).toBe('a b c] LOG]!><time="x"');
    expect(match?.groups?.component).toBe('C_x');
  });
});

describe('CmTraceLog', () => {
  it('rolls to <name>.lo_ before a line would pass the size, keeping one older file', () => {
    const path = join(stateDir(), 'logs', 'CmTsMedia.log');
    const log = new CmTraceLog(path, { component: 'CmTsMedia', file: 'test', maxBytes: 2000 });
    for (let i = 0; i < 40; i++) log.info(`entry ${i} ${'x'.repeat(40)}`);
    const rolled = rolledLogPath(path);
    expect(rolled).toBe(join(stateDir(), 'logs', 'CmTsMedia.lo_'));
    expect(statSync(path).size).toBeLessThanOrEqual(2000);
    expect(statSync(rolled).size).toBeLessThanOrEqual(2000);
    const current = linesOf(path);
    const older = linesOf(rolled);
    // Nothing lost between the two files' boundary, and the older file holds the entries just before.
    const number = (line: string) => Number(/entry (\d+)/.exec(line)![1]);
    expect(number(current[0]!)).toBe(number(older.at(-1)!) + 1);
    expect(number(current.at(-1)!)).toBe(39);
    expect([...current, ...older].every((line) => cmTraceLine.test(line))).toBe(true);
  });

  it('never writes a secret, wherever it occurs in a message', () => {
    const path = join(stateDir(), 'secret.log');
    const log = new CmTraceLog(path, { component: 'CmTsMedia', file: 'test', secrets: ['Pa55-word', ''] });
    log.error('could not open with Pa55-word (Pa55-word)');
    expect(readFileSync(path, 'utf8')).toContain('could not open with ******** (********)');
    expect(readFileSync(path, 'utf8')).not.toContain('Pa55');
  });

  it('defaults to logs/CmTsMedia.log in the state folder', () => {
    expect(defaultLogPath()).toBe(join(stateDir(), 'logs', 'CmTsMedia.log'));
    expect(rolledLogPath('/x/other.txt')).toBe('/x/other.txt.lo_');
  });

  it('throws when the file cannot be created', () => {
    writeFileSync(join(stateDir(), 'file'), '');
    expect(() => new CmTraceLog(join(stateDir(), 'file', 'x.log'), { component: 'c', file: 'f' })).toThrow(/ENOTDIR|EEXIST/);
  });
});

describe('createBootMedia writes the log', () => {
  const demoCatalog = resolve('module/Demo/site.json');

  it('logs request, steps, warnings and the result as CMTrace lines; the result names the file', async () => {
    const engine = startEngine();
    const destinationPath = join(stateDir(), 'demo.iso');
    engine.send({ id: 1, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath, bootImageId: 'PS100005', siteCatalog: demoCatalog, mediaPassword: 'Log-Test-Secret-1' } });
    const reply = await engine.reply(1);
    await engine.end();
    expect(reply.error).toBeUndefined();
    const path = join(stateDir(), 'logs', 'CmTsMedia.log');
    expect(reply.result.logPath).toBe(path);
    expect(engine.lines().some((m) => m.event === 'log' && m.message === `log file: ${path}`)).toBe(true);
    const lines = linesOf(path);
    const entries = lines.map((line) => cmTraceLine.exec(line)?.groups);
    expect(entries.every(Boolean)).toBe(true);
    const messages = entries.map((e) => e!.message);
    expect(messages[0]).toMatch(/^createBootMedia: mediaType=CD, destinationPath=.*demo\.iso, bootImageId=PS100005, siteCatalog=.*, mediaPassword=\(given\)$/);
    expect(messages).toContain(`operation ${reply.result.operationId} started`);
    expect(messages).toContain('step 5 of 5: Writing the ISO image');
    expect(entries.some((e) => e!.type === '2' && /demo site/.test(e!.message))).toBe(true);
    expect(messages.at(-1)).toMatch(new RegExp(`^createBootMedia succeeded: operationId=${reply.result.operationId}, .*bytesWritten=${reply.result.bytesWritten}`));
    expect(entries.every((e) => e!.component === 'CmTsMedia' && e!.file === 'createBootMedia:1' && e!.thread === String(process.pid))).toBe(true);
    expect(readFileSync(path, 'utf8')).not.toContain('Log-Test-Secret-1');
  }, 60_000);

  it('logs a failure as an error entry, and an unwritable -LogPath is the request\'s typed error', async () => {
    const engine = startEngine();
    const logPath = join(stateDir(), 'mine', 'media.log');
    engine.send({ id: 1, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: join(stateDir(), 'x.iso'), bootImageId: 'PS100099', siteCatalog: demoCatalog, logPath } });
    writeFileSync(join(stateDir(), 'plain-file'), '');
    engine.send({ id: 2, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: join(stateDir(), 'y.iso'), bootImageId: 'PS100005', siteCatalog: demoCatalog, logPath: join(stateDir(), 'plain-file', 'media.log') } });
    engine.send({ id: 3, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: join(stateDir(), 'z.iso'), bootImageId: 'PS100005', siteCatalog: demoCatalog, logPath: stateDir() } });
    const failed = await engine.reply(1);
    const refused = await engine.reply(2);
    const folder = await engine.reply(3);
    await engine.end();
    expect(failed.error.code).toBe('CREATETSMEDIA_E_MISSINGPACKAGE');
    const last = cmTraceLine.exec(linesOf(logPath).at(-1)!)!.groups!;
    expect(last.type).toBe('3');
    expect(last.message).toMatch(/^createBootMedia failed: CREATETSMEDIA_E_MISSINGPACKAGE \(0x80040003\) .*PS100099/);
    expect(refused.error).toMatchObject({ code: 'E_PATHNOTFOUND', detail: join(stateDir(), 'plain-file', 'media.log') });
    expect(folder.error).toMatchObject({ code: 'E_INVALIDARG', detail: `logPath ${stateDir()} is a folder; give the path of the log file` });
    expect(existsSync(join(stateDir(), 'y.iso')) || existsSync(join(stateDir(), 'z.iso'))).toBe(false);
    expect(existsSync(join(stateDir(), 'logs', 'CmTsMedia.log'))).toBe(false);
  }, 60_000);
});
