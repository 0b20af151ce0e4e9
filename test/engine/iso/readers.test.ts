/**
 * Round trips through independent readers: the image's ISO 9660/Joliet and UDF trees, listed and
 * extracted by xorriso, isoinfo, 7z, bsdtar and udfinfo, must equal the source folder byte for byte.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planIso } from '../../../engine/src/formats/iso/index.js';
import { writeIsoFile } from '../../../engine/src/media/write-media.js';
import { bootFixtures, compareFolders, findFile, fixedTime, have, listTree, pseudoRandom, run, scratch, treeFromFolder, writeTree } from './helpers.js';

const work = scratch();
const src = join(work.dir, 'src');
const iso = join(work.dir, 'out.iso');

beforeAll(async () => {
  writeTree(src, {
    bootmgr: pseudoRandom(40_000, 1),
    'bootmgr.efi': pseudoRandom(2049, 2),
    'boot/BCD': pseudoRandom(8192, 3),
    'boot/fonts/wgl4_boot.ttf': pseudoRandom(4095, 4),
    'efi/boot/bootx64.efi': readFileSync(join(bootFixtures, 'bootx64.efi')),
    'sources/boot.wim': pseudoRandom(3_000_001, 5),
    'SMS/data/Variables.dat': pseudoRandom(1234, 6),
    'empty.txt': new Uint8Array(0),
    'empty folder': null,
    'Deep/a/b/c/d/e/f/g/h/i/j/Ünïcode näme – ok.txt': pseudoRandom(17, 7),
    'Deep/A+B': pseudoRandom(5, 8),
    'Deep/a_b': pseudoRandom(6, 9),
    'Deep/archive.tar.gz': pseudoRandom(7, 10),
    'Deep/a name that is rather long, longer than thirty chars.extension': pseudoRandom(11, 11),
    'Deep/日本語.txt': pseudoRandom(12, 12),
    'MediaLabel.txt': new TextEncoder().encode('label=Configuration Manager\r\n'),
  });
  mkdirSync(join(src, 'boot'), { recursive: true });
  copyFileSync(join(bootFixtures, 'etfsboot.com'), join(src, 'boot/etfsboot.com'));
  mkdirSync(join(src, 'efi/microsoft/boot'), { recursive: true });
  copyFileSync(join(bootFixtures, 'efisys.bin'), join(src, 'efi/microsoft/boot/efisys.bin'));
  const root = await treeFromFolder(src);
  const plan = planIso(root, {
    volumeLabel: 'Configuration Manager', timestamp: fixedTime,
    boot: { bios: { file: findFile(root, 'boot/etfsboot.com') }, uefi: { file: findFile(root, 'efi/microsoft/boot/efisys.bin') } },
  });
  await writeIsoFile(plan, iso);
});
afterAll(() => work.cleanup());

const expectedPaths = (): string[] => listTree(src).map((p) => '/' + p.replace(/\/$/, '')).sort();

function extractAndCompare(name: string, extract: (into: string) => void): void {
  const into = join(work.dir, name);
  mkdirSync(into);
  extract(into);
  rmSync(join(into, '[BOOT]'), { recursive: true, force: true });
  expect(compareFolders(src, into).files).toBe(listTree(src).filter((p) => !p.endsWith('/')).length);
  rmSync(into, { recursive: true });
}

describe.skipIf(!have('xorriso'))('xorriso', () => {
  it('reports the BIOS and UEFI El Torito entries', () => {
    const report = run('xorriso', ['-indev', iso, '-report_el_torito', 'plain']);
    expect(report).toMatch(/El Torito boot img : +1 +BIOS +y +none +0x0000 +0x00 +8 /);
    // efisys.bin is 1440 KiB: 2880 sectors of 512 bytes (UEFI 13.3.2.1)
    expect(report).toMatch(/El Torito boot img : +2 +UEFI +y +none +0x0000 +0x00 +2880 /);
    expect(report).not.toMatch(/FAILURE|SORRY/);
  });
  it('lists the Joliet tree', () => {
    const out = run('xorriso', ['-read_fs', 'norock', '-indev', iso, '-find', '/']);
    const paths = out.split('\n').filter((l) => l.startsWith("'") && l !== "'/'").map((l) => l.slice(1, -1).replaceAll(`'"'"'`, "'"));
    expect(paths.sort()).toEqual(expectedPaths());
  });
  it('extracts every file byte for byte', () => {
    extractAndCompare('xorriso', (into) => run('xorriso', ['-read_fs', 'norock', '-osirrox', 'on', '-indev', iso, '-extract', '/', into]));
  });
});

describe.skipIf(!have('isoinfo'))('isoinfo', () => {
  it('sees the PVD, Joliet level 3 and El Torito', () => {
    const d = run('isoinfo', ['-d', '-i', iso]);
    expect(d).toContain('Volume id: CONFIGURATION_MANAGER');
    expect(d).toContain('Joliet with UCS level 3 found');
    expect(d).toContain('El Torito VD version 1 found');
    expect(d).toMatch(/Nsect 8/);
  });
  it('lists the ISO 9660 names (-l) and the Joliet tree (-J -f)', () => {
    const l = run('isoinfo', ['-l', '-i', iso]);
    expect(l).toContain('BOOTMGR.;1');
    expect(l).toContain('A_B.;1');
    expect(l).toContain('A_B_1.;1');
    expect(l).toContain('ARCHIVE_TAR.GZ;1');
    // isoinfo prints Joliet names in ISO-8859-1 (others as '?' or '_'): same count, and every ASCII path
    const f = run('isoinfo', ['-J', '-f', '-i', iso]).split('\n').filter(Boolean);
    expect(f.length).toBe(expectedPaths().length);
    expect(f).toEqual(expect.arrayContaining(expectedPaths().filter((p) => /^[\x20-\x7e]*$/.test(p))));
  });
});

describe.skipIf(!have('7z'))('7z', () => {
  for (const view of ['-tiso', '-tudf']) {
    it(`${view}: lists and extracts every file byte for byte`, () => {
      const out = run('7z', ['l', '-slt', view, iso]);
      const paths = out.split('\n').filter((l) => l.startsWith('Path = ')).slice(1).map((l) => '/' + l.slice(7)).filter((p) => !p.startsWith('/[BOOT]'));
      expect(paths.sort()).toEqual(expectedPaths());
      extractAndCompare(`7z${view}`, (into) => run('7z', ['x', '-y', view, `-o${into}`, iso]));
    });
  }
});

describe.skipIf(!have('bsdtar'))('bsdtar', () => {
  it('lists and extracts every file byte for byte', () => {
    const paths = run('bsdtar', ['-tf', iso]).split('\n').filter((l) => l && l !== '.' && l !== './').map((l) => '/' + l.replace(/^\.\//, '').replace(/\/$/, ''));
    expect(paths.sort()).toEqual(expectedPaths());
    extractAndCompare('bsdtar', (into) => run('bsdtar', ['-xf', iso, '-C', into]));
  });
});

describe.skipIf(!have('udfinfo'))('udfinfo', () => {
  it('reads a closed UDF 1.02 volume with the tree', () => {
    const out = run('udfinfo', [iso]);
    expect(out).toContain('udfrev=1.02');
    expect(out).toContain('integrity=closed');
    expect(out).toMatch(/\blabel=Configuration Manager\b/);
    const files = listTree(src).filter((p) => !p.endsWith('/')).length;
    expect(out).toContain(`numfiles=${files}`);
  });
});
