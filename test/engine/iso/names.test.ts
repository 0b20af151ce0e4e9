import { describe, expect, it } from 'vitest';
import { efiSectorCount } from '../../../engine/src/formats/eltorito/index.js';
import { udfVolumeIdentifier } from '../../../engine/src/formats/iso/index.js';
import { assignUnique, isoFileIdentifier, isoNameProposal, isoVolumeIdentifier } from '../../../engine/src/formats/iso9660/names.js';
import { jolietNames, jolietVolumeIdentifier } from '../../../engine/src/formats/joliet/index.js';

const isoNames = (names: Array<[string, boolean]>): string[] =>
  assignUnique(names.map(([n, d]) => isoNameProposal(n, d)), '_').map((n, i) => isoFileIdentifier(n, names[i]![1]));

describe('ISO 9660 names', () => {
  it('maps to d-characters, keeps the extension, caps name + extension at 30', () => {
    expect(isoNames([['boot.PS100005.wim', false]])).toEqual(['BOOT_PS100005.WIM;1']);
    expect(isoNames([['Ünïcode näme.txt', false]])).toEqual(['UNICODE_NAME.TXT;1']);
    expect(isoNames([['bootmgr', false], ['.profile', false], ['efi', true]])).toEqual(['BOOTMGR.;1', '.PROFILE;1', 'EFI']);
    const long = isoNames([['a'.repeat(40) + '.extension1', false]])[0]!;
    expect(long).toBe('A'.repeat(22) + '.EXTENSIO;1');
    expect(isoNames([['d'.repeat(40), true]])[0]).toBe('D'.repeat(31));
  });
  it('resolves collisions deterministically and within the limits', () => {
    expect(isoNames([['A+B', false], ['a_b', false], ['a-b', false]])).toEqual(['A_B.;1', 'A_B_1.;1', 'A_B_2.;1']);
    expect(isoNames([['x'.repeat(35), true], ['X'.repeat(36), true]])).toEqual(['X'.repeat(31), 'X'.repeat(29) + '_1']);
    // a file without extension and a folder of the same name would list as the same path
    expect(isoNames([['data', true], ['data', false]])).toEqual(['DATA', 'DATA_1.;1']);
  });
  it('volume identifier: d-characters, 32 at most', () => {
    expect(isoVolumeIdentifier('Configuration Manager')).toBe('CONFIGURATION_MANAGER');
    expect(isoVolumeIdentifier('x'.repeat(40))).toHaveLength(32);
  });
});

describe('Joliet names', () => {
  it('replaces forbidden characters, keeps case and Unicode', () => {
    expect(jolietNames([{ name: 'a*b?c:d;e', isDirectory: false }, { name: 'Ünïcode 日本', isDirectory: true }])).toEqual(['a_b_c_d_e', 'Ünïcode 日本']);
    expect(jolietNames([{ name: 'emoji 😀.txt', isDirectory: false }])).toEqual(['emoji _.txt']);
  });
  it('shortens to 64 characters keeping the extension, and de-duplicates case-insensitively', () => {
    const [a, b] = jolietNames([{ name: 'n'.repeat(70) + '.wim', isDirectory: false }, { name: 'N'.repeat(71) + '.wim', isDirectory: false }]);
    expect(a).toBe('n'.repeat(60) + '.wim');
    expect(b).toBe('N'.repeat(58) + '~1.wim');
    expect(jolietNames([{ name: 'a:b', isDirectory: false }, { name: 'A_B', isDirectory: false }])).toEqual(['a_b', 'A_B~1']);
  });
  it('volume identifiers per file system', () => {
    expect(jolietVolumeIdentifier('Configuration Manager')).toBe('Configuration Ma');
    expect(udfVolumeIdentifier('Configuration Manager')).toBe('Configuration Manager');
    expect(udfVolumeIdentifier('x'.repeat(40))).toHaveLength(30);
    expect(udfVolumeIdentifier('日'.repeat(20))).toHaveLength(15);
  });
});

describe('El Torito EFI sector count', () => {
  it('is the size in 512-byte sectors, 0 when it overflows 16 bits', () => {
    expect(efiSectorCount(1440 * 1024)).toBe(2880);
    expect(efiSectorCount(262144 + 1)).toBe(513);
    expect(efiSectorCount(64 << 20)).toBe(0);
  });
});
