/**
 * The UFD+FORMAT safety rules: the decisions on faked lsblk/mountinfo/sysfs answers, plus one real
 * loop device with a FUSE mount from it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isCmTsError } from '../../../engine/src/errors/index.js';
import { planFatDisk } from '../../../engine/src/formats/fat/index.js';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import { checkDiskSafety, describeDiskTarget, type DiskFacts, formatSize, linuxDiskFacts, type LinuxDeviceProbe, parseMountInfo, resolveDestinationPath, resolveDiskTarget, writeFatDiskTo } from '../../../engine/src/usb/index.js';
import { have, isRoot, run, scratch, sh } from '../fat/tools.js';

const mountinfo = [
  '27 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw',
  '30 27 8:1 / /boot/efi rw,relatime - vfat /dev/sda1 rw',
  '40 27 0:50 / /media/stick\\040one rw,relatime - fuseblk /dev/sdc1 rw',
].join('\n');

const disk = (name: string, extra: Record<string, unknown>, children: unknown[] = []) => ({
  name, path: `/dev/${name}`, type: 'disk', size: 16_000_000_000, rm: false, hotplug: false, tran: 'sata', mountpoints: [null], model: 'Disk', pkname: null, ro: false, children, ...extra,
});
const part = (name: string, mount: string | null) => ({ name, path: `/dev/${name}`, type: 'part', size: 1000, rm: false, hotplug: false, tran: null, mountpoints: [mount], model: null, pkname: name.slice(0, 3), ro: false });

function probe(lsblk: unknown): LinuxDeviceProbe {
  return {
    lsblk: async () => JSON.stringify({ blockdevices: lsblk }),
    mounts: async () => parseMountInfo(mountinfo),
    disksOf: async (mm) => (mm.startsWith('8:') ? ['sda'] : []),
  };
}

const devices = [
  disk('sda', {}, [part('sda1', '/boot/efi'), part('sda2', '/')]),
  disk('sdb', { tran: 'usb', rm: true, model: 'SanDisk Ultra' }, [part('sdb1', null)]),
  disk('sdc', { tran: 'usb' }, [part('sdc1', null)]),
  disk('sdd', { tran: 'nvme' }),
  disk('sde', { tran: 'usb', ro: '1', rm: '1', hotplug: '0' }), // old lsblk: strings
  { ...disk('loop3', { tran: null }), type: 'loop' },
  // a USB disk that holds the root file system (sysfs says so, lsblk shows no mount point)
  disk('sdf', { tran: 'usb', rm: true }),
];

const code = async (path: string, options = {}): Promise<string> => {
  try {
    checkDiskSafety(await linuxDiskFacts(path, probe(devices)), options);
    return 'ok';
  } catch (err) {
    return isCmTsError(err) ? err.code : String(err);
  }
};

describe('disk safety decisions', () => {
  it('accepts an unmounted removable USB disk and describes it with model and size', async () => {
    expect(await code('/dev/sdb')).toBe('ok');
    const facts = await linuxDiskFacts('/dev/sdb', probe(devices));
    expect(facts).toMatchObject({ removable: true, transport: 'usb', model: 'SanDisk Ultra', systemDisk: false, mounted: [] });
  });
  it('refuses the system disk, fixed disks, mounted disks, read-only disks and partitions', async () => {
    expect(await code('/dev/sda')).toBe('CMTSMEDIA_E_SYSTEMDISK');
    expect(await code('/dev/sdd')).toBe('CMTSMEDIA_E_NOTREMOVABLE');
    expect(await code('/dev/sdc')).toBe('CMTSMEDIA_E_DISKINUSE'); // FUSE mount seen only in mountinfo
    expect(await code('/dev/sde')).toBe('E_ACCESSDENIED');
    expect(await code('/dev/sdb1')).toBe('E_INVALIDARG');
    const sysfs = { ...probe(devices), disksOf: async () => ['sdf'] };
    const facts = await linuxDiskFacts('/dev/sdf', sysfs);
    expect(() => checkDiskSafety(facts)).toThrow(/running system/);
  });
  it('treats a loop device as removable only when allowed', async () => {
    expect(await code('/dev/loop3')).toBe('CMTSMEDIA_E_NOTREMOVABLE');
    expect(await code('/dev/loop3', { allowLoopDevices: true })).toBe('ok');
  });
  it('applies the same rules to Windows facts passed by the module', async () => {
    const facts: DiskFacts = { path: '\\\\.\\PhysicalDrive2', sizeBytes: 8e9, type: 'disk', removable: false, hotplug: false, transport: 'usb', readOnly: false, model: 'Kingston', systemDisk: false, mounted: [] };
    await expect(resolveDiskTarget('\\\\.\\PhysicalDrive2', { disk: facts })).resolves.toMatchObject({ kind: 'device', sizeBytes: 8e9 });
    await expect(resolveDiskTarget('E:', { disk: { ...facts, mounted: ['E:'] } })).rejects.toMatchObject({ code: 'CMTSMEDIA_E_DISKINUSE' });
    await expect(resolveDiskTarget('E:', { disk: { ...facts, systemDisk: true } })).rejects.toMatchObject({ code: 'CMTSMEDIA_E_SYSTEMDISK' });
    await expect(resolveDiskTarget('\\\\.\\PhysicalDrive0')).rejects.toMatchObject({ code: 'E_INVALIDARG' });
  });
  it('describes a disk for the prompt with the checks of a creation (describeDisk)', async () => {
    const facts: DiskFacts = { path: '\\\\.\\PhysicalDrive2', sizeBytes: 16_000_000_000, type: 'disk', removable: true, hotplug: false, transport: 'usb', readOnly: false, model: 'SanDisk Ultra', systemDisk: false, mounted: [] };
    await expect(describeDiskTarget('\\\\.\\PhysicalDrive2', { disk: facts })).resolves.toEqual({
      kind: 'device', path: '\\\\.\\PhysicalDrive2', sizeBytes: 16_000_000_000, model: 'SanDisk Ultra', transport: 'usb', removable: true, exists: true,
      description: '\\\\.\\PhysicalDrive2 (SanDisk Ultra, 14.9 GiB)',
    });
    const refused: Array<[Partial<DiskFacts>, string]> = [[{ systemDisk: true }, 'CMTSMEDIA_E_SYSTEMDISK'], [{ removable: false, transport: 'sata' }, 'CMTSMEDIA_E_NOTREMOVABLE'], [{ mounted: ['E:'] }, 'CMTSMEDIA_E_DISKINUSE']];
    for (const [bad, code] of refused) {
      await expect(describeDiskTarget('E:', { disk: { ...facts, ...bad } })).rejects.toMatchObject({ code });
    }
  });
  it('keeps Windows disk paths as given and resolves everything else', () => {
    expect(resolveDestinationPath('\\\\.\\PhysicalDrive12')).toBe('\\\\.\\PhysicalDrive12');
    expect(resolveDestinationPath('E:')).toBe('E:');
    expect(resolveDestinationPath('stick.img')).toBe(join(process.cwd(), 'stick.img'));
  });
  it('formats sizes in binary units with one decimal', () => {
    expect([formatSize(512), formatSize(64 << 20), formatSize(16_000_000_000), formatSize(4 * 2 ** 40)]).toEqual(['512 bytes', '64.0 MiB', '14.9 GiB', '4.0 TiB']);
  });
  it('unescapes mountinfo paths', () => {
    expect(parseMountInfo(mountinfo)[2]).toEqual({ majorMinor: '0:50', mountPoint: '/media/stick one', fsType: 'fuseblk', source: '/dev/sdc1' });
  });
});

describe('image destinations', () => {
  const work = scratch('cmts-dev-');
  afterAll(work.cleanup);
  it('keeps an existing file size and needs a size for a new file', async () => {
    const existing = join(work.dir, 'old.img');
    writeFileSync(existing, new Uint8Array(4096));
    await expect(resolveDiskTarget(existing, { imageSizeBytes: 1 })).resolves.toMatchObject({ kind: 'image', sizeBytes: 4096, exists: true });
    await expect(resolveDiskTarget(join(work.dir, 'new.img'), { imageSizeBytes: 2 ** 30 })).resolves.toMatchObject({ kind: 'image', sizeBytes: 2 ** 30, exists: false });
    await expect(resolveDiskTarget(join(work.dir, 'new.img'))).rejects.toMatchObject({ code: 'E_INVALIDARG' });
    await expect(resolveDiskTarget(work.dir)).rejects.toMatchObject({ code: 'E_INVALIDARG' });
  });
  it('describes an existing and a new image file with its size', async () => {
    const existing = join(work.dir, 'stick.img');
    writeFileSync(existing, new Uint8Array(64 << 10));
    await expect(describeDiskTarget(existing)).resolves.toMatchObject({ kind: 'image', exists: true, model: null, removable: false, description: `the 64.0 KiB disk image file ${existing}` });
    const fresh = join(work.dir, 'fresh.img');
    await expect(describeDiskTarget(fresh, { imageSizeBytes: 4 * 2 ** 30 })).resolves.toMatchObject({ exists: false, sizeBytes: 4 * 2 ** 30, description: `a new 4.0 GiB disk image file ${fresh}` });
  });
  it('writes a device target in whole sectors only (Windows refuses unaligned raw writes)', async () => {
    // Directory entry groups of 2 to 5 x 32 bytes cross the 64 KiB sink buffers at offsets that are
    // not sector multiples: encoding them in place (sink.take) used to end a buffer mid-sector.
    const names = Array.from({ length: 4000 }, (_, i) => [`folder/long name ${i}${'x'.repeat(i % 40)}.txt`, bufferSource(new Uint8Array(0), 'empty')] as const);
    const tree = treeFromPaths([...names, ['boot.wim', bufferSource(new Uint8Array(70_001).fill(7), 'wim')]], new Date(Date.UTC(2024, 0, 1)));
    // A regular file stands in for the device: kind 'device' writes it in place, as it would a disk.
    const device = join(work.dir, 'device.img');
    const sizeBytes = 40 << 20;
    writeFileSync(device, new Uint8Array(0));
    await truncate(device, sizeBytes);
    const handle = await open(device, 'r');
    const proto = Object.getPrototypeOf(handle) as { write: (...args: any[]) => unknown };
    await handle.close();
    const writes: Array<[number, number]> = [];
    const original = proto.write;
    const spy = vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: any[]) {
      writes.push([args[3] as number, args[2] as number]);
      return original.apply(this, args);
    });
    try {
      const plan = planFatDisk(tree, { diskSizeBytes: sizeBytes, volumeLabel: 'ALIGN', volumeId: 1 });
      await writeFatDiskTo(plan, { path: device, kind: 'device' }, { bufferBytes: 64 << 10 });
    } finally {
      spy.mockRestore();
    }
    expect(writes.length).toBeGreaterThan(10);
    expect(writes.filter(([position, length]) => position % 512 !== 0 || length % 512 !== 0)).toEqual([]);
    expect(readFileSync(device).subarray(510, 512)).toEqual(Buffer.from([0x55, 0xaa]));
  });
});

describe.skipIf(!(isRoot && have('losetup', 'mkfs.fat', 'fusefat', 'fusermount')))('a real loop device mounted through FUSE', () => {
  const work = scratch('cmts-devfuse-');
  let loop = '';
  const mnt = join(work.dir, 'mnt');
  afterAll(() => {
    run('fusermount', ['-u', mnt]);
    if (loop) run('losetup', ['-d', loop]);
    work.cleanup();
  });
  it('is refused as in use, and accepted once unmounted', async () => {
    const img = join(work.dir, 'disk.img');
    sh('truncate', ['-s', '40M', img]);
    sh('mkfs.fat', ['-F', '32', img]);
    loop = sh('losetup', ['--find', '--show', img]).trim();
    mkdirSync(mnt);
    sh('fusefat', ['-o', `rw+,fsname=${loop}`, loop, mnt]);
    await expect(resolveDiskTarget(loop, { allowLoopDevices: true })).rejects.toMatchObject({ code: 'CMTSMEDIA_E_DISKINUSE' });
    sh('fusermount', ['-u', mnt]);
    await expect(resolveDiskTarget(loop, { allowLoopDevices: true })).resolves.toMatchObject({ kind: 'device', sizeBytes: 40 << 20 });
    await expect(resolveDiskTarget(loop)).rejects.toMatchObject({ code: 'CMTSMEDIA_E_NOTREMOVABLE' });
  });
});
