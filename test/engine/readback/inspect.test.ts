/**
 * inspectMedia (Test-CMBootMedia) on media made by createBootMedia: CD, UFD+FORMAT disk image and
 * UFD on a mounted FAT32 volume; the password cases, a damaged boot.wim, and staleness against a
 * site catalog (docs/readback.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBootMedia, type BootMediaResult, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import { inspectMedia } from '../../../engine/src/media/inspect-media.js';
import { openMedia } from '../../../engine/src/media/open-media.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';

const demoCatalog = resolve('module/Demo/site.json');
const have = (...tools: string[]) => tools.every((t) => spawnSync('which', [t]).status === 0);
/** Root with a free loop device (containers may have none). */
const loopUsable = process.getuid?.() === 0 && have('losetup') && spawnSync('losetup', ['-f']).status === 0;
const context = (): RequestContext => ({ id: 1, signal: new AbortController().signal, event: () => undefined });
const create = (extra: Partial<CreateBootMediaParams>) =>
  createBootMedia({ bootImageId: 'PS100005', siteCatalog: demoCatalog, mediaPassword: 'Secret-Pw-1', ...extra } as CreateBootMediaParams, context());
const inspect = (path: string, extra: { mediaPassword?: string; siteCatalog?: string; certificateRenewalSeconds?: number } = {}, now?: Date) =>
  inspectMedia({ path, mediaPassword: undefined, siteCatalog: undefined, certificateRenewalSeconds: undefined, ...extra }, context(), now);
let scratch: string;
let iso: string;
let isoResult: BootMediaResult;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-inspect-'));
  process.env.CMTSMEDIA_STATE_DIR = join(scratch, 'state');
  iso = join(scratch, 'media.iso');
  isoResult = await create({ mediaType: 'CD', destinationPath: iso, mediaLabel: 'PS1 Boot x64' });
});
afterAll(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

const expectCreation = (info: Awaited<ReturnType<typeof inspect>>, result: BootMediaResult) =>
  expect(info).toMatchObject({
    isValid: true, problems: [], siteCode: 'PS1', bootImageId: 'PS100005', bootImageVersion: 1, mediaGuid: result.mediaGuid,
    certificateThumbprint: result.certificateThumbprint, certificateNotAfter: result.certificateNotAfter, passwordProtected: true,
    architecture: 'x64', uefiBootable: true, mediaMode: 'Static', creator: expect.stringMatching(/^CmTsMedia /),
  });

describe('inspectMedia on an ISO', () => {
  it('with the password: valid, with the facts of the creation result, every file verified', async () => {
    const info = await inspect(iso, { mediaPassword: 'Secret-Pw-1' });
    expectCreation(info, isoResult);
    expect(info).toMatchObject({ container: 'iso', mediaType: 'CD', label: 'PS1 Boot x64', biosBootable: true, managementPoints: ['http://MP01.cmtsmedia-demo.example'] });
    expect(info.filesVerified).toBeGreaterThan(8);
    // both El Torito entries point at the files the manifest lists (no hidden, unhashed copy)
    expect(info.notes).toEqual(expect.arrayContaining([
      expect.stringMatching(/^El Torito BIOS entry: bootable, image at LBA \d+ \(boot\\etfsboot\.com\)$/),
      expect.stringMatching(/^El Torito UEFI entry: bootable, image at LBA \d+ \(efi\\microsoft\\boot\\efisys\.bin\)$/),
    ]));
  });

  it('without the password: password-protected, the public facts from the manifest, still valid', async () => {
    const info = await inspect(iso);
    expect(info).toMatchObject({ isValid: true, passwordProtected: true, mediaGuid: null, certificateThumbprint: isoResult.certificateThumbprint, siteCode: 'PS1' });
    expect(info.notes.join('\n')).toContain('password-protected');
  });

  it('with a wrong password: a problem that says so, no exception', async () => {
    const info = await inspect(iso, { mediaPassword: 'Wr0ng-Pa55-x7' });
    expect(info.isValid).toBe(false);
    expect(info.problems).toEqual(['The media password given does not open SMS\\data\\Variables.dat.']);
    expect(JSON.stringify(info)).not.toContain('Wr0ng-Pa55-x7');
  });

  it('one byte changed inside sources\\boot.wim: invalid, and the problem names the file', async () => {
    const copy = join(scratch, 'damaged.iso');
    copyFileSync(iso, copy);
    const media = await openMedia(copy);
    const wim = media.find('sources\\boot.wim')!;
    media.close();
    const at = wim.extents[0]!.position + Math.floor(wim.sizeBytes / 2);
    const fd = openSync(copy, 'r+');
    writeSync(fd, Buffer.from([readFileSync(copy)[at]! ^ 0x01]), 0, 1, at);
    closeSync(fd);
    const info = await inspect(copy, { mediaPassword: 'Secret-Pw-1' });
    expect(info.isValid).toBe(false);
    expect(info.problems).toHaveLength(1);
    expect(info.problems[0]).toMatch(/^sources\\boot\.wim differs from what was written/);
  });

  it('against the site: current media are not stale; a newer boot image version, a removed MP and a certificate in the renewal window are', async () => {
    expect((await inspect(iso, { siteCatalog: demoCatalog })).problems).toEqual([]);
    const site = join(scratch, 'site');
    cpSync(resolve('module/Demo'), site, { recursive: true });
    const catalog = JSON.parse(readFileSync(join(site, 'site.json'), 'utf8'));
    catalog.bootImages[0].sourceVersion = 2;
    catalog.managementPoints[0].name = 'MP02.demo.cmtsmedia.invalid';
    catalog.managementPoints[0].url = 'http://MP02.demo.cmtsmedia.invalid';
    writeFileSync(join(site, 'site.json'), JSON.stringify(catalog));
    const notAfter = new Date(isoResult.certificateNotAfter);
    const info = await inspect(iso, { siteCatalog: join(site, 'site.json') }, new Date(notAfter.getTime() - 10 * 86_400_000));
    expect(info.isValid).toBe(false);
    expect(info.problems).toEqual([
      expect.stringMatching(/^Boot image PS100005 on the media is source version 1; site PS1 .* has version 2\.$/),
      expect.stringMatching(/^Management point http:\/\/MP01\.cmtsmedia-demo\.example is no longer in site PS1/),
      expect.stringMatching(/^The media certificate expires on .*, in 10 days: within the renewal window of 30 days\.$/),
    ]);
    const shortWindow = await inspect(iso, { siteCatalog: demoCatalog, certificateRenewalSeconds: 5 * 86400 }, new Date(notAfter.getTime() - 10 * 86_400_000));
    expect(shortWindow.problems).toEqual([]);
  });
});

describe.skipIf(!have('xorriso'))('inspectMedia on media without a manifest (as ConfigMgr makes them)', () => {
  it('says there is no manifest and checks what it can', async () => {
    const tree = join(scratch, 'cm-tree');
    execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', tree], { stdio: 'ignore' });
    rmSync(join(tree, 'SMS', 'data', 'CmTsMedia.json'));
    const cmIso = join(scratch, 'configmgr.iso');
    execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-iso-level', '3', '-J', '-joliet-long', '-V', 'CM_BOOT', '-b', 'boot/etfsboot.com', '-no-emul-boot', '-boot-load-size', '8',
      '-eltorito-alt-boot', '-e', 'efi/microsoft/boot/efisys.bin', '-no-emul-boot', '-o', cmIso, tree], { stdio: 'ignore' });
    const info = await inspect(cmIso, { mediaPassword: 'Secret-Pw-1', siteCatalog: demoCatalog });
    expect(info).toMatchObject({
      isValid: true, creator: null, filesVerified: 0, bootImageVersion: null, mediaGuid: isoResult.mediaGuid, siteCode: 'PS1',
      certificateThumbprint: isoResult.certificateThumbprint, biosBootable: true, uefiBootable: true, mediaType: 'CD',
    });
    expect(info.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^No CmTsMedia manifest/), expect.stringMatching(/do not record the boot image's source version/)]));
  });
});

describe.skipIf(!have('mkfs.fat'))('inspectMedia on USB media', () => {
  it('a UFD+FORMAT disk image: valid with the creation facts', async () => {
    const img = join(scratch, 'disk.img');
    const result = await create({ mediaType: 'UFD+FORMAT', destinationPath: img, imageSizeBytes: 64 * 2 ** 20 });
    const info = await inspect(img, { mediaPassword: 'Secret-Pw-1' });
    expectCreation(info, result);
    expect(info).toMatchObject({ container: 'disk', fileSystem: 'FAT32', mediaType: 'UFD+FORMAT', biosBootable: true });
  });

  it.skipIf(!loopUsable)('a disk device (a loop device over a UFD+FORMAT image, as root): valid with the creation facts', async () => {
    const img = join(scratch, 'device.img');
    const result = await create({ mediaType: 'UFD+FORMAT', destinationPath: img, imageSizeBytes: 64 * 2 ** 20 });
    const device = execFileSync('losetup', ['-f', '--show', '--read-only', img], { encoding: 'utf8' }).trim();
    try {
      const info = await inspect(device, { mediaPassword: 'Secret-Pw-1' });
      expectCreation(info, result);
      expect(info).toMatchObject({ path: device, container: 'disk', fileSystem: 'FAT32' });
    } finally {
      execFileSync('losetup', ['-d', device]);
    }
  });

  it.skipIf(process.getuid?.() !== 0 || !have('fusefat', 'fusermount'))('a mounted FAT32 volume with UFD media: valid with the creation facts', async () => {
    const img = join(scratch, 'vol.img');
    const mnt = join(scratch, 'mnt');
    execFileSync('truncate', ['-s', '64M', img]);
    execFileSync('mkfs.fat', ['-F', '32', img], { stdio: 'ignore' });
    mkdirSync(mnt);
    execFileSync('fusefat', ['-o', `rw+,fsname=${img}`, img, mnt], { stdio: 'ignore' });
    try {
      const result = await create({ mediaType: 'UFD', destinationPath: mnt });
      const info = await inspect(mnt, { mediaPassword: 'Secret-Pw-1' });
      expectCreation(info, result);
      expect(info).toMatchObject({ container: 'folder', mediaType: 'UFD' });
    } finally {
      spawnSync('fusermount', ['-u', mnt]);
    }
  });
});
