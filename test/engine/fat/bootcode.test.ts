/**
 * The BIOS boot code (engine/src/formats/mbr/boot-code.ts) is what build/bootcode/make-bootcode.mjs
 * assembles from the committed sources, and sits where the MBR and the FAT32 boot record need it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planFatDisk } from '../../../engine/src/formats/fat/index.js';
import { bootSectorBytes } from '../../../engine/src/formats/fat/write.js';
import { fat32BootSectorCode, fat32BootStage2, mbrBootCode, mbrBytes } from '../../../engine/src/formats/mbr/index.js';
import { treeFromPaths } from '../../../engine/src/formats/sources.js';
import { scratch } from './tools.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const committed = join(repo, 'engine/src/formats/mbr/boot-code.ts');
const noNasm = spawnSync('nasm', ['-v']).status === 0 ? undefined : 'nasm not found (Debian: apt-get install nasm)';
if (noNasm) console.warn(`fat/bootcode.test.ts: re-assembly skipped: ${noNasm}`);

describe('BIOS boot code', () => {
  it.skipIf(noNasm !== undefined)('is exactly what make-bootcode.mjs assembles from build/bootcode/*.asm', () => {
    const work = scratch('cmts-bootcode-');
    try {
      const out = join(work.dir, 'boot-code.ts');
      execFileSync(process.execPath, [join(repo, 'build/bootcode/make-bootcode.mjs'), out], { stdio: 'pipe' });
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(committed, 'utf8'));
    } finally {
      work.cleanup();
    }
  });

  it('has the sizes its sectors leave for it', () => {
    expect(mbrBootCode.length).toBe(440);
    expect(fat32BootSectorCode.length).toBe(420);
    expect(fat32BootStage2.length).toBe(512);
    expect(Buffer.from(fat32BootStage2.subarray(510)).toString('hex')).toBe('55aa');
    // the messages the tests and docs/usb.md name
    const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
    expect(text(mbrBootCode)).toContain('Missing operating system');
    expect(text(fat32BootSectorCode)).toContain('Disk error');
    expect(text(fat32BootStage2)).toContain('BOOTMGR is missing');
    expect(text(fat32BootStage2)).toContain('BOOTMGR    ');
  });

  it('is in the MBR before the disk signature, and in the FAT32 boot sector after the EBPB', () => {
    const mbr = mbrBytes([{ startLba: 2048, sectors: 129024, type: 0x0c, active: true }], 0x12345678);
    expect(Buffer.from(mbr.subarray(0, 440)).equals(mbrBootCode)).toBe(true);
    expect(Buffer.from(mbr.subarray(440, 444)).toString('hex')).toBe('78563412');

    const plan = planFatDisk(treeFromPaths([]), { diskSizeBytes: 64 << 20, volumeLabel: 'X', volumeId: 1 });
    const boot = bootSectorBytes(plan);
    // BS_jmpBoot EB 58 90 jumps to offset 0x5A = 90, where the code starts
    expect(Buffer.from(boot.subarray(0, 3)).toString('hex')).toBe('eb5890');
    expect(Buffer.from(boot.subarray(90, 510)).equals(fat32BootSectorCode)).toBe(true);
    expect(Buffer.from(boot.subarray(82, 90)).toString('latin1')).toBe('FAT32   ');
  });
});
