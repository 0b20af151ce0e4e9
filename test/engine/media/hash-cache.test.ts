/**
 * The boot image's digest remembered between creations (ops/hash-cache.ts, docs/performance.md
 * "Hash cache"): used only for the same, unchanged file, checked again after the copy, kept in the
 * state folder and read only when the engine may trust it.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeManifest, manifestPath } from '../../../engine/src/formats/manifest/index.js';
import { bootImageSource } from '../../../engine/src/media/boot-image-source.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import { cachedSha256, fileIdentity, identitySettled, rememberSha256 } from '../../../engine/src/ops/hash-cache.js';
import { useTempStateDir } from '../../helpers/state.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const fake = 'f'.repeat(64);
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-hashcache-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const state = useTempStateDir('cmts-hashcache-state-');
const cacheFile = () => join(state(), 'cache', 'sha256.json');

function wim(name: string, text = 'not really a WIM, bootImageSource does not parse it'): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}
const bootImage = (wimPath: string) => ({ wimPath, packageId: 'PS100005' }) as Parameters<typeof bootImageSource>[0];

describe('file identity', () => {
  it('changes when the file is rewritten with the same size and its modification time put back', () => {
    const path = wim('same-size.wim', 'AAAA');
    const before = fileIdentity(path);
    const { atime, mtime } = statSync(path);
    writeFileSync(path, 'BBBB');
    utimesSync(path, atime, mtime);
    expect(before).toMatch(/^\d+:\d+:4:\d+:\d+$/);
    expect(fileIdentity(path)).not.toBe(before);
  });

  it('is undefined for a folder or a missing file', () => {
    expect(fileIdentity(scratch)).toBeUndefined();
    expect(fileIdentity(join(scratch, 'absent.wim'))).toBeUndefined();
  });
});

describe('the boot image source and the cache', () => {
  it('remembers the digest of an unchanged file, and knows it the next time', async () => {
    const path = wim('remember.wim');
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // settled: see the next test
    const first = await bootImageSource(bootImage(path));
    expect(first.knownSha256).toBeUndefined();
    first.checkSha256!(sha256(readFileSync(path)));
    expect(cachedSha256(fileIdentity(path)!)).toBe(sha256(readFileSync(path)));
    const second = await bootImageSource(bootImage(path));
    await expect(second.knownSha256!()).resolves.toBe(sha256(readFileSync(path)));
  });

  it('does not remember the digest of a file changed in the last 2 s (a write in the same timestamp step would not show)', async () => {
    const path = wim('racy.wim');
    const identity = fileIdentity(path)!;
    expect(identitySettled(identity)).toBe(false);
    expect(identitySettled(identity, Date.now() + 2_000)).toBe(true);
    const source = await bootImageSource(bootImage(path));
    source.checkSha256!(sha256(readFileSync(path)));
    expect(cachedSha256(identity)).toBeUndefined();
  });

  it('does not remember a digest when the file changed during the copy', async () => {
    const path = wim('changed-during.wim');
    const source = await bootImageSource(bootImage(path));
    appendFileSync(path, 'more');
    source.checkSha256!(fake);
    expect(cachedSha256(fileIdentity(path)!)).toBeUndefined();
    expect(existsSync(cacheFile())).toBe(false);
  });

  it('refuses a known digest when the file changed after it was planned (CMTSMEDIA_E_SOURCECHANGED)', async () => {
    const path = wim('changed-after.wim');
    rememberSha256(fileIdentity(path)!, fake);
    const source = await bootImageSource(bootImage(path));
    const { atime, mtime } = statSync(path);
    writeFileSync(path, 'not really a WIM, bootImageSource does not parse IT');
    utimesSync(path, atime, mtime);
    await expect(source.knownSha256!()).rejects.toMatchObject({ code: 'CMTSMEDIA_E_SOURCECHANGED', detail: path });
  });

  it('keeps the newest 32 digests', () => {
    for (let i = 0; i < 40; i++) rememberSha256(`1:${i}:1:1:1`, sha256(new Uint8Array([i])));
    const kept = JSON.parse(readFileSync(cacheFile(), 'utf8')) as Record<string, string>;
    expect(Object.keys(kept)).toHaveLength(32);
    expect(kept['1:39:1:1:1']).toBe(sha256(new Uint8Array([39])));
    expect(kept['1:7:1:1:1']).toBeUndefined();
  });

  it('ignores a cache file that is a symbolic link, or holds what is not a digest', () => {
    const path = wim('untrusted.wim');
    const identity = fileIdentity(path)!;
    rememberSha256(identity, sha256(readFileSync(path)));
    const planted = join(scratch, 'planted.json');
    writeFileSync(planted, JSON.stringify({ [identity]: fake }));
    rmSync(cacheFile());
    symlinkSync(planted, cacheFile());
    expect(cachedSha256(identity)).toBeUndefined();
    rmSync(cacheFile());
    writeFileSync(cacheFile(), JSON.stringify({ [identity]: 'not a digest' }), { mode: 0o600 });
    expect(cachedSha256(identity)).toBeUndefined();
  });
});

describe.skipIf(spawnSync('which', ['xorriso']).status !== 0)('creations from one boot image', () => {
  const demoCatalog = resolve('module/Demo/site.json');
  const context = { signal: new AbortController().signal, event: () => undefined };
  const create = (name: string) =>
    createBootMedia({ mediaType: 'CD', destinationPath: join(scratch, name), bootImageId: 'PS100005', siteCatalog: demoCatalog } as CreateBootMediaParams, context);
  const manifestOf = (iso: string) => {
    const out = join(scratch, `${iso}.manifest.json`);
    execFileSync('xorriso', ['-osirrox', 'on', '-indev', join(scratch, iso), '-extract', `/${manifestPath.replaceAll('\\', '/')}`, out], { stdio: 'ignore' });
    return decodeManifest(readFileSync(out));
  };
  const wimDigest = (iso: string) => manifestOf(iso).files.find((f) => f.path === 'sources\\boot.wim')!.sha256;

  it('take the second digest from the cache: what is remembered is what the manifest records', async () => {
    await create('first.iso');
    const remembered = JSON.parse(readFileSync(cacheFile(), 'utf8')) as Record<string, string>;
    const [identity, digest] = Object.entries(remembered)[0]!;
    expect(digest).toBe(wimDigest('first.iso'));
    // a planted digest for the same identity shows that the next creation does not hash the file
    writeFileSync(cacheFile(), JSON.stringify({ [identity]: fake }), { mode: 0o600 });
    await create('second.iso');
    expect(wimDigest('second.iso')).toBe(fake);
  }, 60_000);
});
