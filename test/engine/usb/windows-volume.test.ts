/**
 * UFD on Windows without elevation (docs/usb.md "UFD on Windows"): \\.\X: cannot be opened, so the
 * module passes what Get-Volume says (VolumeFacts) and the engine decides from that. The facts below
 * have the shape and sizes Get-Volume reports for common sticks as Windows formats them: 16 GB FAT32
 * (AllocationUnitSize 8192), 64 GB exFAT (128 KiB), and 2 GB, which Windows formats FAT (FAT16).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateParams } from '../../../engine/src/protocol/params.js';
import { createBootMediaParams, volumeFactsFields } from '../../../engine/src/protocol/command-params.js';
import { checkVolume, type VolumeFacts, windowsVolume } from '../../../engine/src/usb/index.js';
import { have, mediaTree, scratch } from '../fat/tools.js';

const fat32Stick: VolumeFacts = { fileSystem: 'FAT32', sizeBytes: 15_997_075_456, freeBytes: 15_989_538_816, clusterBytes: 8192 };
const exfatStick: VolumeFacts = { fileSystem: 'exFAT', sizeBytes: 61_530_439_680, freeBytes: 61_530_046_464, clusterBytes: 131_072 };
const fatStick: VolumeFacts = { fileSystem: 'FAT', sizeBytes: 2_013_200_384, freeBytes: 2_013_167_616, clusterBytes: 32_768 };
const os = { freeBytes: null, clusterBytes: 4096 };

describe('windowsVolume', () => {
  const { tree } = mediaTree();

  it('takes the file system, free space and cluster size from the facts when the boot sector is unreadable', () => {
    expect(windowsVolume('E:\\', 'E:\\', null, fat32Stick, os)).toEqual({ mountPoint: 'E:\\', fileSystem: 'FAT32', evidence: 'os', freeBytes: 15_989_538_816, clusterBytes: 8192 });
    expect(() => checkVolume(windowsVolume('E:\\', 'E:\\', null, fat32Stick, os), tree, 'PS100005')).not.toThrow();
  });

  it('gives the SDK codes for Windows names: FAT is FAT12 or FAT16, exFAT and ReFS are unknown', () => {
    expect(() => checkVolume(windowsVolume('E:\\', 'E:\\', null, fatStick, os), tree)).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_UFD_FS_FAT16', hresult: '0x8004000A' }));
    expect(() => checkVolume(windowsVolume('E:\\', 'E:\\', null, exfatStick, os), tree)).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_UFD_FS_UNKNOWN' }));
    expect(windowsVolume('E:\\', 'E:\\', null, { ...fat32Stick, fileSystem: 'ReFS' }, os).fileSystem).toBe('unknown');
  });

  it('refuses media larger than the free space the facts give, naming the package', () => {
    const full = { ...fat32Stick, freeBytes: 1 << 20 };
    expect(() => checkVolume(windowsVolume('E:\\', 'E:\\', null, full, os), tree, 'PS100005')).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_PACKAGETOOLARGE', detail: 'PS100005', data: expect.objectContaining({ reason: 'free-space', freeBytes: 1 << 20 }) }));
  });

  it.runIf(have('mkfs.fat'))('trusts a readable boot sector over the name, and the facts for the numbers', () => {
    const work = scratch('cmts-winvol-');
    try {
      const image = join(work.dir, 'fat32.img');
      execFileSync('truncate', ['-s', '64M', image]);
      execFileSync('mkfs.fat', ['-F', '32', image], { stdio: 'ignore' });
      const head = new Uint8Array(readFileSync(image).subarray(0, 2048));
      expect(windowsVolume('E:\\', 'E:\\', head, { ...fat32Stick, fileSystem: 'FAT' }, os)).toEqual({ mountPoint: 'E:\\', fileSystem: 'FAT32', evidence: 'boot-sector', freeBytes: 15_989_538_816, clusterBytes: 8192 });
      expect(windowsVolume('E:\\', 'E:\\', head, undefined, { freeBytes: 12345, clusterBytes: 512 })).toMatchObject({ fileSystem: 'FAT32', freeBytes: 12345, clusterBytes: 512 });
    } finally {
      work.cleanup();
    }
  });

  it('without facts or a readable boot sector says how to make the file system known', () => {
    expect(() => windowsVolume('E:\\Media', 'E:\\', null, undefined, os)).toThrow(expect.objectContaining({
      code: 'E_INVALIDARG',
      detail: "E:\\Media: the volume's boot sector cannot be read without elevation; pass its facts from Get-Volume (the volume parameter, docs/protocol.md) or run elevated",
    }));
  });

  it('refuses facts whose free space exceeds the size', () => {
    expect(() => windowsVolume('E:\\', 'E:\\', null, { ...fat32Stick, freeBytes: fat32Stick.sizeBytes + 1 }, os)).toThrow(expect.objectContaining({ code: 'E_INVALIDARG', detail: `parameter volume: freeBytes ${fat32Stick.sizeBytes + 1} exceeds sizeBytes ${fat32Stick.sizeBytes}` }));
  });
});

describe('the volume parameter (what the module sends)', () => {
  const specs = { volume: { type: 'object', fields: volumeFactsFields } } as const;

  it('takes Get-Volume\'s facts as the module writes them (JSON numbers, every field)', () => {
    const line = JSON.parse('{"volume":{"fileSystem":"FAT32","sizeBytes":15997075456,"freeBytes":15989538816,"clusterBytes":8192}}') as unknown;
    expect(validateParams('createBootMedia', specs, line).volume).toEqual(fat32Stick);
  });

  it('is a parameter of createBootMedia (and so of checkBootMedia)', () => {
    const request = { mediaType: 'UFD', destinationPath: 'E:\\', bootImageId: 'PS100005', siteCatalog: 'C:\\site\\site.json', volume: fat32Stick };
    expect(validateParams('createBootMedia', createBootMediaParams, request).volume).toEqual(fat32Stick);
    expect(() => validateParams('createBootMedia', createBootMediaParams, { ...request, volume: { ...fat32Stick, label: 'PS1 BOOT' } }))
      .toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_UNKNOWNPARAMETER', detail: 'volume.label' }));
  });

  it('refuses an unknown field by name, a missing one, and a negative size', () => {
    expect(() => validateParams('createBootMedia', specs, { volume: { ...fat32Stick, driveLetter: 'E' } })).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_UNKNOWNPARAMETER', detail: 'volume.driveLetter' }));
    const { clusterBytes: _omitted, ...withoutCluster } = fat32Stick;
    expect(() => validateParams('createBootMedia', specs, { volume: withoutCluster })).toThrow(expect.objectContaining({ code: 'E_INVALIDARG', detail: 'parameter volume.clusterBytes must be a whole number of at least 0' }));
    expect(() => validateParams('createBootMedia', specs, { volume: { ...fat32Stick, freeBytes: -1 } })).toThrow(expect.objectContaining({ code: 'E_INVALIDARG', detail: 'parameter volume.freeBytes must be a whole number of at least 0' }));
  });
});
