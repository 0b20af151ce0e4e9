/**
 * The protocol contract (engine/src/protocol/messages.ts → engine/protocol.schema.json): the committed
 * schema is the one the engine's declarations give, and every line the real engine executable writes,
 * every result of its command and every request we send validate against it with Ajv, an independent
 * JSON Schema validator.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, linuxEngine, root, type Line } from '../build/engine.js';

const SCHEMA = join(root, 'engine', 'protocol.schema.json');

const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(schema, 'protocol');
const validate = (ref: string, value: unknown): string => (ajv.validate(`protocol${ref}`, value) ? '' : ajv.errorsText(ajv.errors));

it('the committed schema is what the engine declares (npm run build rewrites it)', () => {
  const check = spawnSync(process.execPath, [join(root, 'build', 'emit-schema.mjs'), '--check'], { encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});

/** One engine process; requests are sent one after another, each answered before the next. */
function session(env: NodeJS.ProcessEnv) {
  const child = spawn(linuxEngine, [], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH, ...env } });
  const lines: Line[] = [];
  let buffered = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, nl)));
      buffered = buffered.slice(nl + 1);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const request = async (id: number, command: string, params: Record<string, unknown> = {}): Promise<Line> => {
    child.stdin.write(`${JSON.stringify({ id, command, params })}\n`);
    for (;;) {
      const reply = lines.find((l) => l.id === id && ('result' in l || 'error' in l));
      if (reply) return reply;
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  const end = () => new Promise<void>((done) => { child.on('close', () => done()); child.stdin.end(); });
  return { lines, request, end };
}

describe.skipIf(!built(linuxEngine))('the real engine speaks the schema', () => {
  let scratch: string;
  beforeAll(() => { scratch = mkdtempSync(join(tmpdir(), 'cmts-schema-')); });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('hello, events, results of every command and errors', async () => {
    const engine = session({ CMTSMEDIA_STATE_DIR: join(scratch, 'state') });
    const demo = { mediaType: 'CD', destinationPath: join(scratch, 'demo.iso'), bootImageId: 'PS100005', siteCatalog: resolve('module/Demo/site.json') };
    const requests: Array<[string, Record<string, unknown>]> = [
      ['version', {}],
      ['getBootImages', { siteCatalog: demo.siteCatalog }],
      ['checkBootMedia', demo],
      ['createBootMedia', { ...demo, mediaLabel: 'Schema test' }],
      ['inspectMedia', { path: demo.destinationPath, siteCatalog: demo.siteCatalog }],
      ['getStatus', {}],
      ['describeDisk', { destinationPath: join(scratch, 'new.img'), imageSizeBytes: 64 * 2 ** 20 }],
      ['cancel', { requestId: 99 }],
      ['createBootMedia', { ...demo, bootImageId: 'PS100099' }],
      ['noSuchCommand', {}],
    ];
    let id = 0;
    for (const [command, params] of requests) {
      id++;
      if (command !== 'noSuchCommand') expect(validate(`#/$defs/${command}Params`, params), `${command} params`).toBe('');
      const reply = await engine.request(id, command, params);
      if ('result' in reply) expect(validate(`#/$defs/${command}Result`, reply.result), `${command} result`).toBe('');
    }
    const created = engine.lines.find((l) => l.id === 4 && 'result' in l)!;
    const status = await engine.request(++id, 'getStatus', { operationId: created.result.operationId });
    expect(validate('#/$defs/getStatusResult', status.result)).toBe('');
    await engine.end();
    for (const line of engine.lines) expect(validate('', line), JSON.stringify(line).slice(0, 200)).toBe('');
    const kinds = new Set(engine.lines.map((l) => l.event ?? ('error' in l ? `error:${l.error.code}` : 'result')));
    expect([...kinds].sort()).toEqual(['error:CMTSMEDIA_E_UNKNOWNCOMMAND', 'error:CREATETSMEDIA_E_MISSINGPACKAGE', 'hello', 'log', 'progress', 'result', 'started', 'warning']);
  });

  it('rejects what the engine must not write: an unknown field, a missing one, a wrong type', () => {
    expect(validate('#/$defs/versionResult', { protocol: 1, engineVersion: '0', node: 'v22', platform: 'linux', arch: 'x64', extra: 1 })).toMatch(/additional properties/);
    expect(validate('#/$defs/cancelResult', {})).toMatch(/required property 'canceled'/);
    expect(validate('', { id: 1, event: 'progress', step: '1', steps: 5, stepInfo: 'x', percent: 1 })).not.toBe('');
  });
});
