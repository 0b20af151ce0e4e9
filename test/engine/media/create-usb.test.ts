import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVariablesDat } from '../../../engine/src/formats/mediavars/index.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { bootUsbUefi, qemuUnavailable } from '../../helpers/qemu.js';

const demoCatalog = resolve('module/Demo/site.json');
const isRoot = process.getuid?.() === 0;
const have = (...tools: string[]) => tools.every((t) => spawnSync('which', [t]).status === 0);
let scratch: string;
const mounts: string[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-usb-'));
  process.env.CMTSMEDIA_STATE_DIR = join(scratch, 'state');
});
afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('fusermount', ['-u', m]);
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

const context = (): RequestContext => ({ id: 1, signal: new AbortController().signal, event: () => undefined });
const params = (mediaType: 'UFD' | 'UFD+FORMAT', destinationPath: string, extra: Partial<CreateBootMediaParams> = {}): CreateBootMediaParams =>
  ({ mediaType, destinationPath, bootImageId: 'PS100005', siteCatalog: demoCatalog, ...extra }) as CreateBootMediaParams;

const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
const mtype = (img: string, path: string) => execFileSync('mtype', ['-i', `${img}@@1M`, `::${path}`], { env: mtoolsEnv });

describe.skipIf(!have('fsck.fat', 'mtype', 'mdir'))('createBootMedia, UFD+FORMAT to a disk image', () => {
  let img: string;
  let result: Awaited<ReturnType<typeof createBootMedia>>;

  beforeAll(async () => {
    img = join(scratch, 'stick.img');
    result = await createBootMedia(params('UFD+FORMAT', img, { imageSizeBytes: 64 * 2 ** 20, mediaLabel: 'PS1 Boot Media x64', mediaPassword: 'Usb-Pass-1' }), context());
  });

  it('writes an MBR disk whose FAT32 partition fsck.fat finds clean', () => {
    expect(result.bytesWritten).toBeGreaterThan(0);
    const partition = join(scratch, 'part.img');
    execFileSync('dd', [`if=${img}`, `of=${partition}`, 'bs=1M', 'skip=1', 'status=none']);
    execFileSync('fsck.fat', ['-n', partition]);
    rmSync(partition);
    const disk = readFileSync(img);
    expect(disk.length).toBe(64 * 2 ** 20);
    expect(disk[0x1be]).toBe(0x80);
    expect(disk[0x1c2]).toBe(0x0c);
  });

  it('holds the media tree with the label and the password-protected variables', () => {
    const listing = execFileSync('mdir', ['-/', '-b', '-i', `${img}@@1M`, '::/'], { env: mtoolsEnv, encoding: 'utf8' });
    for (const path of ['::/sources/boot.wim', '::/efi/boot/bootx64.efi', '::/SMS/data/Variables.dat', '::/MediaLabel.txt']) expect(listing.toLowerCase()).toContain(path.toLowerCase());
    expect(execFileSync('mlabel', ['-s', '-i', `${img}@@1M`, '::'], { env: mtoolsEnv, encoding: 'utf8' })).toContain('PS1 BOOT ME');
    expect(mtype(img, '/sources/boot.wim').equals(readFileSync('module/Demo/content/dp01/PS100005/boot.PS100005.wim'))).toBe(true);
    expect(decodeVariablesDat(mtype(img, '/SMS/data/Variables.dat'), 'Usb-Pass-1').get('_SMSMediaGuid')).toBe(result.mediaGuid);
  });

  it.skipIf(qemuUnavailable('uefi'))('boots under OVMF as a USB stick', async () => {
    const boot = await bootUsbUefi(img);
    expect(boot.serial).toContain('CmTsMedia demo media (UEFI)');
    expect(boot.passed).toBe(true);
  });

  it('refuses a new image without a size, and an existing one without force', async () => {
    await expect(createBootMedia(params('UFD+FORMAT', join(scratch, 'nosize.img')), context())).rejects.toMatchObject({ code: 'E_INVALIDARG' });
    await expect(createBootMedia(params('UFD+FORMAT', img), context())).rejects.toMatchObject({ code: 'E_FILEEXISTS' });
    expect(readdirSync(scratch).filter((n) => n.endsWith('.img'))).toEqual(['stick.img']);
  });

  it('refuses a disk too small for the media with PACKAGETOOLARGE naming the package', async () => {
    await expect(createBootMedia(params('UFD+FORMAT', join(scratch, 'tiny.img'), { imageSizeBytes: 2 ** 20 }), context())).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_PACKAGETOOLARGE', detail: 'PS100005' });
    expect(existsSync(join(scratch, 'tiny.img'))).toBe(false);
  });
});

describe.skipIf(!isRoot || !have('fusefat', 'fusermount', 'mkfs.fat'))('createBootMedia, UFD onto a mounted volume', () => {
  const mountFat = (bits: 16 | 32, sizeMiB: number, fillerMiB = 0): string => {
    const img = join(scratch, `fat${bits}-${sizeMiB}.img`);
    const mnt = join(scratch, `mnt-fat${bits}-${sizeMiB}`);
    execFileSync('truncate', ['-s', `${sizeMiB}M`, img]);
    execFileSync('mkfs.fat', ['-F', String(bits), img], { stdio: 'ignore' });
    if (fillerMiB > 0) {
      const filler = join(scratch, 'filler.bin');
      execFileSync('truncate', ['-s', `${fillerMiB}M`, filler]);
      execFileSync('mcopy', ['-i', img, filler, '::/FILLER.BIN'], { env: mtoolsEnv });
      rmSync(filler);
    }
    mkdirSync(mnt);
    execFileSync('fusefat', ['-o', `rw+,fsname=${img}`, img, mnt], { stdio: 'ignore' });
    mounts.push(mnt);
    return mnt;
  };

  it('copies the media tree onto a FAT32 volume', async () => {
    const mnt = mountFat(32, 64);
    await createBootMedia(params('UFD', mnt), context());
    expect(readFileSync(join(mnt, 'sources', 'boot.wim')).equals(readFileSync('module/Demo/content/dp01/PS100005/boot.PS100005.wim'))).toBe(true);
    expect(readFileSync(join(mnt, 'MediaLabel.txt'), 'latin1')).toBe('label=Configuration Manager\r\n');
    // -Force means "replace existing media" for every media type: without it the media stay as they are.
    await expect(createBootMedia(params('UFD', mnt, { mediaLabel: 'Second' }), context())).rejects.toMatchObject({ code: 'E_FILEEXISTS', detail: join(mnt, 'SMS', 'data', 'Variables.dat') });
    expect(readFileSync(join(mnt, 'MediaLabel.txt'), 'latin1')).toBe('label=Configuration Manager\r\n');
    await createBootMedia(params('UFD', mnt, { mediaLabel: 'Second', force: true }), context());
    expect(readFileSync(join(mnt, 'MediaLabel.txt'), 'latin1')).toBe('label=Second\r\n');
  });

  it('refuses a FAT32 volume without room with PACKAGETOOLARGE (free space from FSInfo) and leaves it as it was', async () => {
    const mnt = mountFat(32, 40, 38);
    await expect(createBootMedia(params('UFD', mnt), context())).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_PACKAGETOOLARGE', detail: 'PS100005' });
    expect(readdirSync(mnt)).toEqual(['FILLER.BIN']);
  });

  it('refuses a FAT16 volume with UFD_FS_FAT16 and leaves it empty', async () => {
    const mnt = mountFat(16, 32);
    await expect(createBootMedia(params('UFD', mnt), context())).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_UFD_FS_FAT16' });
    expect(readdirSync(mnt)).toEqual([]);
  });
});
