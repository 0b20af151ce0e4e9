/**
 * BIOS boot of UFD+FORMAT disks (docs/usb.md "BIOS boot"): images written by
 * the engine boot under SeaBIOS as a USB stick through the project's own MBR and FAT32 boot record,
 * which load the stand-in bootmgr (test/fixtures/boot/bootmgr, build/demo/src/bootmgr-stub.S); it
 * prints CMTS-DEMO-USB-BIOS-OK. The same images pass fsck.fat -n (that writeFatDisk's images, boot
 * code included, still boot under OVMF is disk.test.ts's and media/create-usb.test.ts's job).
 * BOOTMGR lies past the root directory's first cluster; one image has BOOTMGR's chain out of order
 * (patched after writing), and broken disks print the boot code's messages. Last, the demo site's
 * media (whose boot image carries the stand-in as \Windows\Boot\PCAT\bootmgr) boot the same way.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FatDiskPlan, type FatFilePlan, planFatDisk } from '../../../engine/src/formats/fat/index.js';
import { writeFatDiskTo } from '../../../engine/src/usb/index.js';
import { longEntryCount } from '../../../engine/src/formats/fat/names.js';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { FileSource } from '../../../engine/src/formats/tree.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import { bootUsbBios, demoMarkers, qemuUnavailable } from '../../helpers/qemu.js';
import { bootx64, have, pattern, scratch } from './tools.js';

const MiB = 1 << 20;
const sector = 512;
const bootmgr = readFileSync(new URL('../../fixtures/boot/bootmgr', import.meta.url));
const noBios = qemuUnavailable('bios');
if (noBios) console.warn(`fat/bios-boot.test.ts: QEMU boots skipped: ${noBios}`);

const work = scratch('cmts-fat-bios-');
afterAll(() => work.cleanup());

/**
 * The media's root as BIOS boot sees it: 60 long-named files come before bootmgr, so its entry is
 * past the root directory's first cluster (180 entries; 16 fit a 512-byte cluster, 128 a 4 KiB one).
 */
function biosTree(withBootmgr: boolean) {
  const entries: Array<[string, FileSource]> = [];
  for (let i = 0; i < 60; i++) entries.push([`a root file with a long name ${i}.txt`, bufferSource(pattern(10 + i, i), `f${i}`)]);
  if (withBootmgr) entries.push(['bootmgr', bufferSource(bootmgr, 'bootmgr')]);
  entries.push(['EFI/BOOT/BOOTX64.EFI', bufferSource(bootx64(), 'BOOTX64.EFI')], ['sources/boot.wim', bufferSource(pattern(300_000, 99), 'boot.wim')]);
  return treeFromPaths(entries, new Date(Date.UTC(2024, 4, 17)));
}

async function writeImage(name: string, diskSizeBytes: number, withBootmgr = true): Promise<{ path: string; plan: FatDiskPlan }> {
  const plan = planFatDisk(biosTree(withBootmgr), { diskSizeBytes, volumeLabel: 'CmTs BIOS', volumeId: 0x5eab1005 });
  const path = join(work.dir, name);
  await writeFatDiskTo(plan, { path, kind: 'image' });
  return { path, plan };
}

function bootmgrRun(plan: FatDiskPlan): FatFilePlan {
  return plan.runs.find((r): r is FatFilePlan => r.kind === 'file' && r.path === 'bootmgr')!;
}

/** Index of a file's short entry in the root directory (LFN entries counted). */
function rootEntryIndex(plan: FatDiskPlan, path: string): number {
  const root = plan.runs[0]!;
  if (root.kind !== 'dir') throw new Error('cluster 2 is not the root');
  let index = 0;
  for (const e of root.entries) {
    index += longEntryCount(e.name.long);
    if (e.kind === 'node' && new TextDecoder().decode(e.name.short).trim() === path.toUpperCase()) return index;
    index++;
  }
  return -1;
}

function patch(path: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function readAt(path: string, offset: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, out, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return out;
}

/**
 * Reorders BOOTMGR's chain to first, third, second(, fourth …) cluster, moving the data with it
 * (both FATs): a loader that reads the clusters in disk order instead of the chain's gets the
 * file's middle wrong. The volume stays consistent (fsck.fat clean).
 */
function fragment(path: string, plan: FatDiskPlan): void {
  const g = plan.geometry;
  const run = bootmgrRun(plan);
  const f = run.firstCluster;
  expect(run.clusters).toBeGreaterThanOrEqual(3);
  const clusterAt = (c: number) => (g.partitionStartLba + g.dataStartSector) * sector + (c - 2) * g.clusterBytes;
  const second = readAt(path, clusterAt(f + 1), g.clusterBytes);
  const third = readAt(path, clusterAt(f + 2), g.clusterBytes);
  patch(path, clusterAt(f + 1), third);
  patch(path, clusterAt(f + 2), second);
  const entry = (value: number) => Uint8Array.from(Buffer.from(Uint32Array.of(value).buffer));
  for (let copy = 0; copy < 2; copy++) {
    const fat = (g.partitionStartLba + g.reservedSectors + copy * g.fatSectors) * sector;
    patch(path, fat + 4 * f, entry(f + 2));
    patch(path, fat + 4 * (f + 2), entry(f + 1));
    patch(path, fat + 4 * (f + 1), entry(run.clusters > 3 ? f + 3 : 0x0fffffff));
  }
}

/** fsck.fat -n on a copy of the partition (no loop device needed). */
function fsck(path: string): { status: number | null; out: string } {
  const part = `${path}.part`;
  const dd = spawnSync('dd', [`if=${path}`, `of=${part}`, 'bs=1M', 'skip=1', 'status=none']);
  if (dd.status !== 0) throw new Error(`dd: ${dd.stderr}`);
  const r = spawnSync('fsck.fat', ['-n', '-v', part], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const bios = { passMarkers: demoMarkers.usbBios.pass, failMarkers: demoMarkers.usbBios.fail, timeoutMs: 30_000 };
/** The boot code's messages are screen-only: SeaBIOS's serial console brings them to COM1. */
const failures = (...messages: string[]) => ({ ...bios, screenOnSerial: true, failMarkers: [...messages, ...bios.failMarkers] });

describe('BIOS boot of a UFD+FORMAT disk', () => {
  // 80 MiB: 512-byte clusters (bootmgr = 24 clusters); 300 MiB: 4 KiB clusters (3 clusters, 8-sector reads)
  let small: { path: string; plan: FatDiskPlan };
  let large: { path: string; plan: FatDiskPlan };
  beforeAll(async () => {
    small = await writeImage('small.img', 80 * MiB);
    large = await writeImage('large.img', 300 * MiB);
  });

  it('lays BOOTMGR out past the root directory\'s first cluster, in several clusters', () => {
    for (const { plan } of [small, large]) {
      const perCluster = plan.geometry.clusterBytes / 32;
      expect(rootEntryIndex(plan, 'bootmgr')).toBeGreaterThanOrEqual(perCluster);
      expect(plan.runs[0]!.clusters).toBeGreaterThan(1);
      expect(bootmgrRun(plan).clusters).toBeGreaterThanOrEqual(3);
    }
    expect(small.plan.geometry.sectorsPerCluster).toBe(1);
    expect(large.plan.geometry.sectorsPerCluster).toBe(8);
  });

  it.skipIf(!have('fsck.fat', 'dd'))('passes fsck.fat -n with the boot record in sectors 0..2 and its copy in 6..8', () => {
    for (const { path } of [small, large]) {
      const r = fsck(path);
      expect(r.out).not.toMatch(/differ|Dirty|invalid|Orphan/i);
      expect(r.status, r.out).toBe(0);
    }
    const record = readAt(small.path, MiB, 3 * sector);
    expect(readAt(small.path, MiB + 6 * sector, 3 * sector).equals(record)).toBe(true);
  });

  it.skipIf(noBios !== undefined)('SeaBIOS boots it as a USB stick: MBR -> boot sector -> bootmgr stand-in', async () => {
    for (const { path } of [small, large]) {
      const r = await bootUsbBios(path, bios);
      expect(r.serial).toContain('CmTsMedia demo media (BIOS, USB disk): bootmgr stand-in');
      expect(r.serial).toContain('CMTS-DEMO-BOOTMGR-START dl=80');
      expect(r.serial).toContain('CMTS-DEMO-BOOTMGR-BPB-OK');
      expect(r.serial).toContain('CMTS-DEMO-BOOTMGR-TAIL-OK');
      expect(r, r.serial).toMatchObject({ passed: true, marker: 'CMTS-DEMO-USB-BIOS-OK', exitCode: 33, timedOut: false });
    }
  });

  it.skipIf(noBios !== undefined)('follows BOOTMGR\'s cluster chain, not the disk order', async () => {
    const path = join(work.dir, 'fragmented.img');
    copyFileSync(large.path, path);
    fragment(path, large.plan);
    if (have('fsck.fat', 'dd')) expect(fsck(path).status).toBe(0);
    const r = await bootUsbBios(path, bios);
    expect(r, r.serial).toMatchObject({ passed: true, marker: 'CMTS-DEMO-USB-BIOS-OK' });
  });

  it.skipIf(noBios !== undefined)('says "BOOTMGR is missing" when the root has no BOOTMGR', async () => {
    const { path } = await writeImage('no-bootmgr.img', 80 * MiB, false);
    const r = await bootUsbBios(path, failures('BOOTMGR is missing'));
    expect(r.serial).toContain('Press Ctrl+Alt+Del to restart');
    expect(r).toMatchObject({ passed: false, marker: 'BOOTMGR is missing', timedOut: false });
  });

  it.skipIf(noBios !== undefined)('the MBR says "Missing operating system" when the partition\'s first sector has no 55 AA', async () => {
    const path = join(work.dir, 'no-signature.img');
    copyFileSync(small.path, path);
    patch(path, MiB + 510, new Uint8Array(2));
    const r = await bootUsbBios(path, failures('Missing operating system'));
    expect(r).toMatchObject({ passed: false, marker: 'Missing operating system', timedOut: false });
  });

  it.skipIf(noBios !== undefined)('the boot sector says "Disk error" when its second stage is gone', async () => {
    const path = join(work.dir, 'no-stage2.img');
    copyFileSync(small.path, path);
    patch(path, MiB + 2 * sector, new Uint8Array(sector));
    const r = await bootUsbBios(path, failures('Disk error'));
    expect(r).toMatchObject({ passed: false, marker: 'Disk error', timedOut: false });
  });
});

describe.skipIf(noBios !== undefined)('demo media, UFD+FORMAT', () => {
  beforeAll(() => {
    process.env.CMTSMEDIA_STATE_DIR = join(work.dir, 'state');
  });
  afterAll(() => {
    delete process.env.CMTSMEDIA_STATE_DIR;
  });

  it('boot under SeaBIOS from the USB disk: the boot image\'s bootmgr is the stand-in', async () => {
    const path = join(work.dir, 'demo.img');
    const params = { mediaType: 'UFD+FORMAT', destinationPath: path, bootImageId: 'PS100005', siteCatalog: resolve('module/Demo/site.json'), imageSizeBytes: 64 * MiB } as CreateBootMediaParams;
    await createBootMedia(params, { signal: new AbortController().signal, event: () => undefined });
    const r = await bootUsbBios(path, bios);
    expect(r.serial).toContain('CMTS-DEMO-BOOTMGR-TAIL-OK');
    expect(r, r.serial).toMatchObject({ passed: true, marker: 'CMTS-DEMO-USB-BIOS-OK', exitCode: 33 });
  });
});
