import { describe, expect, it } from 'vitest';
import { isCmTsError } from '../../../engine/src/errors/index.js';
import { assignFatName, fatGeometry, fatVolumeLabel, planFatDisk, shortNameChecksum } from '../../../engine/src/formats/fat/index.js';
import { encodeLongEntries, shortNameField } from '../../../engine/src/formats/fat/names.js';
import { dirEntry, fat32BootSector, fatDateTime, fsInfoSector, longDirEntry } from '../../../engine/src/formats/fat/structures.js';
import { bootSectorBytes } from '../../../engine/src/formats/fat/write.js';
import { masterBootRecord, mbrBytes, partitionRecord } from '../../../engine/src/formats/mbr/index.js';
import { fileSystemFromBootSector } from '../../../engine/src/usb/volume.js';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { FileSource } from '../../../engine/src/formats/tree.js';

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);
const MiB = 1 << 20;

describe('FAT tables', () => {
  it('have the sizes fatgen103 and UEFI declare', () => {
    expect([fat32BootSector.sizeBytes, fsInfoSector.sizeBytes, dirEntry.sizeBytes, longDirEntry.sizeBytes]).toEqual([512, 512, 32, 32]);
    expect([masterBootRecord.sizeBytes, partitionRecord.sizeBytes]).toEqual([512, 16]);
  });
});

describe('short names (fatgen103 basis name + numeric tail)', () => {
  const assign = (names: string[]): string[] => {
    const used = new Set<string>();
    return names.map((n) => latin1(assignFatName(n, used).short));
  };
  it('keeps 8.3 names, upper-cases, and stores a long name only when it differs', () => {
    const used = new Set<string>();
    expect(assignFatName('EFI', used)).toEqual({ short: shortNameField('EFI', ''), long: null });
    expect(assignFatName('bootmgr', used)).toEqual({ short: shortNameField('BOOTMGR', ''), long: 'bootmgr' });
    expect(assignFatName('boot.wim', used).long).toBe('boot.wim');
  });
  it('gives ~N tails to long, lossy and colliding names', () => {
    expect(assign(['Variables.dat', 'VariablesX.dat', 'a b.txt', 'ünï.c', '.hidden', 'a.b.c', 'x+y'])).toEqual([
      'VARIAB~1DAT', 'VARIAB~2DAT', 'AB~1    TXT', '_N_~1   C  ', 'HIDDEN~1   ', 'AB~1    C  ', 'X_Y~1      ',
    ]);
  });
  it('checksums the 11 name bytes as fatgen103 (values from an independent implementation)', () => {
    expect(shortNameChecksum(new TextEncoder().encode('AFILEN~1TXT'))).toBe(0xef);
    expect(shortNameChecksum(new TextEncoder().encode('BOOTMGR    '))).toBe(0xee);
  });
  it('encodes LFN entries last piece first, NUL-terminated then 0xFFFF-padded', () => {
    const out = new Uint8Array(64);
    expect(encodeLongEntries('fourteen chars', 0x12, out, 0)).toBe(64);
    expect(out[0]).toBe(0x42); // ord 2 | last
    expect(out[32]).toBe(0x01);
    expect([out[11], out[13], out[32 + 11]]).toEqual([0x0f, 0x12, 0x0f]);
    expect([out[1], out[2], out[3], out[4], out[5]]).toEqual([0x73, 0, 0, 0, 0xff]); // 's', the 0x0000 terminator, then 0xFFFF
  });
  it('maps the volume label: 11 characters, upper case, invalid characters to _', () => {
    expect(fatVolumeLabel('Configuration Manager')).toBe('CONFIGURATI');
    expect(fatVolumeLabel('  my.label*ü')).toBe('MY_LABEL__');
    expect(fatVolumeLabel('')).toBe('NO NAME');
  });
  it('converts dates to FAT words in UTC', () => {
    expect(fatDateTime(new Date(Date.UTC(2024, 4, 17, 12, 34, 57, 120)))).toEqual({ date: (44 << 9) | (5 << 5) | 17, time: (12 << 11) | (34 << 5) | 28, tenths: 112 });
  });
});

describe('geometry (fatgen103 DskTableFAT32)', () => {
  it('chooses the cluster size by partition size', () => {
    const spc = (bytes: number): number => fatGeometry(bytes).sectorsPerCluster;
    expect([spc(64 * MiB), spc(256 * MiB), spc(1024 * MiB), spc(8 * 1024 * MiB), spc(16 * 1024 * MiB), spc(32 * 1024 * MiB), spc(64 * 1024 * MiB)]).toEqual([1, 1, 8, 8, 16, 32, 64]);
  });
  it('keeps FAT32 cluster counts, cluster-aligned data and a FAT big enough', () => {
    for (const size of [34 * MiB, 300 * MiB, 4000 * MiB, 20_000 * MiB, 100_000 * MiB, 2 ** 41]) {
      const g = fatGeometry(size);
      expect(g.clusterCount).toBeGreaterThanOrEqual(65525);
      expect(g.dataStartSector % g.sectorsPerCluster).toBe(0);
      expect(g.fatSectors * 128).toBeGreaterThanOrEqual(g.clusterCount + 2);
      expect(g.dataStartSector + g.clusterCount * g.sectorsPerCluster).toBeLessThanOrEqual(g.partitionSectors);
    }
  });
  it('refuses a disk too small for FAT32 with PACKAGETOOLARGE and the package ID', () => {
    try {
      fatGeometry(32 * MiB, 'PS100005');
      expect.unreachable();
    } catch (err) {
      expect(isCmTsError(err, 'CREATETSMEDIA_E_PACKAGETOOLARGE')).toBe(true);
      expect((err as { detail: string }).detail).toBe('PS100005');
    }
  });
});

describe('planFatDisk', () => {
  const big = (sizeBytes: number): FileSource => ({ sizeBytes, origin: 'big', async *open() {} });
  it('refuses a file over 4 GiB − 1 and content larger than the disk', () => {
    const tooBig = treeFromPaths([['sources/boot.wim', big(2 ** 32)]]);
    expect(() => planFatDisk(tooBig, { diskSizeBytes: 64 * 2 ** 30, volumeLabel: 'x', volumeId: 1, packageId: 'PS100005' })).toThrow(/PS100005/);
    const full = treeFromPaths([['a', big(70 * MiB)]]);
    expect(() => planFatDisk(full, { diskSizeBytes: 64 * MiB, volumeLabel: 'x', volumeId: 1 })).toThrow(/too large/);
  });
  it('allocates the root at cluster 2, directories, then files, contiguously', () => {
    const tree = treeFromPaths([['EFI/BOOT/BOOTX64.EFI', bufferSource(new Uint8Array(2000), 'a')], ['x', bufferSource(new Uint8Array(0), 'b')]]);
    const plan = planFatDisk(tree, { diskSizeBytes: 64 * MiB, volumeLabel: 'Label', volumeId: 0xdeadbeef });
    expect(plan.runs.map((r) => [r.path, r.firstCluster, r.clusters])).toEqual([['', 2, 1], ['EFI', 3, 1], ['EFI/BOOT', 4, 1], ['EFI/BOOT/BOOTX64.EFI', 5, 4]]);
    expect(plan.usedClusters).toBe(7);
    expect(plan.fileCount).toBe(2);
  });
  it('writes a boot sector that a FAT reader classifies as FAT32 with the partition as hidden sectors', () => {
    const plan = planFatDisk(treeFromPaths([]), { diskSizeBytes: 64 * MiB, volumeLabel: 'Label', volumeId: 0x12345678 });
    const boot = bootSectorBytes(plan);
    const values = fat32BootSector.decode(boot);
    expect(values.BPB_HiddSec).toBe(2048);
    expect(values.BS_VolLab).toBe('LABEL');
    expect(fileSystemFromBootSector(boot)).toBe('FAT32');
    const mbr = mbrBytes([{ startLba: 2048, sectors: 129024, type: 0x0c, active: true }], 0x12345678);
    expect(Buffer.from(mbr.subarray(446, 462)).toString('hex')).toBe('802021000c2820080008000000f80100'); // as sfdisk writes it
    expect([mbr[510], mbr[511]]).toEqual([0x55, 0xaa]);
  });
});
