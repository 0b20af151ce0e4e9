/**
 * The independent checks of a demo ISO made by a shipped engine executable (linux-x64 natively,
 * win-x64 under wine): one set, so both engines are judged the same way. Every reader is a tool we
 * did not write: xorriso (tree, El Torito), isoinfo (volume descriptor), 7z and bsdtar (extraction),
 * udfinfo (the UDF bridge), openssl (the media certificate inside the decrypted Variables.dat).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { decodeVariablesDat } from '../../../engine/src/formats/mediavars/index.js';
import { root } from './engine.js';

export const demoIsoTools = ['xorriso', 'isoinfo', '7z', 'bsdtar', 'udfinfo', 'openssl'];

/** The tools the checks need that this machine lacks (the caller skips with them named). */
export function missingIsoTools(): string[] {
  return demoIsoTools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}

/** The createBootMedia request both engines get: the demo site, a CD, a fixed certificate validity. */
export function demoIsoRequest(destinationPath: string, siteCatalog: string) {
  return {
    id: 1,
    command: 'createBootMedia',
    params: { mediaType: 'CD', destinationPath, bootImageId: 'PS100005', siteCatalog, certificateValidStart: '2026-01-01T00:00:00Z', certificateValidEnd: '2031-01-01T00:00:00Z' },
  };
}

/** What the engine answered (its result) that the media must agree with. */
export interface DemoIsoExpectation {
  mediaGuid: string;
  bytesWritten: number;
}

const demoWim = join(root, 'module/Demo/content/dp01/PS100005/boot.PS100005.wim');
const stub = (name: string) => readFileSync(join(root, 'test/fixtures/boot', name));
const mediaTree = [
  'MediaLabel.txt', 'SMS/data/CmTsMedia.json', 'SMS/data/TsmBootstrap.ini', 'SMS/data/Variables.dat', 'boot/BCD', 'boot/boot.sdi', 'boot/etfsboot.com',
  'boot/fonts/wgl4_boot.ttf', 'bootmgr', 'bootmgr.efi', 'efi/boot/bootx64.efi', 'efi/microsoft/boot/BCD',
  'efi/microsoft/boot/efisys.bin', 'efi/microsoft/boot/fonts/wgl4_boot.ttf', 'sources/boot.wim',
].sort();

export function checkDemoIso(iso: string, expected: DemoIsoExpectation): void {
  const scratch = mkdtempSync(join(tmpdir(), 'cmts-demo-iso-'));
  try {
    expect(readFileSync(iso).length).toBe(expected.bytesWritten);
    const text = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

    // ISO 9660 / Joliet tree and the two El Torito entries (BIOS no-emulation, UEFI).
    const listing = text('xorriso', ['-indev', iso, '-find', '/', '-type', 'f']).split('\n').filter(Boolean).map((l) => l.replace(/^'\/|'$/g, '')).sort();
    expect(listing).toEqual(mediaTree);
    const elTorito = text('xorriso', ['-indev', iso, '-report_el_torito', 'plain']);
    expect(elTorito).toMatch(/El Torito boot img\s*:\s*1\s+BIOS\s+y\s+none/);
    expect(elTorito).toMatch(/El Torito boot img\s*:\s*2\s+UEFI\s+y\s+none/);
    expect(text('isoinfo', ['-d', '-i', iso])).toContain('Volume id: CONFIGURATION_MANAGER');

    // Extracted by two more readers: the boot files are the demo's stand-ins, byte for byte.
    execFileSync('7z', ['x', '-y', `-o${join(scratch, '7z')}`, iso], { stdio: 'ignore' });
    mkdirSync(join(scratch, 'bsdtar'));
    execFileSync('bsdtar', ['-xf', iso, '-C', join(scratch, 'bsdtar')], { stdio: 'ignore' });
    for (const base of [join(scratch, '7z'), join(scratch, 'bsdtar')]) {
      expect(readFileSync(join(base, 'sources/boot.wim')).equals(readFileSync(demoWim))).toBe(true);
      expect(readFileSync(join(base, 'efi/boot/bootx64.efi')).equals(stub('bootx64.efi'))).toBe(true);
      expect(readFileSync(join(base, 'boot/etfsboot.com')).equals(stub('etfsboot.com'))).toBe(true);
      expect(readFileSync(join(base, 'MediaLabel.txt'), 'latin1')).toBe('label=Configuration Manager\r\n');
    }

    // The UDF bridge (what Windows mounts).
    const udf = text('udfinfo', [iso]);
    expect(udf).toMatch(/^label=Configuration Manager$/m);
    expect(udf).toMatch(/^udfrev=1\.02$/m);

    // Variables.dat decrypts with the default key; the media PFX opens under the GUID rule and holds
    // the certificate with the requested validity.
    const vars = decodeVariablesDat(readFileSync(join(scratch, 'bsdtar', 'SMS/data/Variables.dat')));
    expect(vars.get('_SMSMediaGuid')).toBe(expected.mediaGuid);
    expect(vars.get('_SMSTSBootMediaPackageID')).toBe('PS100005');
    expect(vars.get('_SMSTSSiteCode')).toBe('PS1');
    const pfx = join(scratch, 'media.pfx');
    writeFileSync(pfx, Buffer.from(vars.get('_SMSTSMediaPFX')!, 'hex'));
    const pem = text('openssl', ['pkcs12', '-in', pfx, '-passin', `pass:${expected.mediaGuid.slice(0, 31)}`, '-nokeys', '-clcerts']);
    const dates = execFileSync('openssl', ['x509', '-noout', '-dates'], { input: pem, encoding: 'utf8' });
    expect(dates).toContain('notBefore=Jan  1 00:00:00 2026 GMT');
    expect(dates).toContain('notAfter=Jan  1 00:00:00 2031 GMT');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
