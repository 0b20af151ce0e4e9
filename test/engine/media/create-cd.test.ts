import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVariablesDat } from '../../../engine/src/formats/mediavars/index.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import { readOperation } from '../../../engine/src/ops/operations.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { bootIsoBios, bootIsoUefi, qemuUnavailable } from '../../helpers/qemu.js';
import { isoFile as extract, isoFiles } from '../../helpers/xorriso.js';

const demoCatalog = resolve('module/Demo/site.json');
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-cd-'));
  process.env.CMTSMEDIA_STATE_DIR = join(scratch, 'state');
});
afterAll(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

interface Seen {
  events: Array<Record<string, unknown>>;
  context: RequestContext;
  controller: AbortController;
}

function context(onEvent?: (name: string, fields: Record<string, unknown>, controller: AbortController) => void): Seen {
  const controller = new AbortController();
  const events: Array<Record<string, unknown>> = [];
  return {
    events,
    controller,
    context: {
      id: 1,
      signal: controller.signal,
      event: (event, fields) => {
        events.push({ event, ...fields });
        onEvent?.(event, fields, controller);
      },
    },
  };
}

const base = (destinationPath: string): CreateBootMediaParams =>
  ({ mediaType: 'CD', destinationPath, bootImageId: 'PS100005', siteCatalog: demoCatalog }) as CreateBootMediaParams;

const isoFile = (iso: string, path: string): Buffer => extract(iso, path, scratch);

function hasTool(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasTool('xorriso'))('createBootMedia, CD, against the demo site', () => {
  let iso: string;
  let result: Awaited<ReturnType<typeof createBootMedia>>;
  let seen: Seen;

  beforeAll(async () => {
    iso = join(scratch, 'demo.iso');
    seen = context();
    const validFrom = new Date('2026-01-01T00:00:00Z');
    const validTo = new Date('2031-01-01T00:00:00Z');
    result = await createBootMedia({ ...base(iso), certificateValidStart: validFrom, certificateValidEnd: validTo, variables: { OSDComputerName: 'PC-0001' } }, seen.context);
  });

  it('returns the result object and leaves only the ISO in the folder', () => {
    expect(result).toMatchObject({ mediaType: 'CD', destinationPath: iso, bootImageId: 'PS100005', certificateNotAfter: '2031-01-01T00:00:00.000Z' });
    expect(result.mediaGuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(result.certificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(result.bytesWritten).toBe(readFileSync(iso).length);
    expect(readdirSync(scratch).filter((n) => n !== 'state')).toEqual(['demo.iso']);
  });

  it('reports steps, progress up to 100 %, the demo and no-password warnings, and a Succeeded status', () => {
    const progress = seen.events.filter((e) => e.event === 'progress');
    expect(progress.map((e) => e.step)).toContain(5);
    expect(progress.at(-1)).toMatchObject({ step: 5, steps: 5, percent: 100 });
    const warnings = seen.events.filter((e) => e.event === 'warning').map((e) => String(e.message));
    expect(warnings.some((w) => w.includes('demo site'))).toBe(true);
    expect(warnings.some((w) => w.includes('No media password'))).toBe(true);
    expect(readOperation(result.operationId)).toMatchObject({ state: 'Succeeded', status: 0, exitCode: '0x00000000', bytesWritten: result.bytesWritten });
  });

  it('holds the media tree of docs/media.md', () => {
    expect(isoFiles(iso)).toEqual(
      [
        '/MediaLabel.txt', '/SMS/data/CmTsMedia.json', '/SMS/data/TsmBootstrap.ini', '/SMS/data/Variables.dat', '/boot/BCD', '/boot/boot.sdi', '/boot/etfsboot.com',
        '/boot/fonts/wgl4_boot.ttf', '/bootmgr', '/bootmgr.efi', '/efi/boot/bootx64.efi', '/efi/microsoft/boot/BCD',
        '/efi/microsoft/boot/efisys.bin', '/efi/microsoft/boot/fonts/wgl4_boot.ttf', '/sources/boot.wim',
      ].sort(),
    );
    expect(isoFile(iso, '/sources/boot.wim').equals(readFileSync('module/Demo/content/dp01/PS100005/boot.PS100005.wim'))).toBe(true);
    expect(isoFile(iso, '/efi/boot/bootx64.efi').equals(readFileSync('test/fixtures/boot/bootx64.efi'))).toBe(true);
    expect(isoFile(iso, '/boot/etfsboot.com').equals(readFileSync('test/fixtures/boot/etfsboot.com'))).toBe(true);
    expect(isoFile(iso, '/MediaLabel.txt').toString('latin1')).toBe('label=Configuration Manager\r\n');
    expect(isoFile(iso, '/SMS/data/TsmBootstrap.ini').toString('latin1')).toContain('PasswordRequired=false');
  });

  it('carries media variables that decrypt with the default key and a PFX that opens under the GUID rule', () => {
    const vars = decodeVariablesDat(isoFile(iso, '/SMS/data/Variables.dat'));
    expect(vars.get('_SMSMediaGuid')).toBe(result.mediaGuid);
    expect(vars.get('_SMSTSBootMediaPackageID')).toBe('PS100005');
    expect(vars.get('_SMSTSSiteCode')).toBe('PS1');
    expect(vars.get('OSDComputerName')).toBe('PC-0001');
    expect(vars.get('_SMSTSMediaType')).toBe('BootMedia');
    const pfx = join(scratch, 'media.pfx');
    writeFileSync(pfx, Buffer.from(vars.get('_SMSTSMediaPFX')!, 'hex'));
    const pem = execFileSync('openssl', ['pkcs12', '-in', pfx, '-passin', `pass:${result.mediaGuid.slice(0, 31)}`, '-nokeys', '-clcerts'], { encoding: 'utf8' });
    const dates = execFileSync('openssl', ['x509', '-noout', '-dates', '-fingerprint', '-sha1'], { input: pem, encoding: 'utf8' });
    expect(dates).toContain('notBefore=Jan  1 00:00:00 2026 GMT');
    expect(dates).toContain('notAfter=Jan  1 00:00:00 2031 GMT');
    expect(dates.replace(/:/g, '')).toContain(result.certificateThumbprint);
    rmSync(pfx);
  });

  it.skipIf(qemuUnavailable('bios'))('boots under SeaBIOS', async () => {
    const boot = await bootIsoBios(iso);
    expect(boot.serial).toContain('CmTsMedia demo media (BIOS)');
    expect(boot.passed).toBe(true);
  });

  it.skipIf(qemuUnavailable('uefi'))('boots under OVMF', async () => {
    const boot = await bootIsoUefi(iso);
    expect(boot.serial).toContain('CmTsMedia demo media (UEFI)');
    expect(boot.passed).toBe(true);
  });
});

describe.skipIf(!hasTool('xorriso'))('createBootMedia, CD, choices and failures', () => {
  it('protects the variables with the media password and uses the media label', async () => {
    const iso = join(scratch, 'pw.iso');
    const seen = context();
    await createBootMedia({ ...base(iso), mediaPassword: 'C0ntoso!pw', mediaLabel: 'PS1 Boot Media x64' }, seen.context);
    expect(seen.events.some((e) => e.event === 'warning' && String(e.message).includes('No media password'))).toBe(false);
    const dat = isoFile(iso, '/SMS/data/Variables.dat');
    expect(decodeVariablesDat(dat, 'C0ntoso!pw').get('_SMSTSSiteCode')).toBe('PS1');
    expect(() => decodeVariablesDat(dat)).toThrow('Variables.dat does not decrypt with the given media password');
    expect(isoFile(iso, '/SMS/data/TsmBootstrap.ini').toString('latin1')).toContain('PasswordRequired=true');
    expect(execFileSync('isoinfo', ['-d', '-i', iso], { encoding: 'utf8' })).toContain('Volume id: PS1_BOOT_MEDIA_X64');
    expect(JSON.stringify(seen.events)).not.toContain('C0ntoso!pw');
    rmSync(iso);
  });

  it('refuses to replace an existing file without force, and replaces it with force', async () => {
    const iso = join(scratch, 'exists.iso');
    writeFileSync(iso, 'keep me');
    await expect(createBootMedia(base(iso), context().context)).rejects.toMatchObject({ code: 'E_FILEEXISTS', detail: iso });
    expect(readFileSync(iso, 'utf8')).toBe('keep me');
    await createBootMedia({ ...base(iso), force: true }, context().context);
    expect(readFileSync(iso).subarray(0x8001, 0x8006).toString('latin1')).toBe('CD001');
    rmSync(iso);
  });

  it('fails with MISSINGPACKAGE naming the package, writes nothing and records the failure', async () => {
    const iso = join(scratch, 'missing.iso');
    const seen = context();
    await expect(createBootMedia({ ...base(iso), bootImageId: 'PS100099' }, seen.context)).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_MISSINGPACKAGE', detail: 'PS100099' });
    expect(existsSync(iso)).toBe(false);
    const started = seen.events.find((e) => e.event === 'started')!;
    expect(readOperation(String(started.operationId))).toMatchObject({ state: 'Failed', exitCode: '0x80040003', errorDetail: 'PS100099' });
  });

  it('fails with ARCHMISMATCH when the catalog declares another architecture than the WIM', async () => {
    const site = join(scratch, 'site-arm');
    cpSync('module/Demo', site, { recursive: true });
    const catalog = JSON.parse(readFileSync(join(site, 'site.json'), 'utf8'));
    catalog.bootImages[0].architecture = 'arm64';
    writeFileSync(join(site, 'site.json'), JSON.stringify(catalog));
    await expect(createBootMedia({ ...base(join(scratch, 'arm.iso')), siteCatalog: join(site, 'site.json') }, context().context)).rejects.toMatchObject({ code: 'CMTSMEDIA_E_ARCHMISMATCH' });
  });

  it('refuses a certificate validity that ends before it starts', async () => {
    const params = { ...base(join(scratch, 'dates.iso')), certificateValidStart: new Date('2030-01-01'), certificateValidEnd: new Date('2029-01-01') };
    await expect(createBootMedia(params, context().context)).rejects.toMatchObject({ code: 'E_INVALIDARG' });
  });

  it('leaves no file when canceled while the ISO is written', async () => {
    const iso = join(scratch, 'cancel.iso');
    const seen = context((name, fields, controller) => {
      if (name === 'progress' && fields.step === 5) controller.abort();
    });
    await expect(createBootMedia(base(iso), seen.context)).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(readdirSync(scratch).filter((n) => n.includes('cancel'))).toEqual([]);
  });

  it('uses a PFX given with its password, re-exported under the media GUID; a wrong password is CERTPASSWORD', async () => {
    const pfx = resolve('test/fixtures/site/client-openssl3.pfx');
    const iso = join(scratch, 'pfx.iso');
    await expect(createBootMedia({ ...base(iso), certificatePath: pfx, certificatePassword: 'wrong' }, context().context)).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_CERTPASSWORD' });
    expect(existsSync(iso)).toBe(false);
    const result = await createBootMedia({ ...base(iso), certificatePath: pfx, certificatePassword: 'Fixture-Pass1' }, context().context);
    expect(result.certificateThumbprint).toBe(readFileSync('test/fixtures/site/client.thumbprint', 'utf8').trim().toUpperCase().replace(/:/g, ''));
    rmSync(iso);
  });
});

describe('getBootImages', () => {
  it('lists the demo boot image with what its WIM says', async () => {
    const { describeBootImages } = await import('../../../engine/src/media/boot-images.js');
    const [image] = await describeBootImages(demoCatalog);
    expect(image).toMatchObject({ siteCode: 'PS1', packageId: 'PS100005', architecture: 'x64', wimArchitecture: 'x64', problem: null });
    expect(image!.wimPath).toContain('boot.PS100005.wim');
  });
});
