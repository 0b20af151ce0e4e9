// Hostile input, fuzzed with fixed seeds for a bounded number of cases, through a real engine
// process: protocol lines, site catalogs, PFX files, WIM files and paths. Never a crash or a hang,
// never E_UNEXPECTED: every request ends with a result or a typed error from the table.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTable } from '../../../engine/src/errors/index.js';
import { buildEngine, demoWim, EngineProcess, ensureDir, hasTool, isRoot, type Message, repoRoot, scratchDir, tempFiles, until } from './harness.js';
import { seededRandom } from '../../helpers/random.js';

const scratch = scratchDir('fuzz');
const codes = new Set(errorTable.map((row) => row.code));
const site = join(scratch.dir, 'site');
const out = join(scratch.dir, 'out');
const cwd = join(scratch.dir, 'cwd');
let engineCommand: string[];
let engine: EngineProcess;
let nextId = 0;

beforeAll(async () => {
  engineCommand = await buildEngine(scratch.dir);
  cpSync(join(repoRoot, 'module', 'Demo'), site, { recursive: true });
  ensureDir(out);
  ensureDir(cwd);
  engine = new EngineProcess(engineCommand, { stateDir: join(scratch.dir, 'state'), cwd });
  await engine.waitFor((m) => m.event === 'hello');
});
afterAll(async () => {
  await engine?.stop();
  scratch.cleanup();
});

/** What a reply must be: a result, or an error whose code is in the table and is not E_UNEXPECTED. */
function typed(reply: Message): string | null {
  if ('result' in reply) return null;
  const code = reply.error?.code;
  if (!codes.has(code)) return `unknown error ${JSON.stringify(reply.error)}`;
  if (code === 'E_UNEXPECTED') return `E_UNEXPECTED: ${reply.error.message}`;
  if (!/^0x[0-9A-F]{8}$/.test(reply.error.hresult)) return `bad hresult ${reply.error.hresult}`;
  return null;
}

/** Sends one request on the shared engine and returns its reply (a hang fails the test). */
async function ask(command: string, params: unknown, timeoutMs = 30_000): Promise<Message> {
  const id = `fuzz-${++nextId}`;
  engine.send({ id, command, params });
  return engine.reply(id, timeoutMs);
}

const create = (extra: Record<string, unknown>) => ({ mediaType: 'CD', destinationPath: join(out, `m-${nextId}.iso`), bootImageId: 'PS100005', siteCatalog: join(site, 'site.json'), ...extra });

/**
 * Every creation the engine started has ended: as many result/error lines as `started` events, per
 * id. A creation emits `started` while its request line is handled, so once a later request is
 * answered, every earlier creation is counted. Fire-and-forget requests (the protocol-line fuzz)
 * would otherwise still be writing when a later check looks for temporary files.
 */
async function allCreationsEnded(): Promise<void> {
  const ended = () => {
    const open = new Map<unknown, number>();
    for (const line of engine.lines) {
      if (line.event === 'started') open.set(line.id, (open.get(line.id) ?? 0) + 1);
      else if ('result' in line || 'error' in line) open.set(line.id, (open.get(line.id) ?? 0) - 1);
    }
    return [...open.values()].every((count) => count <= 0);
  };
  expect(await until(ended, 120_000), 'creations still running').toBe(true);
}

/** The engine is still alive and answering, and wrote nothing but protocol lines. */
async function stillServing(): Promise<void> {
  const reply = await ask('version', {});
  expect(reply.result?.protocol).toBe(1);
  await allCreationsEnded();
  expect(engine.lines.filter((l) => 'unparsable' in l)).toEqual([]);
  expect(engine.stderr).not.toMatch(/unexpected failure/);
  expect(tempFiles(out)).toEqual([]);
}

const hasTools = hasTool('xorriso') && hasTool('openssl');

describe.runIf(hasTools)('fuzz', () => {
  it('protocol lines: malformed JSON, huge lines, wrong types, unknown fields, deep nesting', async () => {
    const random = seededRandom(0xc0ffee);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const values = [null, true, 0, -1, 1.5, 2 ** 53, '', 'x'.repeat(5000), [], [1, 2], {}, { a: { b: 1 } }, 'CD', '../../etc/passwd', '\u202e\u0000'];
    const valid = () => JSON.stringify({ id: `p-${Math.floor(random() * 1e6)}`, command: pick(['version', 'getStatus', 'getBootImages', 'createBootMedia', 'cancel']), params: create({}) });
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const base = valid();
      switch (i % 6) {
        case 0: { // byte-level mutation of a valid line
          const chars = [...base];
          for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
            const at = Math.floor(random() * chars.length);
            const op = random();
            if (op < 0.4) chars.splice(at, 1);
            else if (op < 0.8) chars.splice(at, 0, pick(['{', '}', '[', ']', '"', ',', ':', '\\', '0', 'é', '\u0000']));
            else chars[at] = String.fromCharCode(Math.floor(random() * 0x7f));
          }
          lines.push(chars.join('').replace(/\n/g, ''));
          break;
        }
        case 1: { // wrong types for fields and parameters
          const message = JSON.parse(base) as Record<string, any>;
          const field = pick(['id', 'command', 'params']);
          if (random() < 0.5) message[field] = pick(values);
          else message.params[pick(Object.keys(message.params))] = pick(values);
          lines.push(JSON.stringify(message));
          break;
        }
        case 2: { // unknown fields at both levels
          const message = JSON.parse(base) as Record<string, any>;
          if (random() < 0.5) message[`extra${i}`] = pick(values);
          else message.params[pick(['__proto__', 'constructor', 'toString', 'MediaType', 'bogus'])] = pick(values);
          lines.push(JSON.stringify(message).replace('"bogus"', '"__proto__"'));
          break;
        }
        case 3: // not a request at all
          lines.push(pick(['[]', '1', '"x"', 'null', 'true', '{}', '{"id":{}}', '{"id":1}', '\ufeff{"id":2,"command":"version"}', '\r', ' ', '{"id":1e400,"command":"version"}']));
          break;
        case 4: // invalid UTF-8 and control bytes
          lines.push(Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x7b, 0x00, 0x22]).toString('latin1') + base.slice(0, 20));
          break;
        default: // truncated at a random point
          lines.push(base.slice(0, Math.floor(random() * base.length)));
      }
    }
    for (const line of lines) engine.send(`${line}\n`);
    // Huge and deep ones: a 2 MiB line, 100,000 nested arrays (top level and inside params), a deep object.
    engine.send(`{"id":"huge","command":"version","params":{"pad":"${'x'.repeat(2 << 20)}"}}\n`);
    engine.send(`${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    engine.send(`{"id":"deep","command":"createBootMedia","params":{"variables":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}\n`);
    engine.send(`{"id":"deepobj","command":"getStatus","params":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}\n`);
    await stillServing();
    for (const line of engine.lines.filter((l) => 'error' in l || 'result' in l)) expect(typed(line), JSON.stringify(line).slice(0, 300)).toBeNull();
    expect(engine.lines.find((l) => l.id === null && /exceeds the limit/.test(l.error?.message))?.error?.code).toBe('CMTSMEDIA_E_PROTOCOL');
    expect((await engine.reply('deep')).error?.code).toBe('E_INVALIDARG');
  }, 120_000);

  it('site catalogs: random mutations of the demo catalog', async () => {
    const random = seededRandom(0xca7a10);
    const original = JSON.parse(readFileSync(join(site, 'site.json'), 'utf8')) as unknown;
    const hostile = [null, 0, -1, 1e308, 65536, '', 'x'.repeat(10_000), '../../../../etc/passwd', '/dev/zero', 'certs', '\\\\server\\share\\x.cer', [], [null], {}, { a: 1 }, true, 'PS100005', 'https://MP01', '\u0000'];
    const paths = (node: unknown, at: Array<string | number> = []): Array<Array<string | number>> =>
      node !== null && typeof node === 'object' ? [at, ...Object.entries(node).flatMap(([k, v]) => paths(v, [...at, Array.isArray(node) ? Number(k) : k]))] : [at];
    const problems: string[] = [];
    for (let i = 0; i < 150; i++) {
      const doc = structuredClone(original) as any;
      for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
        const all = paths(doc).filter((p) => p.length > 0);
        const path = all[Math.floor(random() * all.length)]!;
        const parent = path.slice(0, -1).reduce((n: any, key) => n[key], doc);
        const key = path.at(-1)!;
        const op = random();
        if (op < 0.25) Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
        else if (op < 0.85) parent[key] = hostile[Math.floor(random() * hostile.length)];
        else parent[`unknown${k}`] = 1;
      }
      let text = JSON.stringify(doc, null, 1);
      if (i % 10 === 9) text = text.slice(0, Math.floor(random() * text.length)); // torn file
      const catalog = join(site, `fuzz-${i}.json`);
      writeFileSync(catalog, text);
      const params = create({ siteCatalog: catalog });
      const reply = i % 5 === 0 ? await ask('createBootMedia', params) : await ask('getBootImages', { siteCatalog: catalog });
      const wrong = typed(reply);
      if (wrong) problems.push(`catalog ${i}: ${wrong}\n${text.slice(0, 2000)}`);
      // A creation answers only once its own temporary files are gone.
      const mine = tempFiles(out).filter((path) => basename(path).startsWith(`.${basename(params.destinationPath)}.`));
      if (i % 5 === 0 && mine.length > 0) problems.push(`catalog ${i}: ${mine.join(', ')} still there at the reply`);
    }
    expect(problems).toEqual([]);
    await stillServing();
  }, 120_000);

  it('PFX files: random bytes, truncations, bit flips', async () => {
    const random = seededRandom(0x9f);
    const key = join(scratch.dir, 'key.pem');
    const cert = join(scratch.dir, 'cert.pem');
    const pfxPath = join(scratch.dir, 'good.pfx');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=fuzz', '-addext', 'extendedKeyUsage=clientAuth'], { stdio: 'ignore' });
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-passout', 'pass:fuzz', '-out', pfxPath], { stdio: 'ignore' });
    const good = readFileSync(pfxPath);
    const problems: string[] = [];
    for (let i = 0; i < 40; i++) {
      let bytes: Buffer;
      if (i % 4 === 0) bytes = Buffer.from(Array.from({ length: Math.floor(random() * 4096) }, () => Math.floor(random() * 256)));
      else if (i % 4 === 1) bytes = good.subarray(0, Math.floor(random() * good.length));
      else {
        bytes = Buffer.from(good);
        for (let k = 0; k < 1 + (i % 8); k++) bytes[Math.floor(random() * bytes.length)]! ^= 1 << Math.floor(random() * 8);
      }
      const path = join(scratch.dir, `fuzz-${i}.pfx`);
      writeFileSync(path, bytes);
      const reply = await ask('createBootMedia', create({ certificatePath: path, certificatePassword: 'fuzz' }));
      const wrong = typed(reply);
      if (wrong) problems.push(`pfx ${i} (${bytes.length} bytes): ${wrong}`);
    }
    expect(problems).toEqual([]);
    await stillServing();
  }, 120_000);

  it('WIM files: corrupted and truncated boot images through the whole pipeline', async () => {
    const random = seededRandom(0x1b);
    const good = readFileSync(demoWim);
    const wimFolder = join(site, 'content', 'dp01', 'PS100005');
    const problems: string[] = [];
    for (let i = 0; i < 30; i++) {
      const bytes = Buffer.from(good);
      if (i % 3 === 0) {
        // the 208-byte header, where every field steers the reader
        for (let k = 0; k < 4; k++) bytes[Math.floor(random() * 208)] = Math.floor(random() * 256);
      } else if (i % 3 === 1) {
        const at = Math.floor(random() * bytes.length);
        bytes.fill(Math.floor(random() * 256), at, at + 1 + Math.floor(random() * 512));
      }
      const wim = i % 3 === 2 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      writeFileSync(join(wimFolder, 'boot.PS100005.wim'), wim);
      const reply = await ask('createBootMedia', create({}));
      const wrong = typed(reply);
      if (wrong) problems.push(`wim ${i}: ${wrong}`);
    }
    writeFileSync(join(wimFolder, 'boot.PS100005.wim'), good);
    expect(problems).toEqual([]);
    await stillServing();
  }, 120_000);

  it('paths: relative, traversal, devices, pipes, folders, very long, Unicode, NUL', async () => {
    const file = join(scratch.dir, 'plain.txt');
    writeFileSync(file, 'x');
    mkdirSync(join(scratch.dir, 'sibling'), { recursive: true });
    execFileSync('mkfifo', [join(scratch.dir, 'fifo')]);
    const device = join(scratch.dir, 'null-device');
    if (isRoot) execFileSync('mknod', [device, 'c', '1', '3']);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['relative', { destinationPath: 'relative.iso' }, 'ok'],
      ['traversal', { destinationPath: '../sibling/../sibling/traversal.iso' }, 'ok'],
      ['Unicode', { destinationPath: join(out, 'Ünïcødé 名前 🚀.iso') }, 'ok'],
      ['a folder', { destinationPath: out }, 'E_INVALIDARG'],
      ['empty', { destinationPath: '' }, 'E_INVALIDARG'],
      ['NUL', { destinationPath: join(out, 'a\u0000b.iso') }, 'E_INVALIDARG'],
      ['a 300-byte name', { destinationPath: join(out, `${'n'.repeat(300)}.iso`) }, 'E_INVALIDARG'],
      ['a 5000-byte path', { destinationPath: join(out, ...Array.from({ length: 50 }, () => 'd'.repeat(99)), 'x.iso') }, 'E_PATHNOTFOUND|E_INVALIDARG'],
      ['a missing folder', { destinationPath: join(out, 'missing', 'x.iso') }, 'E_PATHNOTFOUND'],
      ['a file as folder', { destinationPath: join(file, 'x.iso') }, 'E_PATHNOTFOUND'],
      ['/dev/null', { destinationPath: '/dev/null' }, 'E_INVALIDARG|E_FILEEXISTS'],
      ['a pipe, with force', { destinationPath: join(scratch.dir, 'fifo'), force: true }, 'E_INVALIDARG'],
      ...(isRoot ? [['a device node, with force', { destinationPath: device, force: true }, 'E_INVALIDARG'] as [string, Record<string, unknown>, string]] : []),
      ['catalog /dev/zero', { siteCatalog: '/dev/zero' }, 'E_INVALIDARG'],
      ['catalog a pipe', { siteCatalog: join(scratch.dir, 'fifo') }, 'E_INVALIDARG'],
      ['catalog a folder', { siteCatalog: site }, 'E_INVALIDARG'],
      ['catalog traversal', { siteCatalog: '../../../../../../../../nonexistent/site.json' }, 'E_FILENOTFOUND|E_PATHNOTFOUND'],
      ['PFX /dev/zero', { certificatePath: '/dev/zero' }, 'E_INVALIDARG'],
      ['PFX a folder', { certificatePath: scratch.dir }, 'E_INVALIDARG'],
      ['PFX missing', { certificatePath: join(scratch.dir, 'none.pfx') }, 'E_FILENOTFOUND'],
    ];
    const problems: string[] = [];
    for (const [name, params, expected] of cases) {
      const reply = await ask('createBootMedia', create(params), 20_000);
      const got = reply.result ? 'ok' : reply.error?.code;
      if (!new RegExp(`^(${expected})$`).test(got)) problems.push(`${name}: ${got} ${reply.error?.message ?? ''}, expected ${expected}`);
    }
    expect(problems).toEqual([]);
    expect(existsSync(join(cwd, 'relative.iso'))).toBe(true);
    expect(existsSync(join(scratch.dir, 'sibling', 'traversal.iso'))).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(statSync(join(scratch.dir, 'fifo')).isFIFO()).toBe(true);
    if (isRoot) expect(statSync(device).isCharacterDevice()).toBe(true);
    await stillServing();
  }, 120_000);
});
