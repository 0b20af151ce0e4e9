// Secrets (SECURITY.md "Secrets in the engine"): media and PFX passwords travel only in stdin lines. Creations with known
// passwords (CD and UFD+FORMAT), one that fails on the PFX password, ones killed in the middle of the
// write and a few malformed requests carrying them; the passwords must appear nowhere the engine writes or exposes.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEngine, EngineProcess, ensureDir, hasTool, makeBigSite, scratchDir, tempFiles, until, walk } from './harness.js';

const scratch = scratchDir('secrets');
const mediaPassword = `Media-Secret-${randomBytes(6).toString('hex')}`;
const pfxPassword = `Pfx-Secret-${randomBytes(6).toString('hex')}`;
const connectionPassword = `Conn-Secret-${randomBytes(6).toString('hex')}`;
const secrets = [mediaPassword, pfxPassword, connectionPassword];
let engine: string[];
let catalog: string;
let pfx: string;
const state = join(scratch.dir, 'state');
const out = ensureDir(join(scratch.dir, 'out'));
/** Everything the engine exposed: stdout, stderr, /proc/<pid>/cmdline and environ while it ran. */
const exposed: Array<[string, Buffer]> = [];

/** Where in `bytes` (UTF-8, UTF-16LE or hex of either) a secret shows, if anywhere. */
function leaks(bytes: Buffer): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    const forms = [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le'), Buffer.from(Buffer.from(secret, 'utf8').toString('hex')), Buffer.from(Buffer.from(secret, 'utf8').toString('base64'))];
    if (forms.some((form) => bytes.includes(form) || bytes.includes(Buffer.from(form.toString('latin1').toUpperCase(), 'latin1')))) found.push(secret);
  }
  return found;
}

/** Runs `requests` on one engine, sampling /proc while it works; `during` runs once it has started. */
async function session(label: string, requests: Array<Record<string, unknown> | string>, during?: (engine: EngineProcess) => Promise<void>): Promise<EngineProcess> {
  const child = new EngineProcess(engine, { stateDir: state });
  for (const r of requests) child.send(r);
  await child.waitFor((m) => m.event === 'hello');
  exposed.push([`${label} cmdline`, readFileSync(`/proc/${child.pid}/cmdline`)], [`${label} environ`, readFileSync(`/proc/${child.pid}/environ`)]);
  if (during) await during(child);
  await child.stop(60_000);
  exposed.push([`${label} stdout`, Buffer.from(child.lines.map((l) => JSON.stringify(l)).join('\n') + child.stdout)], [`${label} stderr`, Buffer.from(child.stderr)]);
  return child;
}

beforeAll(async () => {
  engine = await buildEngine(scratch.dir);
  catalog = makeBigSite(scratch.dir, 160 << 20).catalog;
  // A PFX under a password nobody else uses, made at test time.
  pfx = join(scratch.dir, 'media.pfx');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(scratch.dir, 'key.pem'), '-out', join(scratch.dir, 'cert.pem'), '-days', '30', '-subj', '/CN=cmtsmedia-secrets-test', '-addext', 'extendedKeyUsage=clientAuth'], { stdio: 'ignore' });
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(scratch.dir, 'key.pem'), '-in', join(scratch.dir, 'cert.pem'), '-passout', 'stdin', '-out', pfx], { input: `${pfxPassword}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
}, 120_000);
afterAll(() => scratch.cleanup());

/** A UFD+FORMAT disk image large enough for the 160 MiB boot image. */
const usbImage = { mediaType: 'UFD+FORMAT', imageSizeBytes: 224 << 20 };

const create = (id: number, destinationPath: string, extra: Record<string, unknown> = {}) => ({
  id,
  command: 'createBootMedia',
  params: {
    mediaType: 'CD', destinationPath, bootImageId: 'PS100005', siteCatalog: catalog, mediaPassword, certificatePath: pfx, certificatePassword: pfxPassword,
    connectionOptions: { Username: 'cm\\media', Password: connectionPassword }, ...extra,
  },
});

describe.runIf(hasTool('wimcapture') && hasTool('openssl') && existsSync('/proc/self/environ'))('secrets', () => {
  it('creates media with a media password and a PFX, and a wrong PFX password fails typed', async () => {
    const good = await session('good', [create(1, join(out, 'good.iso')), create(2, join(out, 'good.img'), usbImage)], async (e) => {
      for (const id of [1, 2]) {
        const reply = await e.reply(id, 60_000);
        expect(reply.result, JSON.stringify(reply.error)).toMatchObject({ mediaType: id === 1 ? 'CD' : 'UFD+FORMAT', bootImageId: 'PS100005' });
      }
    });
    expect(good.lines.find((m) => m.id === 1 && m.result)?.result.certificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
    const wrong = await session('wrong pfx password', [create(1, join(out, 'wrong.iso'), { certificatePassword: `${pfxPassword}-nope` })], async (e) => {
      const reply = await e.reply(1, 60_000);
      expect(reply.error?.code).toBe('CREATETSMEDIA_E_CERTPASSWORD');
    });
    expect(wrong.lines.some((m) => JSON.stringify(m).includes('-nope'))).toBe(false);
  }, 120_000);

  it('malformed and wrongly typed requests carrying the passwords are refused without echoing them', async () => {
    await session('malformed', [
      `{"id":1,"command":"createBootMedia","params":{"mediaPassword":"${mediaPassword}",\n`,
      { id: 2, command: 'createBootMedia', params: { mediaPassword: [mediaPassword] } },
      { id: 3, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: join(out, 'x.iso'), bootImageId: 'PS100005', siteCatalog: catalog, mediaPassword, bogus: pfxPassword } },
      { id: 4, command: 'noSuchCommand', params: { mediaPassword, certificatePassword: pfxPassword } },
      { id: 5, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: join(out, 'y.iso'), bootImageId: 'PS100005', siteCatalog: catalog, mediaPassword: 42, certificatePassword: { pfxPassword } } },
      { id: 6, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: join(out, 'z.iso'), bootImageId: 'PS100005', siteCatalog: catalog, connectionOptions: { Password: connectionPassword, Bogus: 'x' } } },
      { id: 7, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: join(out, 'w.iso'), bootImageId: 'PS100005', siteCatalog: catalog, connectionOptions: { Password: [connectionPassword] } } },
    ], async (e) => {
      for (const id of [2, 3, 4, 5, 6, 7]) expect((await e.reply(id)).error?.code, `request ${id}`).toMatch(/^(E_INVALIDARG|CMTSMEDIA_E_UNKNOWN\w+|CREATETSMEDIA_E_CONNECTION\w+)$/);
    });
  }, 60_000);

  it('creations killed in the middle of their write leave no secret in their orphaned temporary files', async () => {
    // One engine writes both, so that neither run's start-up sweep removes the other's temporary file.
    await session('killed', [create(1, join(out, 'killed.iso')), create(2, join(out, 'killed.img'), usbImage)], async (e) => {
      await until(() => tempFiles(out).length === 2);
      e.kill('SIGKILL');
      await e.exited;
    });
    const names = tempFiles(out).map((path) => basename(path).split('.').slice(1, 3).join('.'));
    expect(names.sort()).toEqual(['killed.img', 'killed.iso']);
  }, 60_000);

  it('the passwords appear nowhere: argv, environment, stdout, stderr, state folder, media and temporary files', () => {
    const files = [...walk(state), ...walk(out)].filter((f) => !f.isDir).map((f) => [f.path, readFileSync(f.path)] as [string, Buffer]);
    expect(files.some(([path]) => path.endsWith('.cmtsmedia-tmp'))).toBe(true);
    expect(files.some(([path]) => path.includes(`${join('state', 'operations')}`))).toBe(true);
    expect(files.some(([path]) => path.endsWith(join('state', 'logs', 'CmTsMedia.log')))).toBe(true);
    const found = [...exposed, ...files].flatMap(([where, bytes]) => leaks(bytes).map((secret) => `${where}: ${secret}`));
    expect(found).toEqual([]);
    // The check can fail: the same scan sees the passwords in the requests the test sent.
    expect(leaks(Buffer.from(JSON.stringify(create(1, 'x'))))).toEqual(secrets);
  });

  it('the state folder is private to the user: folders 0700, files 0600', () => {
    const entries = [{ path: state, isDir: true, mode: walk(join(state, '..')).find((e) => e.path === state)!.mode }, ...walk(state)];
    const wrong = entries.filter((e) => (e.isDir ? e.mode !== 0o700 : e.mode !== 0o600)).map((e) => `${e.path} ${e.mode.toString(8)}`);
    expect(wrong).toEqual([]);
    expect(entries.length).toBeGreaterThan(3);
  });
});
