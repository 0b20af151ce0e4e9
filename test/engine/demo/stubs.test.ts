/**
 * The committed boot stand-ins (test/fixtures/boot) are exactly what build/demo/make-stubs.sh
 * makes from build/demo/src, and have the shape firmware needs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = join(repo, 'test/fixtures/boot');
const read = (name: string) => readFileSync(join(fixtures, name));

function toolsMissing(): string | undefined {
  const absent = ['as', 'ld', 'mkfs.fat', 'mmd', 'mcopy'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (absent.length) return `missing ${absent.join(', ')} (Debian: binutils, dosfstools, mtools)`;
  if (!/\bi386pep\b/.test(spawnSync('ld', ['-V'], { encoding: 'utf8' }).stdout)) return 'ld has no i386pep emulation';
  return undefined;
}
const missing = toolsMissing();
if (missing) console.warn(`demo/stubs.test.ts: rebuild check skipped: ${missing}`);

describe('boot stand-ins', () => {
  it.skipIf(missing !== undefined)('make-stubs.sh rebuilds them byte for byte (SHA256SUMS)', () => {
    const out = mkdtempSync(join(tmpdir(), 'cmts-stubs-'));
    try {
      execFileSync('bash', [join(repo, 'build/demo/make-stubs.sh'), out], { stdio: 'pipe' });
      expect(readFileSync(join(out, 'SHA256SUMS'), 'utf8')).toBe(read('SHA256SUMS').toString('utf8'));
      for (const name of ['etfsboot.com', 'bootx64.efi', 'efisys.bin', 'bootmgr']) {
        expect(readFileSync(join(out, name)).equals(read(name)), name).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('SHA256SUMS matches the committed files', async () => {
    const { createHash } = await import('node:crypto');
    const lines = read('SHA256SUMS').toString('utf8').trim().split('\n');
    expect(lines.map((l) => l.slice(66))).toEqual(['etfsboot.com', 'bootx64.efi', 'efisys.bin', 'bootmgr']);
    for (const line of lines) {
      expect(createHash('sha256').update(read(line.slice(66))).digest('hex'), line).toBe(line.slice(0, 64));
    }
  });

  it('etfsboot.com: 8 x 512 bytes, MBR-shaped sector 0, tail signature', () => {
    const bios = read('etfsboot.com');
    expect(bios.length).toBe(4096);
    expect(bios.readUInt16LE(510)).toBe(0xaa55);
    expect(bios.subarray(440, 510).every((b) => b === 0)).toBe(true); // disk signature + partition table left free
    expect(bios.subarray(4088).toString('latin1')).toBe('CMTSTAIL');
    expect(bios.includes('CmTsMedia demo media (BIOS): this is not Windows PE')).toBe(true);
  });

  it('bootmgr: 24 x 512 bytes run at 2000:0000, tail signature', () => {
    const bootmgr = read('bootmgr');
    expect(bootmgr.length).toBe(12288);
    expect(bootmgr.subarray(12280).toString('latin1')).toBe('CMTSTAIL');
    expect(bootmgr.includes('CMTS-DEMO-USB-BIOS-OK')).toBe(true);
  });

  it('bootx64.efi: PE32+ x86-64 EFI application without timestamp', () => {
    const efi = read('bootx64.efi');
    expect(efi.subarray(0, 2).toString('latin1')).toBe('MZ');
    const pe = efi.readUInt32LE(0x3c);
    expect(efi.subarray(pe, pe + 4).toString('latin1')).toBe('PE\0\0');
    expect(efi.readUInt16LE(pe + 4)).toBe(0x8664); // COFF Machine: AMD64
    expect(efi.readUInt32LE(pe + 8)).toBe(0); // TimeDateStamp (reproducible)
    expect(efi.readUInt16LE(pe + 24)).toBe(0x20b); // optional header magic: PE32+
    expect(efi.readUInt16LE(pe + 24 + 68)).toBe(10); // Subsystem: EFI application
    expect(efi.includes('CmTsMedia demo media (UEFI): this is not Windows PE')).toBe(true);
  });

  it('efisys.bin: 1440 KiB FAT12 holding \\EFI\\BOOT\\BOOTX64.EFI = bootx64.efi', () => {
    const fat = read('efisys.bin');
    expect(fat.length).toBe(1440 * 1024);
    // fatgen103 BPB: BPB_BytsPerSec at 11, BPB_TotSec16 at 19, BS_FilSysType at 54.
    expect(fat.readUInt16LE(11)).toBe(512);
    expect(fat.readUInt16LE(19)).toBe(2880);
    expect(fat.subarray(54, 62).toString('latin1')).toBe('FAT12   ');
    const mtools = spawnSync('mtype', ['-i', join(fixtures, 'efisys.bin'), '::/EFI/BOOT/BOOTX64.EFI'], {
      env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
    });
    if (mtools.error) return; // mtools not installed: the BPB checks above still ran
    expect(Buffer.from(mtools.stdout).equals(read('bootx64.efi'))).toBe(true);
  });
});
