/**
 * The admin's path end to end, against the test site (test/helpers/test-site.mjs, 127.0.0.1 only):
 * New-CMBootMediaSiteCatalog -> New-CMBootMedia -> Register-CMBootMediaCertificate through the built
 * module and engine (pwsh), then the media are read back and booted under QEMU.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVariablesDat } from '../../../engine/src/formats/mediavars/index.js';
import { makeContentLibrary } from '../../fixtures/live-site/make-content-library.mjs';
import { bootIsoBios, bootIsoUefi, qemuUnavailable } from '../../helpers/qemu.js';
import { startTestSite, testSiteAccount, type TestSite } from '../../helpers/test-site.mjs';
import { built, dist, root, version } from '../build/engine.js';

const manifest = join(dist, 'CmTsMedia', version, 'CmTsMedia.psd1');
const pwsh = join(root, '.tools', 'pwsh', 'pwsh');
const fixtures = resolve('test/fixtures/live-site');
const demoWim = resolve('module/Demo/content/dp01/PS100005/boot.PS100005.wim');

function runPwsh(args: string[], stdin: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(`${stdin}\n`);
  });
}

function isoFile(iso: string, path: string, scratch: string): Buffer {
  const out = join(scratch, `x-${Math.random().toString(16).slice(2)}`);
  execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', path, out], { stdio: 'ignore' });
  return readFileSync(out);
}

describe.skipIf(!built(manifest) || !built(pwsh))('a live site, end to end through the module', () => {
  let scratch: string;
  let site: TestSite;
  let outcome: Record<string, any>;
  let library: ReturnType<typeof makeContentLibrary>;
  let iso: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'cmts-live-e2e-'));
    site = await startTestSite();
    library = makeContentLibrary(join(scratch, 'SCCMContentLib'), { wim: demoWim, version: 3, olderVersions: [2] });
    iso = join(scratch, 'media.iso');
    const r = await runPwsh(
      [join(root, 'test/engine/site/scripts/live-site-admin-path.ps1'), '-Manifest', manifest, '-ManagementPoint', site.mpUrl, '-AdminService', site.adminServiceUrl,
        '-UserName', testSiteAccount.userName, '-ContentLibrary', join(scratch, 'SCCMContentLib'), '-Catalog', join(scratch, 'site.json'), '-Iso', iso],
      testSiteAccount.password,
      { CMTSMEDIA_STATE_DIR: join(scratch, 'state') },
    );
    if (r.code !== 0) throw new Error(`pwsh exited ${r.code}: ${r.stderr}${r.stdout}`);
    outcome = JSON.parse(r.stdout.trim().split('\n').pop()!);
  }, 180_000);
  afterAll(async () => {
    await site?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('writes the catalog from what the site served', () => {
    expect(outcome).toMatchObject({ siteCode: 'PS1', managementPoints: ['ps1-mp.mayyhem.com'], bootImages: ['PS100005', 'PS100006'], path: join(scratch, 'site.json') });
    const mpQueries = site.requests.filter((q) => q.server === 'mp').map((q) => q.query);
    expect(mpQueries).toEqual(['MPKEYINFORMATIONMEDIA', 'MPLIST1&PS1', 'SITESIGNCERT', 'MPCERT', 'SMSTRC']);
  });

  it('makes media whose Variables.dat carries the site code, MP, certificates, root key and unknown-computer GUIDs', () => {
    const vars = decodeVariablesDat(isoFile(iso, '/SMS/data/Variables.dat', scratch));
    expect(vars.get('_SMSTSSiteCode')).toBe('PS1');
    expect(vars.get('SMSTSMP')).toBe('http://ps1-mp.mayyhem.com');
    expect(vars.get('_SMSTSSiteSigningCertificate')).toBe(readFileSync(join(fixtures, 'certs/site-signing.cer')).toString('hex').toUpperCase());
    expect(vars.get('_SMSTSPublicRootKey')).toBe(readFileSync(join(fixtures, 'trusted-root-key.hex'), 'utf8'));
    expect(vars.get('_SMSTSx64UnknownMachineGUID')).toBe('5C4D36F8-7D0B-4F7C-9E3A-1B2C3D4E5F60');
    expect(vars.get('_SMSTSx86UnknownMachineGUID')).toBe('0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D');
    expect(vars.get('_SMSMediaGuid')).toBe(outcome.mediaGuid);
  });

  it('copies sources\\boot.wim byte for byte from the content library', () => {
    const wim = isoFile(iso, '/sources/boot.wim', scratch);
    expect(createHash('sha256').update(wim).digest('hex').toUpperCase()).toBe(library.hash);
    expect(wim.equals(readFileSync(library.fileLibPath))).toBe(true);
  });

  it('registers the media certificate as the reference says the site expects, once', () => {
    expect([outcome.registration, outcome.again]).toEqual(['Registered', 'AlreadyRegistered']);
    expect(site.registrations).toEqual([{
      SMSID: outcome.mediaGuid,
      Certificate: Buffer.from(outcome.certificate, 'base64').toString('hex').toUpperCase(),
      Type: 1,
      UdaSetting: 0,
      IssuedCert: 1,
    }]);
    // HTTP authentication is challenge-response: a request goes out without credentials, gets 401, and
    // is sent again with them. One POST was accepted, and it carried the account.
    const posts = site.requests.filter((q) => q.method === 'POST');
    expect(posts.filter((q) => q.user).map((q) => [q.path, q.user])).toEqual([['/AdminService/wmi/SMS_Site.SubmitRegistrationRecord', testSiteAccount.userName]]);
    expect(new Set(posts.map((q) => q.path))).toEqual(new Set(['/AdminService/wmi/SMS_Site.SubmitRegistrationRecord']));
    expect(JSON.stringify(site.requests)).not.toContain(testSiteAccount.password);
  });

  it.skipIf(qemuUnavailable('bios'))('boots under SeaBIOS', async () => {
    const boot = await bootIsoBios(iso);
    expect(boot.marker, boot.serial).toBe('CMTS-DEMO-BIOS-OK');
  });

  it.skipIf(qemuUnavailable('uefi'))('boots under OVMF', async () => {
    const boot = await bootIsoUefi(iso);
    expect(boot.marker, boot.serial).toBe('CMTS-DEMO-UEFI-OK');
  });
});
