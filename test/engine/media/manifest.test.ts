/**
 * The manifest (docs/readback.md): on CD and UFD+FORMAT media made by createBootMedia, read back
 * with tools we did not write (xorriso, mtools), it lists every other file of the media with its
 * size and the SHA-256 of the bytes those tools extract, and its data come last in the image.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeManifest, encodeManifest, manifestPath, plannedManifestBytes, type MediaManifest } from '../../../engine/src/formats/manifest/index.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { engineVersion } from '../../../engine/src/version.js';

const demoCatalog = resolve('module/Demo/site.json');
const have = (...tools: string[]) => tools.every((t) => spawnSync('which', [t]).status === 0);
const context = (): RequestContext => ({ id: 1, signal: new AbortController().signal, event: () => undefined });
const params = (extra: Partial<CreateBootMediaParams>): CreateBootMediaParams =>
  ({ bootImageId: 'PS100005', siteCatalog: demoCatalog, ...extra }) as CreateBootMediaParams;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-manifest-'));
  process.env.CMTSMEDIA_STATE_DIR = join(scratch, 'state');
});
afterAll(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

describe('manifest encoding', () => {
  const head = {
    schemaVersion: 1, creator: 'CmTsMedia', creatorVersion: '0.1.0', created: '2026-01-02T03:04:05.000Z', mediaType: 'CD', siteCode: 'PS1',
    bootImage: { packageId: 'PS100005', sourceVersion: 3, architecture: 'x64' }, managementPoints: ['http://MP01.contoso.com'],
    certificate: { thumbprint: 'AB'.repeat(20), notAfter: '2027-01-02T03:04:05.000Z' }, options: { label: 'Configuration Manager', passwordProtected: true },
  };
  it('has the planned size whatever the digests, and round-trips', () => {
    const files = [{ path: 'sources\\boot.wim', sizeBytes: 123456 }, { path: 'Ünïcode\\ファイル.txt', sizeBytes: 0 }];
    const manifest: MediaManifest = { ...head, files: files.map((f, i) => ({ ...f, sha256: sha256(new Uint8Array([i])) })) };
    const bytes = encodeManifest(manifest);
    expect(bytes.length).toBe(plannedManifestBytes({ ...head, files }));
    expect(decodeManifest(bytes)).toEqual(manifest);
    expect(new TextDecoder().decode(bytes)).toContain('\r\n    {"path":"sources\\\\boot.wim","sizeBytes":123456,"sha256":"');
  });
  it('rejects what is not a manifest with E_INVALIDARG naming the field', () => {
    const bad = (text: string) => () => decodeManifest(new TextEncoder().encode(text));
    expect(bad('{')).toThrow(expect.objectContaining({ code: 'E_INVALIDARG', detail: expect.stringContaining('not UTF-8 JSON') }));
    expect(bad(JSON.stringify({ ...head, schemaVersion: 2, files: [] }))).toThrow(expect.objectContaining({ detail: expect.stringContaining('schemaVersion 2') }));
    expect(bad(JSON.stringify({ ...head, files: [{ path: 'a', sizeBytes: 1, sha256: 'zz' }] }))).toThrow(expect.objectContaining({ detail: expect.stringContaining('files[0]') }));
  });
});

function checkAgainst(manifest: MediaManifest, read: (path: string) => Buffer, expected: { mediaType: string; thumbprint: string }): void {
  expect(manifest).toMatchObject({
    creator: 'CmTsMedia', creatorVersion: engineVersion, mediaType: expected.mediaType, siteCode: 'PS1',
    bootImage: { packageId: 'PS100005', architecture: 'x64' }, certificate: { thumbprint: expected.thumbprint },
  });
  const paths = manifest.files.map((f) => f.path);
  expect(paths).toEqual(expect.arrayContaining(['sources\\boot.wim', 'SMS\\data\\Variables.dat', 'SMS\\data\\TsmBootstrap.ini', 'MediaLabel.txt', 'boot\\etfsboot.com']));
  expect(paths).not.toContain(manifestPath);
  for (const f of manifest.files) {
    const bytes = read(f.path.replace(/\\/g, '/'));
    expect({ path: f.path, sizeBytes: bytes.length, sha256: sha256(bytes) }).toEqual(f);
  }
}

describe.skipIf(!have('xorriso'))('manifest on CD media', () => {
  it('lists every file with the digest xorriso extracts, and its data are the last in the image', async () => {
    const iso = join(scratch, 'm.iso');
    const result = await createBootMedia(params({ mediaType: 'CD', destinationPath: iso, mediaPassword: 'Pw-1', allowUnattended: true, prestartCommand: 'cmd /c echo secret-ish' }), context());
    const read = (path: string): Buffer => {
      const out = join(scratch, 'x');
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', `/${path}`, out], { stdio: 'ignore' });
      const bytes = readFileSync(out);
      rmSync(out);
      return bytes;
    };
    const manifest = decodeManifest(read('SMS/data/CmTsMedia.json'));
    checkAgainst(manifest, read, { mediaType: 'CD', thumbprint: result.certificateThumbprint });
    expect(manifest.options).toEqual({ label: 'Configuration Manager', passwordProtected: true, mediaMode: 'Static', allowUnattended: true, prestartCommand: true });
    // xorriso -find … -exec report_lba: the manifest's extent has the highest LBA of all files
    const report = execFileSync('xorriso', ['-indev', iso, '-find', '/', '-type', 'f', '-exec', 'report_lba', '--'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const extents = [...report.matchAll(/^File data lba:\s+\d+\s*,\s*(\d+)\s*,\s*\d+\s*,\s*\d+\s*,\s*'([^']+)'/gm)].map((m) => ({ lba: Number(m[1]), path: m[2]! }));
    expect(extents.length).toBeGreaterThan(5);
    expect(extents.sort((a, b) => b.lba - a.lba)[0]!.path).toMatch(/CmTsMedia\.json$/i);
  });
});

describe.skipIf(!have('mtype', 'mdir'))('manifest on UFD+FORMAT media', () => {
  it('lists every file with the digest mtools extracts', async () => {
    const img = join(scratch, 'm.img');
    const result = await createBootMedia(params({ mediaType: 'UFD+FORMAT', destinationPath: img, imageSizeBytes: 64 * 2 ** 20 }), context());
    const read = (path: string): Buffer => execFileSync('mtype', ['-i', `${img}@@1M`, `::/${path}`], { env: mtoolsEnv, maxBuffer: 1 << 30 });
    const manifest = decodeManifest(read('SMS/data/CmTsMedia.json'));
    checkAgainst(manifest, read, { mediaType: 'UFD+FORMAT', thumbprint: result.certificateThumbprint });
    expect(manifest.options).toEqual({ label: 'Configuration Manager', passwordProtected: false, mediaMode: 'Static' });
  });
});
