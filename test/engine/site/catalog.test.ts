import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { listBootImages, loadSiteCatalog, resolveBootMedia } from '../../../engine/src/site/index.js';

const fixtures = join(import.meta.dirname, '../../fixtures/site');
const repo = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'cmts-site-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// One site folder shared by every catalog: certificates (DER and PEM) and the boot image on DP02 only.
mkdirSync(join(scratch, 'certs'));
for (const name of ['mp01.cer', 'root-ca.cer', 'root-ca.pem', 'site-signing.pem', 'not-a-cert.cer']) copyFileSync(join(fixtures, name), join(scratch, 'certs', name));
mkdirSync(join(scratch, 'content/dp02/PS100005'), { recursive: true });
mkdirSync(join(scratch, 'content/dp01'), { recursive: true });
writeFileSync(join(scratch, 'content/dp02/PS100005/boot.PS100005.wim'), 'MSWIM\0\0\0');

type Json = Record<string, any>;
const base = (): Json => ({
  schemaVersion: 1,
  siteCode: 'PS1',
  siteName: 'Fixture site',
  managementPoints: [
    { name: 'MP02.fixture.test', url: 'http://MP02.fixture.test', certificates: ['certs/not-a-cert.cer'] },
    { name: 'MP01.fixture.test', url: 'http://MP01.fixture.test', default: true, certificates: ['certs/mp01.cer'] },
  ],
  caCertificates: ['certs/root-ca.pem'],
  siteSigningCertificate: 'certs/site-signing.pem',
  distributionPoints: [
    { name: 'DP01.fixture.test', contentPath: 'content/dp01' },
    { name: 'DP02.fixture.test', contentPath: 'content\\dp02' },
  ],
  bootImages: [
    { packageId: 'PS100005', name: 'Boot image (x64)', architecture: 'x64', sourceVersion: 3, path: 'PS100005/boot.PS100005.wim', distributionPoints: ['DP01.fixture.test', 'dp02.FIXTURE.test'] },
  ],
});

let counter = 0;
function writeCatalog(json: unknown, raw?: Buffer | string): string {
  const path = join(scratch, `site-${counter++}.json`);
  writeFileSync(path, raw ?? JSON.stringify(json, null, 2));
  return path;
}

async function failure(json: unknown, bootImageId = 'PS100005', raw?: string): Promise<CmTsError> {
  const path = writeCatalog(json, raw);
  const err = await loadSiteCatalog(path).then((c) => resolveBootMedia(c, bootImageId)).then(() => undefined, (e: unknown) => e);
  if (!(err instanceof CmTsError)) throw new Error(`expected a CmTsError, got ${String(err)}`);
  return err;
}

function mutate(change: (c: Json) => void): Json {
  const c = base();
  change(c);
  return c;
}

const der = (file: string) => new Uint8Array(execFileSync('openssl', ['x509', '-in', join(fixtures, file), '-outform', 'DER']));

describe('a valid catalog', () => {
  it('resolves the default MP, certificates (PEM and DER), ports 80/443 and the first DP with the file', async () => {
    const catalog = await loadSiteCatalog(writeCatalog(base()));
    const site = await resolveBootMedia(catalog, 'ps100005');
    expect(site.siteCode).toBe('PS1');
    expect(site.managementPoint.name).toBe('MP01.fixture.test');
    expect(site.managementPoint.url).toBe('http://MP01.fixture.test');
    expect(site.managementPoint.certificates).toEqual([der('mp01.cer')]);
    expect(site.caCertificates).toEqual([der('root-ca.cer')]);
    expect(site.siteSigningCertificate).toEqual(der('site-signing.pem'));
    expect([site.httpPort, site.httpsPort]).toEqual([80, 443]);
    expect(site.bootImage).toEqual({
      packageId: 'PS100005',
      name: 'Boot image (x64)',
      architecture: 'x64',
      sourceVersion: 3,
      wimPath: join(scratch, 'content/dp02/PS100005/boot.PS100005.wim'),
      distributionPoint: 'DP02.fixture.test',
    });
  });

  it('takes client ports, extensions everywhere, UTF-8 and UTF-16LE BOMs', async () => {
    const json = mutate((c) => {
      c.clientPorts = { http: 8080, https: 8443 };
      c.extensions = { demo: true, anything: [1, { deep: null }] };
      c.managementPoints[1].extensions = { note: 'x' };
      c.distributionPoints[0].extensions = {};
      c.bootImages[0].extensions = { x: 1 };
    });
    const text = JSON.stringify(json);
    for (const raw of [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])]) {
      const catalog = await loadSiteCatalog(writeCatalog(undefined, raw));
      expect(catalog.extensions).toEqual({ demo: true, anything: [1, { deep: null }] });
      const site = await resolveBootMedia(catalog, 'PS100005');
      expect([site.httpPort, site.httpsPort]).toEqual([8080, 8443]);
    }
  });

  it('lists boot images for Get-CMBootMediaImage', async () => {
    const catalog = await loadSiteCatalog(writeCatalog(base()));
    expect(listBootImages(catalog)).toEqual([
      {
        siteCode: 'PS1',
        packageId: 'PS100005',
        name: 'Boot image (x64)',
        architecture: 'x64',
        sourceVersion: 3,
        distributionPoints: ['DP01.fixture.test', 'dp02.FIXTURE.test'],
        wimPaths: [join(scratch, 'content/dp01/PS100005/boot.PS100005.wim'), join(scratch, 'content/dp02/PS100005/boot.PS100005.wim')],
      },
    ]);
  });
});

describe('SDK site errors, one defect each', () => {
  const cases: Array<[string, Json, string, string, string?]> = [
    ['no MP is the default', mutate((c) => delete c.managementPoints[1].default), 'CREATETSMEDIA_E_NODEFAULTMP', ''],
    ['no MPs at all', mutate((c) => (c.managementPoints = [])), 'CREATETSMEDIA_E_NODEFAULTMP', ''],
    ['the default MP lists no certificates', mutate((c) => (c.managementPoints[1].certificates = [])), 'CREATETSMEDIA_E_NOMPCERTS', 'MP01.fixture.test'],
    ['the default MP has no certificates field', mutate((c) => delete c.managementPoints[1].certificates), 'CREATETSMEDIA_E_NOMPCERTS', 'MP01.fixture.test'],
    ['an MP certificate file is missing', mutate((c) => c.managementPoints[1].certificates.push('certs/gone.cer')), 'CREATETSMEDIA_E_NOMPCERTS', 'MP01.fixture.test'],
    ['an MP certificate is not a certificate', mutate((c) => (c.managementPoints[1].certificates = ['certs/not-a-cert.cer'])), 'CREATETSMEDIA_E_NOMPCERTS', 'MP01.fixture.test'],
    ['HTTPS MP without CA certificates', mutate((c) => ((c.managementPoints[1].url = 'https://MP01.fixture.test'), delete c.caCertificates)), 'CREATETSMEDIA_E_NOCACERT', ''],
    ['HTTPS MP with an empty CA list', mutate((c) => ((c.managementPoints[1].url = 'https://MP01.fixture.test'), (c.caCertificates = []))), 'CREATETSMEDIA_E_NOCACERT', ''],
    ['HTTPS MP with an unreadable CA', mutate((c) => ((c.managementPoints[1].url = 'https://MP01.fixture.test'), (c.caCertificates = ['certs/gone.cer']))), 'CREATETSMEDIA_E_NOCACERT', ''],
    ['no site signing certificate', mutate((c) => delete c.siteSigningCertificate), 'CREATETSMEDIA_E_NOSITESIGNCERT', ''],
    ['an empty site signing certificate', mutate((c) => (c.siteSigningCertificate = '')), 'CREATETSMEDIA_E_NOSITESIGNCERT', ''],
    ['an unreadable site signing certificate', mutate((c) => (c.siteSigningCertificate = 'certs/gone.pem')), 'CREATETSMEDIA_E_NOSITESIGNCERT', ''],
    ['a site signing file that is no certificate', mutate((c) => (c.siteSigningCertificate = 'certs/not-a-cert.cer')), 'CREATETSMEDIA_E_NOSITESIGNCERT', ''],
    ['the boot image is not in the catalog', base(), 'CREATETSMEDIA_E_MISSINGPACKAGE', 'PS100099', 'PS100099'],
    ['the boot image file is on none of its DPs', mutate((c) => c.bootImages[0].distributionPoints.pop()), 'CREATETSMEDIA_E_MISSINGPACKAGE', 'PS100005'],
    ['the boot image lists no DPs', mutate((c) => (c.bootImages[0].distributionPoints = [])), 'CREATETSMEDIA_E_MISSINGPACKAGE', 'PS100005'],
  ];
  for (const [label, json, code, detail, id] of cases) {
    it(`${label} → ${code}`, async () => {
      const err = await failure(json, id);
      expect(err.code).toBe(code);
      expect(err.detail).toBe(detail);
    });
  }

  it('an HTTP MP does not need a CA certificate', async () => {
    const catalog = await loadSiteCatalog(writeCatalog(mutate((c) => delete c.caCertificates)));
    expect((await resolveBootMedia(catalog, 'PS100005')).caCertificates).toEqual([]);
  });

  it('checks in SDK order: MP, MP certificates, CA, site signing, package', async () => {
    const all = (c: Json) => {
      c.managementPoints[1].url = 'https://MP01.fixture.test';
      c.caCertificates = [];
      delete c.siteSigningCertificate;
      c.bootImages[0].distributionPoints = [];
    };
    expect((await failure(mutate((c) => (all(c), (c.managementPoints[1].certificates = []), (c.managementPoints[1].default = false))))).code).toBe('CREATETSMEDIA_E_NODEFAULTMP');
    expect((await failure(mutate((c) => (all(c), (c.managementPoints[1].certificates = []))))).code).toBe('CREATETSMEDIA_E_NOMPCERTS');
    expect((await failure(mutate(all))).code).toBe('CREATETSMEDIA_E_NOCACERT');
    expect((await failure(mutate((c) => (all(c), (c.managementPoints[1].url = 'http://MP01.fixture.test'))))).code).toBe('CREATETSMEDIA_E_NOSITESIGNCERT');
  });
});

describe('structural defects → E_INVALIDARG naming the JSON path', () => {
  const cases: Array<[string, Json | undefined, string, string?]> = [
    ['bad JSON', undefined, ': $ is not valid JSON (', '{"schemaVersion": 1,'],
    ['a wrong type', mutate((c) => (c.bootImages[0].path = 5)), ': $.bootImages[0].path must be a string'],
    ['an unknown top-level field', mutate((c) => (c.sitecode = 'PS1')), ': $.sitecode is not a field of site catalog schema version 1'],
    ['an unknown nested field', mutate((c) => (c.managementPoints[0]['is default'] = true)), ': $.managementPoints[0]["is default"] is not a field'],
    ['an unknown schemaVersion', mutate((c) => ((c.schemaVersion = 3), (c.newThing = 1))), ': $.schemaVersion 3 is not supported'],
    ['a missing schemaVersion', mutate((c) => delete c.schemaVersion), ': $.schemaVersion is required'],
    ['a missing siteCode', mutate((c) => delete c.siteCode), ': $.siteCode is required'],
    ['a bad site code', mutate((c) => (c.siteCode = 'PS12')), ': $.siteCode must be a three-character site code'],
    ['a port out of range', mutate((c) => (c.clientPorts = { http: 70000 })), ': $.clientPorts.http must be between 1 and 65535, not 70000'],
    ['a non-HTTP URL', mutate((c) => (c.managementPoints[1].url = 'MP01.fixture.test')), ': $.managementPoints[1].url must be an http:// or https:// URL'],
    ['default not a boolean', mutate((c) => (c.managementPoints[1].default = 'yes')), ': $.managementPoints[1].default must be true or false'],
    ['two default MPs', mutate((c) => (c.managementPoints[0].default = true)), ': $.managementPoints[1].default is true, but $.managementPoints[0] is already the default'],
    ['certificates not an array', mutate((c) => (c.caCertificates = 'certs/root-ca.pem')), ': $.caCertificates must be an array'],
    ['a missing bootImages', mutate((c) => delete c.bootImages), ': $.bootImages is required'],
    ['an unknown architecture', mutate((c) => (c.bootImages[0].architecture = 'ia64')), ': $.bootImages[0].architecture must be one of x86, x64, arm64'],
    ['a bad package ID', mutate((c) => (c.bootImages[0].packageId = 'PS1-5')), ': $.bootImages[0].packageId must be a package ID'],
    ['a negative sourceVersion', mutate((c) => (c.bootImages[0].sourceVersion = -1)), ': $.bootImages[0].sourceVersion must be between 0'],
    ['a DP reference that is not in distributionPoints', mutate((c) => (c.bootImages[0].distributionPoints[1] = 'DP03')), ': $.bootImages[0].distributionPoints[1] names "DP03", which is not in $.distributionPoints'],
    ['duplicate DP names', mutate((c) => (c.distributionPoints[1].name = 'dp01.fixture.test')), ': $.distributionPoints[1].name "dp01.fixture.test" is already the name of $.distributionPoints[0]'],
    ['duplicate package IDs', mutate((c) => c.bootImages.push({ ...c.bootImages[0] })), ': $.bootImages[1].packageId PS100005 is already the package ID of $.bootImages[0]'],
    ['extensions not an object', mutate((c) => (c.extensions = [])), ': $.extensions must be an object'],
    ['an unreadable CA file with an HTTP MP', mutate((c) => (c.caCertificates = ['certs/root-ca.pem', 'certs/not-a-cert.cer'])), ': $.caCertificates[1] cannot be used'],
    ['not an object', undefined, ': $ must be an object', '[1]'],
    ['a version 2 field in a version 1 catalog', mutate((c) => (c.trustedRootKey = '0602')), ': $.trustedRootKey is not a field of site catalog schema version 1'],
    ['an sslState out of range (v2)', mutate((c) => ((c.schemaVersion = 2), (c.managementPoints[1].sslState = -1))), ': $.managementPoints[1].sslState must be between 0 and 65535, not -1'],
    ['an unknown-computer GUID that is not one (v2)', mutate((c) => ((c.schemaVersion = 2), (c.unknownMachines = { x64: 'x64 unknown' }))), ': $.unknownMachines.x64 must be a GUID'],
    ['an unknown architecture under unknownMachines (v2)', mutate((c) => ((c.schemaVersion = 2), (c.unknownMachines = { ia64: '1A2B3C4D-0000-4000-8000-000000000001' }))), ': $.unknownMachines.ia64 is not a field of site catalog schema version 2'],
    ['a trusted root key that is not hex (v2)', mutate((c) => ((c.schemaVersion = 2), (c.trustedRootKey = '06020G'))), ': $.trustedRootKey must be hexadecimal text'],
  ];
  for (const [label, json, message, raw] of cases) {
    it(label, async () => {
      const err = await failure(json, 'PS100005', raw);
      expect(err.code).toBe('E_INVALIDARG');
      expect(err.hresult).toBe('0x80070057');
      expect(err.detail).toMatch(/^site catalog \/.*site-\d+\.json: /);
      expect(err.detail).toContain(message);
      expect(err.message).toBe(`Invalid argument: ${err.detail}`);
    });
  }

  it('a missing catalog file is E_FILENOTFOUND with the path', async () => {
    const path = join(scratch, 'nope.json');
    const err = await loadSiteCatalog(path).then(() => undefined, (e: unknown) => e as CmTsError);
    expect(err?.code).toBe('E_FILENOTFOUND');
    expect(err?.detail).toBe(path);
  });
});

describe('schema version 2 and the media wizard\'s site choices', () => {
  const v2 = (change: (c: Json) => void = () => {}): Json => mutate((c) => {
    c.schemaVersion = 2;
    c.managementPoints[0].certificates = ['certs/mp01.cer'];
    c.managementPoints[0].sslState = 63;
    c.managementPoints[0].url = 'https://MP02.fixture.test';
    c.trustedRootKey = '0602000000a4000052534131';
    c.unknownMachines = { x64: '{1a2b3c4d-0000-4000-8000-000000000001}', x86: '1A2B3C4D-0000-4000-8000-000000000002' };
    change(c);
  });
  const resolved = async (json: Json, choices = {}) => resolveBootMedia(await loadSiteCatalog(writeCatalog(json)), 'PS100005', choices);

  it('reads sslState, trustedRootKey (uppercase) and unknownMachines (unbraced); a v1 catalog still resolves', async () => {
    const site = await resolved(v2());
    expect(site.trustedRootKey).toBe('0602000000A4000052534131');
    expect(site.unknownMachines).toEqual({ x64: '1a2b3c4d-0000-4000-8000-000000000001', x86: '1A2B3C4D-0000-4000-8000-000000000002' });
    expect(site.mediaManagementPoints).toEqual([{ name: 'MP01.fixture.test', url: 'http://MP01.fixture.test', sslState: 0 }]);
    expect((await resolved(base())).mediaManagementPoints).toEqual([{ name: 'MP01.fixture.test', url: 'http://MP01.fixture.test', sslState: 0 }]);
  });

  it('dynamic media get every MP in catalog order, or the named ones in their order; sslState defaults by scheme', async () => {
    expect((await resolved(v2(), { mediaMode: 'Dynamic' })).mediaManagementPoints.map((m) => [m.name, m.sslState])).toEqual([['MP02.fixture.test', 63], ['MP01.fixture.test', 0]]);
    const named = await resolved(v2((c) => delete c.managementPoints[0].sslState), { mediaMode: 'Dynamic', managementPoints: ['mp01.fixture.test', 'MP02.FIXTURE.TEST'] });
    expect(named.mediaManagementPoints.map((m) => [m.name, m.sslState])).toEqual([['MP01.fixture.test', 0], ['MP02.fixture.test', 63]]);
    expect((await resolved(v2(), { managementPoints: ['MP02.fixture.test'] })).mediaManagementPoints.map((m) => m.url)).toEqual(['https://MP02.fixture.test']);
  });

  it('an HTTPS media MP needs the CA certificates even when the default MP is HTTP', async () => {
    const err = await resolved(v2((c) => (c.caCertificates = [])), { managementPoints: ['MP02.fixture.test'] }).then(() => undefined, (e: CmTsError) => e);
    expect(err?.code).toBe('CREATETSMEDIA_E_NOCACERT');
  });

  it('an unknown MP name, two MPs for static media, an unknown DP are E_INVALIDARG; a DP without the image is MISSINGPACKAGE', async () => {
    const fail = (choices: object) => resolved(v2(), choices).then(() => undefined, (e: CmTsError) => e);
    expect(await fail({ managementPoints: ['MP09.fixture.test'] })).toMatchObject({ code: 'E_INVALIDARG', detail: expect.stringContaining('ManagementPoint MP09.fixture.test is not in $.managementPoints') });
    expect(await fail({ managementPoints: ['MP01.fixture.test', 'MP02.fixture.test'] })).toMatchObject({ code: 'E_INVALIDARG', detail: expect.stringContaining('static media talk to one') });
    expect(await fail({ distributionPoint: 'DP09' })).toMatchObject({ code: 'E_INVALIDARG', detail: expect.stringContaining('DistributionPoint DP09 is not in $.distributionPoints') });
    expect(await fail({ distributionPoint: 'DP01.fixture.test' })).toMatchObject({ code: 'CREATETSMEDIA_E_MISSINGPACKAGE', detail: 'PS100005', data: { reason: 'the boot image file is not on distribution point DP01.fixture.test' } });
    expect((await resolved(v2(), { distributionPoint: 'dp02.fixture.test' })).bootImage.distributionPoint).toBe('DP02.fixture.test');
  });
});

describe('the demo site (module/Demo/site.json)', () => {
  it('validates, and its certificates resolve; the package resolves once the demo WIM exists', async () => {
    const catalog = await loadSiteCatalog(join(repo, 'module/Demo/site.json'));
    expect(catalog.extensions).toMatchObject({ demo: true });
    expect(listBootImages(catalog)[0]!.wimPaths).toEqual([join(repo, 'module/Demo/content/dp01/PS100005/boot.PS100005.wim')]);
    const wim = join(repo, 'module/Demo/content/dp01/PS100005/boot.PS100005.wim');
    const result = await resolveBootMedia(catalog, 'PS100005').then((r) => r, (e: unknown) => e);
    if (existsSync(wim)) {
      expect(result).toMatchObject({ siteCode: 'PS1', bootImage: { packageId: 'PS100005', architecture: 'x64', wimPath: wim } });
    } else {
      // MISSINGPACKAGE is the last check: the MP, CA and site signing certificates all passed.
      expect((result as CmTsError).code).toBe('CREATETSMEDIA_E_MISSINGPACKAGE');
    }
    const signing = readFileSync(join(repo, 'module/Demo/certs/site-signing.pem'), 'utf8');
    expect(signing).toContain('BEGIN CERTIFICATE');
  });
});
