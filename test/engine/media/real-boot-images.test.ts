/**
 * Media from boot images laid out as real Windows PE boot.wim files are (test/fixtures/winpe,
 * docs/media.md "Boot files"): the UEFI image only in a language folder, the 2023-CA (_EX) set,
 * arm64 without BIOS, and images that lack one firmware's files or both.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVariablesDat } from '../../../engine/src/formats/mediavars/index.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { bootIsoBios, bootIsoUefi, bootUsbBios, bootUsbUefi, demoMarkers, qemuUnavailable } from '../../helpers/qemu.js';
import { isoFile as extract, isoFiles } from '../../helpers/xorriso.js';

const fixtures = resolve('test/fixtures');
const have = (...tools: string[]) => tools.every((t) => spawnSync('which', [t]).status === 0);
const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
let scratch: string;

/** A schema v2 site whose DP holds the fixture WIMs (and variants made with wimupdate) as packages. */
const packages: Record<string, { wim: string; architecture: string }> = {
  PS100010: { wim: 'winpe-x64.wim', architecture: 'x64' },
  PS100011: { wim: 'winpe-arm64.wim', architecture: 'arm64' },
};

function addPackage(packageId: string, architecture: string, make: (wim: string) => void): void {
  const folder = join(scratch, 'content', packageId);
  mkdirSync(folder, { recursive: true });
  make(join(folder, `boot.${packageId}.wim`));
  packages[packageId] = { wim: '', architecture };
}

/** A copy of the x64 fixture changed by wimupdate commands (wimlib: an independent writer). */
function variant(packageId: string, ...commands: string[]): void {
  addPackage(packageId, 'x64', (wim) => {
    copyFileSync(join(fixtures, 'winpe/winpe-x64.wim'), wim);
    execFileSync('wimupdate', [wim, '1'], { input: commands.join('\n') + '\n', stdio: ['pipe', 'ignore', 'pipe'] });
  });
}

function writeCatalog(): string {
  const catalog = {
    schemaVersion: 2,
    siteCode: 'PS1',
    managementPoints: [
      { name: 'MP01.contoso.com', url: 'http://MP01.contoso.com', default: true, certificates: [join(fixtures, 'site/mp01.cer')], sslState: 0 },
      { name: 'MP02.contoso.com', url: 'https://MP02.contoso.com', certificates: [join(fixtures, 'site/mp01.cer')], sslState: 63 },
    ],
    caCertificates: [join(fixtures, 'site/root-ca.cer')],
    siteSigningCertificate: join(fixtures, 'site/site-signing.pem'),
    trustedRootKey: '0602000000A4000052534131000800000100010' + 'D'.repeat(513),
    unknownMachines: { x64: '51F5C5D4-4C22-4A39-9A61-8B5EE4B2C001', x86: '51F5C5D4-4C22-4A39-9A61-8B5EE4B2C002' },
    distributionPoints: [{ name: 'DP01.contoso.com', contentPath: 'content' }],
    bootImages: Object.entries(packages).map(([packageId, { architecture }]) => ({
      packageId, name: `Boot image ${packageId}`, architecture, sourceVersion: 7,
      path: `${packageId}/boot.${packageId}.wim`, distributionPoints: ['DP01.contoso.com'],
    })),
  };
  const path = join(scratch, 'site.json');
  writeFileSync(path, JSON.stringify(catalog, null, 2));
  return path;
}

let catalog: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-winpe-'));
  process.env.CMTSMEDIA_STATE_DIR = join(scratch, 'state');
  for (const [packageId, { wim }] of Object.entries(packages)) addPackage(packageId, packages[packageId]!.architecture, (to) => copyFileSync(join(fixtures, 'winpe', wim), to));
  variant('PS100012', 'delete --recursive /Windows/Boot/DVD/EFI', 'delete --recursive /Windows/Boot/EFI');
  variant('PS100013', 'delete --recursive /Windows/Boot/DVD', 'delete --recursive /Windows/Boot/EFI');
  variant('PS100014', 'delete --recursive /Windows/Boot/EFI_EX', 'delete --recursive /Windows/Boot/DVD_EX', 'delete --recursive /Windows/Boot/FONTS_EX');
  variant('PS100015', 'rename /Windows/Boot/DVD/EFI/en-US /Windows/Boot/DVD/EFI/fr-FR');
  catalog = writeCatalog();
});
afterAll(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

interface Run { result: Awaited<ReturnType<typeof createBootMedia>>; warnings: string[]; logs: string[] }

async function create(bootImageId: string, destinationPath: string, extra: Partial<CreateBootMediaParams> = {}): Promise<Run> {
  const warnings: string[] = [];
  const logs: string[] = [];
  const context: RequestContext = {
    id: 1,
    signal: new AbortController().signal,
    event: (event, fields) => {
      if (event === 'warning') warnings.push(String(fields.message));
      if (event === 'log') logs.push(String(fields.message));
    },
  };
  const params = { mediaType: 'CD', destinationPath, bootImageId, siteCatalog: catalog, ...extra } as CreateBootMediaParams;
  return { result: await createBootMedia(params, context), warnings, logs };
}

const isoFile = (iso: string, path: string): Buffer => extract(iso, path, scratch);

/** The El Torito entries as xorriso reports them: [platform, boot image path] (`-report_el_torito as_mkisofs`). */
function elTorito(iso: string): { bios?: string; uefi?: string } {
  const report = execFileSync('xorriso', ['-indev', iso, '-report_el_torito', 'as_mkisofs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const bios = /^-b '([^']+)'/m.exec(report)?.[1];
  const uefi = /^-e '([^']+)'/m.exec(report)?.[1];
  return { ...(bios ? { bios } : {}), ...(uefi ? { uefi } : {}) };
}

/** The volume label of a FAT image (the efisys variants differ only in theirs). */
function fatLabel(image: Buffer): string {
  const file = join(scratch, `fat-${Math.random().toString(16).slice(2)}`);
  writeFileSync(file, image);
  const label = execFileSync('mlabel', ['-s', '-i', file, '::'], { env: mtoolsEnv, encoding: 'utf8' });
  rmSync(file);
  return label.replace(/^\s*Volume label is\s*/, '').trim();
}

const wimFile = (path: string) => execFileSync('wimextract', [join(fixtures, 'winpe/winpe-x64.wim'), '1', path, '--to-stdout']);

describe.skipIf(!have('xorriso', 'wimupdate', 'mlabel'))('CD media from a real Windows PE layout (x64)', () => {
  let iso: string;
  let run: Run;
  beforeAll(async () => {
    iso = join(scratch, 'x64.iso');
    run = await create('PS100010', iso);
  });

  it('holds the BIOS and the UEFI boot files where ConfigMgr media have them', () => {
    const files = isoFiles(iso);
    for (const path of ['/bootmgr', '/bootmgr.efi', '/boot/BCD', '/boot/boot.sdi', '/boot/etfsboot.com', '/boot/fonts/wgl4_boot.ttf',
      '/efi/boot/bootx64.efi', '/efi/microsoft/boot/BCD', '/efi/microsoft/boot/efisys.bin', '/efi/microsoft/boot/boot.stl',
      '/efi/microsoft/boot/memtest.efi', '/efi/microsoft/boot/fonts/segoe_slboot.ttf', '/sources/boot.wim']) expect(files).toContain(path);
    expect(files.filter((f) => f.includes('_EX') || f.includes('noprompt'))).toEqual([]);
    expect(isoFile(iso, '/efi/boot/bootx64.efi').equals(wimFile('/Windows/Boot/EFI/bootmgfw.efi'))).toBe(true);
    expect(isoFile(iso, '/sources/boot.wim').equals(readFileSync(join(fixtures, 'winpe/winpe-x64.wim')))).toBe(true);
    expect(run.result.firmware).toEqual(['BIOS', 'UEFI']);
    expect(run.warnings.filter((w) => w.includes('will not boot'))).toEqual([]);
  });

  it('has a BIOS (etfsboot.com) and a UEFI (efisys.bin, from the en-US folder) El Torito entry', () => {
    expect(elTorito(iso)).toEqual({ bios: '/boot/etfsboot.com', uefi: '/efi/microsoft/boot/efisys.bin' });
    expect(fatLabel(isoFile(iso, '/efi/microsoft/boot/efisys.bin'))).toBe('EFISYS');
  });

  it.skipIf(qemuUnavailable('bios'))('boots under SeaBIOS', async () => {
    expect((await bootIsoBios(iso)).passed).toBe(true);
  });

  it.skipIf(qemuUnavailable('uefi'))('boots under OVMF', async () => {
    expect((await bootIsoUefi(iso)).passed).toBe(true);
  });
});

describe.skipIf(!have('xorriso', 'wimupdate', 'mlabel'))('-NoPrompt and -BootEx choose the El Torito image and boot files', () => {
  for (const [label, extra, image, fatName] of [
    ['-NoPrompt', { noPrompt: true }, 'efisys_noprompt.bin', 'NOPROMPT'],
    ['-BootEx', { bootEx: true }, 'efisys_EX.bin', 'EFISYS_EX'],
    ['-BootEx -NoPrompt', { bootEx: true, noPrompt: true }, 'efisys_noprompt_EX.bin', 'NOPROMPT_EX'],
  ] as const) {
    it(`${label}: the UEFI entry is ${image}`, async () => {
      const iso = join(scratch, `variant-${fatName}.iso`);
      await create('PS100010', iso, extra);
      expect(elTorito(iso)).toEqual({ bios: '/boot/etfsboot.com', uefi: `/efi/microsoft/boot/${image}` });
      expect(fatLabel(isoFile(iso, `/efi/microsoft/boot/${image}`))).toBe(fatName);
      const ex = 'bootEx' in extra;
      expect(isoFile(iso, '/efi/boot/bootx64.efi').equals(wimFile(ex ? '/Windows/Boot/EFI_EX/bootmgfw_EX.efi' : '/Windows/Boot/EFI/bootmgfw.efi'))).toBe(true);
      if (ex) {
        // The 2023-CA fonts under their plain names (the _EX dropped), as Microsoft's media script does.
        expect(isoFile(iso, '/efi/microsoft/boot/fonts/wgl4_boot.ttf').equals(wimFile('/Windows/Boot/FONTS_EX/wgl4_boot_EX.ttf'))).toBe(true);
        expect(isoFile(iso, '/bootmgr.efi').equals(wimFile('/Windows/Boot/EFI_EX/bootmgr_EX.efi'))).toBe(true);
      }
      rmSync(iso);
    });
  }

  it.skipIf(qemuUnavailable('uefi'))('-BootEx media boot under OVMF', async () => {
    const iso = join(scratch, 'bootex.iso');
    await create('PS100010', iso, { bootEx: true });
    expect((await bootIsoUefi(iso)).passed).toBe(true);
    rmSync(iso);
  });

  it('-BootEx on an image without the 2023-CA files is NOBOOTFILES naming them, and leaves no file', async () => {
    const iso = join(scratch, 'no-ex.iso');
    await expect(create('PS100014', iso, { bootEx: true })).rejects.toMatchObject({
      code: 'CMTSMEDIA_E_NOBOOTFILES', detail: expect.stringMatching(/^UEFI with -BootEx \(.*\\Windows\\Boot\\EFI_EX\\bootmgfw_EX\.efi/),
    });
    expect(existsSync(iso)).toBe(false);
  });

  it('finds efisys.bin in another language folder when en-US is not there', async () => {
    const iso = join(scratch, 'fr.iso');
    await create('PS100015', iso);
    expect(elTorito(iso).uefi).toBe('/efi/microsoft/boot/efisys.bin');
    rmSync(iso);
  });
});

describe.skipIf(!have('xorriso', 'wimupdate'))('a firmware is never dropped silently', () => {
  it('an image without UEFI files gives BIOS-only media, a warning and a log line naming UEFI', async () => {
    const iso = join(scratch, 'bios-only.iso');
    const run = await create('PS100012', iso);
    expect(run.result.firmware).toEqual(['BIOS']);
    const warning = run.warnings.find((w) => w.includes('will not boot on UEFI'));
    expect(warning).toContain('\\Windows\\Boot\\EFI\\bootmgfw.efi');
    expect(run.logs).toContain(warning);
    expect(elTorito(iso)).toEqual({ bios: '/boot/etfsboot.com' });
    expect(isoFiles(iso).filter((f) => f.startsWith('/efi/'))).toEqual([]);
    rmSync(iso);
  });

  it('an image with neither is CMTSMEDIA_E_NOBOOTFILES naming both, and leaves no file', async () => {
    const iso = join(scratch, 'none.iso');
    const err = await create('PS100013', iso).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'CMTSMEDIA_E_NOBOOTFILES', hresult: '0xA0040015', detail: expect.stringMatching(/^BIOS \(.*\) or UEFI \(.*\)$/) });
    expect(readdirSync(scratch).filter((n) => n.startsWith('none'))).toEqual([]);
  });
});

describe.skipIf(!have('xorriso', 'mdir'))('arm64 media: UEFI only', () => {
  it('have bootaa64.efi and a UEFI El Torito entry only, and no BIOS files', async () => {
    const iso = join(scratch, 'arm64.iso');
    const run = await create('PS100011', iso);
    expect(run.result.firmware).toEqual(['UEFI']);
    expect(run.warnings.filter((w) => w.includes('will not boot'))).toEqual([]);
    expect(elTorito(iso)).toEqual({ uefi: '/efi/microsoft/boot/efisys.bin' });
    const files = isoFiles(iso);
    expect(files).toContain('/efi/boot/bootaa64.efi');
    for (const bios of ['/bootmgr', '/boot/etfsboot.com', '/boot/BCD']) expect(files).not.toContain(bios);
    expect(files).toContain('/boot/boot.sdi');
    rmSync(iso);
  });

  it('UFD+FORMAT: the FAT32 disk has \\EFI\\BOOT\\BOOTAA64.EFI', async () => {
    const img = join(scratch, 'arm64.img');
    await create('PS100011', img, { mediaType: 'UFD+FORMAT', imageSizeBytes: 48 * 2 ** 20 });
    const listing = execFileSync('mdir', ['-/', '-b', '-i', `${img}@@1M`, '::/efi/boot'], { env: mtoolsEnv, encoding: 'utf8' });
    expect(listing.toLowerCase()).toContain('bootaa64.efi');
    rmSync(img);
  });
});

describe.skipIf(!have('mdir'))('UFD+FORMAT from a real Windows PE layout (x64)', () => {
  let img: string;
  beforeAll(async () => {
    img = join(scratch, 'x64.img');
    await create('PS100010', img, { mediaType: 'UFD+FORMAT', imageSizeBytes: 48 * 2 ** 20 });
  });

  it.skipIf(qemuUnavailable('uefi'))('boots under OVMF as a USB stick', async () => {
    expect((await bootUsbUefi(img)).passed).toBe(true);
  });

  it.skipIf(qemuUnavailable('bios'))('boots under SeaBIOS as a USB stick', async () => {
    const boot = await bootUsbBios(img, { passMarkers: demoMarkers.usbBios.pass, failMarkers: demoMarkers.usbBios.fail });
    expect(boot.passed).toBe(true);
  });
});

describe.skipIf(!have('xorriso'))('the variables and files of the media wizard\'s options (docs/media.md)', () => {
  const variables = async (name: string, extra: Partial<CreateBootMediaParams>, password?: string) => {
    const iso = join(scratch, `${name}.iso`);
    await create('PS100010', iso, extra);
    const vars = decodeVariablesDat(isoFile(iso, '/SMS/data/Variables.dat'), password);
    const ini = isoFile(iso, '/SMS/data/TsmBootstrap.ini').toString('latin1');
    return { iso, vars, ini };
  };
  const always = ['_SMSMediaGuid', '_SMSTSBootMediaPackageID', '_SMSTSHTTPPort', '_SMSTSHTTPSPort', '_SMSTSIISSSLState', '_SMSTSLaunchMode',
    '_SMSTSMediaPFX', '_SMSTSMediaType', '_SMSTSPublicRootKey', '_SMSTSRootCACerts', '_SMSTSSiteCode', '_SMSTSSiteSigningCertificate', '_SMSTSUseFirstCert'];

  it('static media: SMSTSMP, the site\'s variables, no unknown-computer GUIDs; the default label', async () => {
    const { iso, vars, ini } = await variables('static', {});
    expect([...vars.keys()]).toEqual(['SMSTSMP', ...always]);
    expect(vars.get('SMSTSMP')).toBe('http://MP01.contoso.com');
    expect(vars.get('_SMSTSIISSSLState')).toBe('0');
    expect(vars.get('_SMSTSPublicRootKey')).toMatch(/^0602000000A40000/);
    expect(ini).toBe('[MediaInfo]\r\nMediaType=BootMedia\r\nPasswordRequired=false\r\nUnattended=false\r\n');
    expect(isoFile(iso, '/MediaLabel.txt').toString('latin1')).toBe('label=Configuration Manager\r\n');
    expect(execFileSync('isoinfo', ['-d', '-i', iso], { encoding: 'utf8' })).toContain('Volume id: CONFIGURATION_MANAGER');
  });

  it('dynamic media with unknown-computer support: SMSTSLocationMPs and the x64/x86 GUIDs', async () => {
    const { vars } = await variables('dynamic', { mediaMode: 'Dynamic', allowUnknownMachine: true });
    expect([...vars.keys()]).toEqual(['SMSTSLocationMPs', ...always, '_SMSTSx64UnknownMachineGUID', '_SMSTSx86UnknownMachineGUID']);
    expect(vars.get('SMSTSLocationMPs')).toBe('http://MP01.contoso.com*https://MP02.contoso.com');
    expect(vars.get('_SMSTSx64UnknownMachineGUID')).toBe('51F5C5D4-4C22-4A39-9A61-8B5EE4B2C001');
  });

  it('a chosen MP, a prestart command with its files; unattended and still password-protected', async () => {
    const folder = join(scratch, 'prestart');
    mkdirSync(join(folder, 'lib'), { recursive: true });
    writeFileSync(join(folder, 'prestart.cmd'), '@echo off\r\necho prestart\r\n');
    writeFileSync(join(folder, 'lib', 'helper.ps1'), 'Write-Output helper\r\n');
    const { iso, vars, ini } = await variables('prestart', {
      managementPoints: ['MP02.contoso.com'], prestartCommand: 'cmd /c prestart.cmd', prestartFolder: folder,
      allowUnattended: true, mediaPassword: 'Pre-Start-1',
    }, 'Pre-Start-1');
    expect(vars.get('SMSTSMP')).toBe('https://MP02.contoso.com');
    expect(vars.get('_SMSTSIISSSLState')).toBe('63');
    expect(vars.get('_SMSTSPreExecCommandLine')).toBe('cmd /c prestart.cmd');
    expect(ini).toContain('PasswordRequired=true\r\nUnattended=true\r\n');
    expect(isoFile(iso, '/SMS/PKG/PRESTART/lib/helper.ps1').toString()).toBe('Write-Output helper\r\n');
    expect(isoFile(iso, '/SMS/PKG/PRESTART/prestart.cmd').toString()).toContain('echo prestart');
  });

  it('refuses what it cannot honour: an empty label, -AllowUnknownMachine without GUIDs, a folder without a command', async () => {
    const iso = join(scratch, 'refused.iso');
    await expect(create('PS100010', iso, { mediaLabel: '  ' })).rejects.toMatchObject({ code: 'E_INVALIDARG', detail: expect.stringContaining('MediaLabel is empty') });
    await expect(create('PS100010', iso, { prestartFolder: scratch })).rejects.toMatchObject({ code: 'E_INVALIDARG', detail: expect.stringContaining('PrestartFolder needs PrestartCommand') });
    const v1 = JSON.parse(readFileSync(catalog, 'utf8'));
    v1.schemaVersion = 1;
    delete v1.unknownMachines;
    delete v1.trustedRootKey;
    for (const mp of v1.managementPoints) delete mp.sslState;
    const v1Path = join(scratch, 'site-v1.json');
    writeFileSync(v1Path, JSON.stringify(v1));
    await expect(create('PS100010', iso, { siteCatalog: v1Path, allowUnknownMachine: true })).rejects.toMatchObject({
      code: 'E_INVALIDARG', detail: expect.stringContaining('AllowUnknownMachine needs $.unknownMachines'),
    });
    expect(existsSync(iso)).toBe(false);
  });
});
