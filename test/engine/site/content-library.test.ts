import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBootImages } from '../../../engine/src/media/boot-images.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { findInContentLibrary, parseIni } from '../../../engine/src/site/content-library.js';
import { loadSiteCatalog, resolveBootMedia } from '../../../engine/src/site/index.js';
import { makeContentLibrary } from '../../fixtures/live-site/make-content-library.mjs';
import { asyncErrorOf } from '../../helpers/errors.js';

const demoWim = resolve('module/Demo/content/dp01/PS100005/boot.PS100005.wim');
const demoCerts = resolve('module/Demo/certs');
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-contentlib-'));
  process.env.CMTSMEDIA_STATE_DIR = join(scratch, 'state');
});
afterAll(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

/** A v2 catalog whose only DP is a content library at `library`. */
function catalogFor(library: string, name: string, sourceVersion = 3): string {
  const path = join(scratch, `${name}.json`);
  writeFileSync(path, JSON.stringify({
    schemaVersion: 2,
    siteCode: 'PS1',
    managementPoints: [{ name: 'MP01', url: 'http://mp01.contoso.com', default: true, certificates: [join(demoCerts, 'mp01.cer')] }],
    siteSigningCertificate: join(demoCerts, 'site-signing.pem'),
    distributionPoints: [{ name: 'DP01.contoso.com', contentLibrary: library }],
    bootImages: [{ packageId: 'PS100005', name: 'Boot image (x64)', architecture: 'x64', sourceVersion, path: 'boot.PS100005.wim', distributionPoints: ['DP01.contoso.com'] }],
  }));
  return path;
}

const context = (): RequestContext => ({ id: 1, signal: new AbortController().signal, event: () => undefined });

describe('content library lookup', () => {
  it('reads INI sections case-insensitively, CRLF or LF', () => {
    const ini = parseIni('[Packages]\r\nPS100005.3=\r\n[file]\nHash=AB\n');
    expect([...ini.get('PACKAGES')!.keys()]).toEqual(['PS100005.3']);
    expect(ini.get('FILE')!.get('HASH')).toBe('AB');
  });

  it('finds boot.<PackageID>.wim through PkgLib, DataLib and FileLib', async () => {
    const library = join(scratch, 'lib-ok');
    const made = makeContentLibrary(library, { wim: demoWim, version: 3, olderVersions: [2] });
    const found = await findInContentLibrary(library, 'PS100005', 3, 'boot.PS100005.wim');
    expect(found).toEqual({ path: made.fileLibPath, contentId: 'PS100005.3', sha256: made.hash, sizeBytes: readFileSync(demoWim).length });
  });

  it('takes the newest content PkgLib lists when the catalog names another version, and matches names case-insensitively', async () => {
    const library = join(scratch, 'lib-case');
    makeContentLibrary(library, { wim: demoWim, packageId: 'PS100005', version: 4 });
    const found = await findInContentLibrary(library, 'ps100005', 3, 'BOOT.PS100005.WIM');
    expect(found).toMatchObject({ contentId: 'PS100005.4' });
  });

  it('says which step failed when the library lacks the package', async () => {
    const library = join(scratch, 'lib-empty');
    makeContentLibrary(library, { wim: demoWim, packageId: 'PS100009', version: 1 });
    expect(await findInContentLibrary(library, 'PS100005', 1, 'boot.PS100005.wim')).toEqual({ path: join(library, 'PkgLib', 'PS100005.INI'), reason: 'the content library does not hold the package (no PkgLib entry)' });
  });

  it('gives MISSINGPACKAGE with what it checked when FileLib lacks the file', async () => {
    const library = join(scratch, 'lib-nofile');
    const made = makeContentLibrary(library, { wim: demoWim });
    rmSync(made.fileLibPath);
    const catalog = await loadSiteCatalog(catalogFor(library, 'nofile'));
    const err = await asyncErrorOf(() => resolveBootMedia(catalog, 'PS100005'));
    expect(err.code).toBe('CREATETSMEDIA_E_MISSINGPACKAGE');
    expect(err.detail).toBe('PS100005');
    expect(err.data?.checked).toEqual([{ distributionPoint: 'DP01.contoso.com', path: made.fileLibPath, reason: 'FileLib does not hold the file the content records' }]);
  });

  it('refuses contentLibrary in a schema version 1 catalog and a DP with both kinds of content', async () => {
    const path = join(scratch, 'both.json');
    const doc = JSON.parse(readFileSync(catalogFor('/x', 'v2'), 'utf8'));
    doc.distributionPoints[0].contentPath = '/y';
    writeFileSync(path, JSON.stringify(doc));
    expect((await asyncErrorOf(() => loadSiteCatalog(path))).detail).toContain('$.distributionPoints[0].contentLibrary cannot be given with contentPath');
    doc.schemaVersion = 1;
    delete doc.distributionPoints[0].contentPath;
    writeFileSync(path, JSON.stringify(doc));
    expect((await asyncErrorOf(() => loadSiteCatalog(path))).detail).toContain('$.distributionPoints[0].contentLibrary is not a field of site catalog schema version 1');
  });
});

describe.skipIf(!existsSync('/usr/bin/xorriso'))('media from a content library', () => {
  const params = (catalog: string, iso: string): CreateBootMediaParams => ({ mediaType: 'CD', destinationPath: iso, bootImageId: 'PS100005', siteCatalog: catalog }) as CreateBootMediaParams;

  it('lists the boot image at its FileLib file (Get-CMBootMediaImage) and writes sources\\boot.wim byte-identical to it', async () => {
    const library = join(scratch, 'lib-media');
    const made = makeContentLibrary(library, { wim: demoWim });
    const iso = join(scratch, 'lib.iso');
    const catalog = catalogFor(library, 'media');
    expect((await describeBootImages(catalog)).map((b) => [b.wimPath, b.wimArchitecture, b.problem])).toEqual([[made.fileLibPath, 'x64', null]]);
    await createBootMedia(params(catalog, iso), context());
    const out = join(scratch, 'boot.wim.out');
    execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/sources/boot.wim', out], { stdio: 'ignore' });
    expect(readFileSync(out).equals(readFileSync(made.fileLibPath))).toBe(true);
  });

  // 0xA0 is in the WIM header's unused bytes: the WIM still reads, only the streamed hash can notice.
  // The middle of the file is inside a resource: the WIM reader fails first, and the error says why.
  it.each([
    ['a byte no reader looks at (checked while streaming)', 0xa0, /the library records [0-9A-F]{64}$/],
    ['a byte the boot files need (found by the WIM reader first)', Math.floor(readFileSync(demoWim).length / 2), /the library records [0-9A-F]{64} \(reading it failed: The boot image WIM is damaged: .+\)$/],
  ])('fails with CMTSMEDIA_E_CONTENTHASH and leaves nothing when %s differs', async (_what, corruptAt, tail) => {
    const library = join(scratch, `lib-corrupt-${corruptAt}`);
    const made = makeContentLibrary(library, { wim: demoWim, corruptAt });
    const folder = join(scratch, `corrupt-out-${corruptAt}`);
    mkdirSync(folder);
    const err = await asyncErrorOf(() => createBootMedia(params(catalogFor(library, `corrupt-${corruptAt}`), join(folder, 'corrupt.iso')), context()));
    expect(err.code).toBe('CMTSMEDIA_E_CONTENTHASH');
    expect(err.detail.startsWith(`${made.fileLibPath} (content PS100005.3 on DP01.contoso.com) has SHA-256 `)).toBe(true);
    expect(err.detail).toContain(`the library records ${made.hash}`);
    expect(err.detail).toMatch(tail);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('fails before writing when the file size differs from the recorded size', async () => {
    const library = join(scratch, 'lib-size');
    const made = makeContentLibrary(library, { wim: demoWim });
    writeFileSync(made.fileLibPath, Buffer.concat([readFileSync(made.fileLibPath), Buffer.alloc(1)]));
    const err = await asyncErrorOf(() => createBootMedia(params(catalogFor(library, 'size'), join(scratch, 'size.iso')), context()));
    expect(err.code).toBe('CMTSMEDIA_E_CONTENTHASH');
    expect(err.detail).toContain(`has ${readFileSync(demoWim).length + 1} bytes, the library records ${readFileSync(demoWim).length}`);
    expect(existsSync(join(scratch, 'size.iso'))).toBe(false);
  });
});
