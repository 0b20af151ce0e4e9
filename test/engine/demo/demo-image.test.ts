/**
 * The committed demo boot image (module/Demo/content/dp01/PS100005/boot.PS100005.wim), read with
 * wimlib's tools as the independent reader: XML, boot index, compression, the docs/media.md "Sources"
 * paths, and that its boot files are byte for byte the stand-ins in test/fixtures/boot.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const wim = join(repo, 'module/Demo/content/dp01/PS100005/boot.PS100005.wim');
const stub = (name: string) => readFileSync(join(repo, 'test/fixtures/boot', name));
/** wimlib version that made the committed file; other versions may compress differently. */
const madeWith = 'wimlib 1.13.5';

const expectedFiles = [
  'README.txt',
  'Windows/Boot/DVD/EFI/BCD',
  'Windows/Boot/DVD/EFI/boot.sdi',
  'Windows/Boot/DVD/EFI/en-US/efisys.bin',
  'Windows/Boot/DVD/PCAT/BCD',
  'Windows/Boot/DVD/PCAT/boot.sdi',
  'Windows/Boot/DVD/PCAT/etfsboot.com',
  'Windows/Boot/EFI/bootmgfw.efi',
  'Windows/Boot/EFI/bootmgr.efi',
  'Windows/Boot/Fonts/wgl4_boot.ttf',
  'Windows/Boot/PCAT/bootmgr',
  'Windows/System32/winpeshl.ini',
];

const version = spawnSync('wimlib-imagex', ['--version'], { encoding: 'utf8' });
const missing = version.error ? 'wimlib-imagex not found (Debian: wimtools)' : undefined;
if (missing) console.warn(`demo/demo-image.test.ts: wimlib checks skipped: ${missing}`);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => relative(dir, join(dir, p)).split('\\').join('/'))
    .sort();
}

function extract(wimPath: string, dest: string): void {
  execFileSync('wimlib-imagex', ['extract', wimPath, '1', '--dest-dir', dest, '--no-acls'], { stdio: 'pipe' });
}

function xml(wimPath: string): string {
  return Buffer.from(execFileSync('wimlib-imagex', ['info', wimPath, '--xml'])).toString('utf16le').replace(/^\uFEFF/, '');
}

describe('demo boot image', () => {
  it('is small and a WIM with a fixed GUID', () => {
    const bytes = readFileSync(wim);
    expect(bytes.length).toBeLessThan(200 * 1024);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('MSWIM\0\0\0'); // ImageTag
    expect(bytes.subarray(24, 40).toString('latin1')).toBe('CMTS-DEMO-WIM-01'); // header GUID, +0x18
  });

  describe.skipIf(missing !== undefined)('read with wimlib', () => {
    let scratch = '';
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'cmts-demo-wim-'));
      extract(wim, join(scratch, 'committed'));
    });
    afterAll(() => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it('declares x64 (ARCH 9), Windows PE, boot index 1, LZX, one image', () => {
      const info = execFileSync('wimlib-imagex', ['info', wim], { encoding: 'utf8' });
      expect(info).toMatch(/^Image Count:\s+1$/m);
      expect(info).toMatch(/^Compression:\s+LZX$/m);
      expect(info).toMatch(/^Boot Index:\s+1$/m);
      expect(info).toMatch(/^Architecture:\s+x86_64$/m);
      const doc = xml(wim);
      expect(doc).toContain('<ARCH>9</ARCH>');
      expect(doc).toContain('<INSTALLATIONTYPE>WindowsPE</INSTALLATIONTYPE>');
      expect(doc).toContain('<NAME>CmTsMedia demo boot image (x64)</NAME>');
      expect(doc).toContain('<CREATIONTIME><HIGHPART>0x01D5C036</HIGHPART><LOWPART>0x69050000</LOWPART></CREATIONTIME>');
    });

    it('holds exactly the source paths of docs/media.md and the placeholders (wimdir)', () => {
      const listed = execFileSync('wimlib-imagex', ['dir', wim, '1'], { encoding: 'utf8' }).trim().split('\n');
      for (const file of expectedFiles) expect(listed).toContain(`/${file}`);
      expect(listFiles(join(scratch, 'committed'))).toEqual(expectedFiles);
    });

    it('boot files are the stand-ins, byte for byte (wimextract)', () => {
      const got = (p: string) => readFileSync(join(scratch, 'committed', p));
      expect(got('Windows/Boot/DVD/PCAT/etfsboot.com').equals(stub('etfsboot.com'))).toBe(true);
      expect(got('Windows/Boot/DVD/EFI/en-US/efisys.bin').equals(stub('efisys.bin'))).toBe(true);
      expect(got('Windows/Boot/EFI/bootmgfw.efi').equals(stub('bootx64.efi'))).toBe(true);
      expect(got('Windows/Boot/EFI/bootmgr.efi').equals(stub('bootx64.efi'))).toBe(true);
      expect(got('Windows/Boot/PCAT/bootmgr').equals(stub('bootmgr'))).toBe(true);
      for (const p of ['Windows/Boot/DVD/PCAT/BCD', 'Windows/Boot/Fonts/wgl4_boot.ttf']) {
        expect(got(p).toString('latin1'), p).toContain('This is not Windows PE.');
      }
    });

    it('make-demo-image.sh rebuilds it: same tree, same bytes (same wimlib version)', () => {
      const rebuilt = join(scratch, 'rebuilt.wim');
      execFileSync('bash', [join(repo, 'build/demo/make-demo-image.sh'), rebuilt], { stdio: 'pipe' });
      extract(rebuilt, join(scratch, 'rebuilt'));
      const files = listFiles(join(scratch, 'rebuilt'));
      expect(files).toEqual(expectedFiles);
      for (const f of files) {
        expect(readFileSync(join(scratch, 'rebuilt', f)).equals(readFileSync(join(scratch, 'committed', f))), f).toBe(true);
      }
      expect(xml(rebuilt)).toBe(xml(wim));
      if (version.stdout.includes(madeWith)) {
        expect(readFileSync(rebuilt).equals(readFileSync(wim))).toBe(true);
      } else {
        console.warn(`demo-image: byte comparison skipped, committed WIM was made with ${madeWith}`);
      }
    });
  });
});
