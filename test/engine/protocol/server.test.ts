import { describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { maxLineBytes } from '../../../engine/src/protocol/server.js';
import { command } from '../../../engine/src/protocol/server.js';

/** Any object: these test commands are about the server, not about a result's shape. */
const anyResult = { object: {}, open: true } as const;
import { startEngine } from './harness.js';

describe('engine protocol', () => {
  it('says hello first, with the protocol and engine versions', async () => {
    const engine = startEngine();
    await engine.end();
    expect(engine.lines()[0]).toEqual({ event: 'hello', protocol: 1, engineVersion: 'test' });
  });

  it('answers version', async () => {
    const engine = startEngine();
    engine.send({ id: 1, command: 'version' });
    const reply = await engine.reply(1);
    expect(reply.result).toMatchObject({ protocol: 1, engineVersion: expect.any(String), platform: process.platform });
    await engine.end();
  });

  it('reads requests fed one byte at a time', async () => {
    const engine = startEngine();
    const bytes = Buffer.from('\uFEFF{"id":"a","command":"version"}\r\n{"id":"b","command":"version","params":{}}\n');
    for (const byte of bytes) engine.input.write(Buffer.from([byte]));
    expect((await engine.reply('a')).result.protocol).toBe(1);
    expect((await engine.reply('b')).result.protocol).toBe(1);
    await engine.end();
  });

  it('reads many requests arriving in one chunk, and a last line without a newline', async () => {
    const engine = startEngine();
    engine.send(Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: i, command: 'version' })).join('\n'));
    await engine.end();
    const replies = engine.lines().filter((m) => 'result' in m);
    expect(replies.map((m) => m.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('names an unknown command', async () => {
    const engine = startEngine();
    engine.send({ id: 7, command: 'formatEverything' });
    const { error } = await engine.reply(7);
    expect(error).toMatchObject({ code: 'CMTSMEDIA_E_UNKNOWNCOMMAND', hresult: '0xA0040002', detail: 'formatEverything' });
    expect(error.message).toContain('formatEverything');
    await engine.end();
  });

  it('names an unknown parameter and a mistyped one', async () => {
    const engine = startEngine();
    engine.send({ id: 1, command: 'getStatus', params: { operationID: 'x' } });
    engine.send({ id: 2, command: 'getStatus', params: { operationId: 42 } });
    engine.send({ id: 3, command: 'createBootMedia', params: { mediaType: 'DVD', destinationPath: 'a', bootImageId: 'b', siteCatalog: 'c' } });
    engine.send({ id: 4, command: 'createBootMedia', params: { mediaType: 'CD', bootImageId: 'b', siteCatalog: 'c' } });
    engine.send({ id: 5, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: 'a', bootImageId: 'b', siteCatalog: 'c', certificateValidEnd: 'tomorrow' } });
    engine.send({ id: 6, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: 'a', bootImageId: 'b', siteCatalog: 'c', variables: { OSDComputerName: 5 } } });
    expect((await engine.reply(1)).error).toMatchObject({ code: 'CMTSMEDIA_E_UNKNOWNPARAMETER', detail: expect.stringContaining('operationID') });
    expect((await engine.reply(2)).error).toMatchObject({ code: 'E_INVALIDARG', hresult: '0x80070057', detail: expect.stringContaining('operationId') });
    expect((await engine.reply(3)).error.detail).toContain('mediaType');
    expect((await engine.reply(4)).error.detail).toContain('destinationPath is required');
    expect((await engine.reply(5)).error.detail).toContain('certificateValidEnd');
    expect((await engine.reply(6)).error.detail).toContain('variables.OSDComputerName');
    await engine.end();
  });

  it('answers malformed JSON with a protocol error and stays up', async () => {
    const engine = startEngine();
    engine.send('{"id":1,"command":"version","params":{"mediaPassword":"Secret-123"\n');
    engine.send('[1,2]\n');
    engine.send('{"command":"version"}\n');
    engine.send('{"id":{},"command":"version"}\n');
    engine.send('{"id":9}\n');
    engine.send('{"id":10,"command":"version","extra":true}\n');
    engine.send({ id: 2, command: 'version' });
    expect((await engine.reply(2)).result.protocol).toBe(1);
    const errors = engine.lines().filter((m) => m.error);
    expect(errors.map((m) => [m.id, m.error.code])).toEqual([
      [null, 'CMTSMEDIA_E_PROTOCOL'],
      [null, 'CMTSMEDIA_E_PROTOCOL'],
      [null, 'CMTSMEDIA_E_PROTOCOL'],
      [null, 'CMTSMEDIA_E_PROTOCOL'],
      [9, 'CMTSMEDIA_E_PROTOCOL'],
      [10, 'CMTSMEDIA_E_PROTOCOL'],
    ]);
    expect(engine.raw()).not.toContain('Secret-123');
    await engine.end();
  });

  it('drops a line over the limit and reads the next one', async () => {
    const engine = startEngine();
    const huge = `{"id":1,"command":"version","params":{"x":"${'a'.repeat(maxLineBytes)}"}}\n`;
    for (let i = 0; i < huge.length; i += 65536) engine.input.write(huge.slice(i, i + 65536));
    engine.send({ id: 2, command: 'version' });
    expect((await engine.reply(2)).result.protocol).toBe(1);
    const [error] = engine.lines().filter((m) => m.error);
    expect(error).toMatchObject({ id: null, error: { code: 'CMTSMEDIA_E_PROTOCOL', detail: expect.stringContaining('exceeds the limit') } });
    await engine.end();
  });

  it('refuses a second request with the id of a running one', async () => {
    let release!: () => void;
    const engine = startEngine(() => ({ wait: command({}, anyResult)(() => new Promise((resolve) => (release = () => resolve({ ok: true })))) }));
    engine.send({ id: 1, command: 'wait' });
    await new Promise((r) => setTimeout(r, 20));
    engine.send({ id: 1, command: 'version' });
    expect((await engine.waitFor((m) => m.error)).error.code).toBe('CMTSMEDIA_E_PROTOCOL');
    release();
    expect((await engine.reply(1)).result).toEqual({ ok: true });
    await engine.end();
  });

  it('cancels a running request on cancel, and on stdin EOF', async () => {
    const cleaned: string[] = [];
    const engine = startEngine(() => ({
      work: command({}, anyResult)((_params, context) =>
        new Promise<Record<string, unknown>>((_resolve, reject) => {
          context.event('progress', { percent: 1 });
          context.signal.addEventListener('abort', () => {
            cleaned.push(String(context.id));
            reject(context.signal.reason);
          });
        }),
      ),
    }));
    engine.send({ id: 'w1', command: 'work' });
    engine.send({ id: 'w2', command: 'work' });
    await engine.waitFor((m) => m.id === 'w2' && m.event === 'progress');
    engine.send({ id: 'c', command: 'cancel', params: { requestId: 'w1' } });
    expect((await engine.reply('c')).result).toEqual({ canceled: true });
    expect((await engine.reply('w1')).error).toMatchObject({ code: 'E_CANCELLED', hresult: '0x800704C7' });
    engine.send({ id: 'c2', command: 'cancel', params: { requestId: 'nothing' } });
    expect((await engine.reply('c2')).result).toEqual({ canceled: false });
    await engine.end();
    expect((await engine.reply('w2')).error.code).toBe('E_CANCELLED');
    expect(cleaned).toEqual(['w1', 'w2']);
  });

  it('turns unexpected failures into E_UNEXPECTED and typed ones into their own code', async () => {
    const engine = startEngine(() => ({
      boom: command({}, anyResult)(async () => {
        throw new TypeError('x is undefined');
      }),
      typed: command({}, anyResult)(async () => {
        throw new CmTsError('CREATETSMEDIA_E_MISSINGPACKAGE', 'PS100099');
      }),
    }));
    const stderr = process.stderr.write;
    let diagnostics = '';
    process.stderr.write = (chunk: string | Uint8Array) => {
      diagnostics += String(chunk);
      return true;
    };
    try {
      engine.send({ id: 1, command: 'boom' });
      engine.send({ id: 2, command: 'typed' });
      // The reply carries the error's message only; its stack (with the build's paths) goes to stderr,
      // which the module shows only in the Debug stream (issue 15 item 10, docs/module.md "Errors").
      const unexpected = await engine.reply(1);
      expect(unexpected.error).toMatchObject({ code: 'E_UNEXPECTED', hresult: '0x8000FFFF', detail: 'x is undefined' });
      expect(JSON.stringify(unexpected)).not.toMatch(/\bat\s|\.[cm]?[jt]s:\d|node:internal|engine\/src|test\/engine/);
      expect(diagnostics).toMatch(/^cmtsmedia-engine: unexpected failure: TypeError: x is undefined\n\s+at .*server\.test\.ts:\d+/);
      expect((await engine.reply(2)).error).toEqual({
        code: 'CREATETSMEDIA_E_MISSINGPACKAGE',
        hresult: '0x80040003',
        message: 'Package PS100099 is not available on the specified distribution points.',
        detail: 'PS100099',
      });
    } finally {
      process.stderr.write = stderr;
    }
    await engine.end();
  });

  it('survives a client that closes stdout (EPIPE)', async () => {
    const engine = startEngine();
    engine.output.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    engine.send({ id: 1, command: 'version' });
    await engine.end();
  });
});
