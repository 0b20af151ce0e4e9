import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { loadSiteCatalog } from '../../../engine/src/site/index.js';
import { serverOfNalPath } from '../../../engine/src/site/live/provider-replies.js';
import { writeSiteCatalog } from '../../../engine/src/site/live/write-catalog.js';
import { asyncErrorOf } from '../../helpers/errors.js';

// The test site's committed replies (test/fixtures/live-site, shaped like a real site's).
const fixtures = resolve('test/fixtures/live-site');
const mpReply = (op: string) => readFileSync(join(fixtures, 'replies/mp', `${op}.xml`), 'utf8');
const providerReply = (cls: string) => readFileSync(join(fixtures, 'replies/adminservice', `${cls}.json`), 'utf8');
const mpUrl = 'http://127.0.0.1:8080';
const provider = 'https://127.0.0.1:8443/AdminService';
const scratch = mkdtempSync(join(tmpdir(), 'cmts-livecat-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const replies = () => ({
  mp: { MPKEYINFORMATIONMEDIA: mpReply('MPKEYINFORMATIONMEDIA'), 'MPLIST1&PS1': mpReply('MPLIST1&PS1'), SITESIGNCERT: mpReply('SITESIGNCERT'), MPCERT: mpReply('MPCERT'), SMSTRC: mpReply('SMSTRC') } as Record<string, string>,
  provider: { SMS_Identification: providerReply('SMS_Identification'), SMS_BootImagePackage: providerReply('SMS_BootImagePackage'), SMS_PackageStatusDistPointsSummarizer: providerReply('SMS_PackageStatusDistPointsSummarizer') } as Record<string, string>,
});

function run(path: string, change: (r: ReturnType<typeof replies>) => void = () => undefined, extra: { force?: boolean; contentLibraries?: string[] } = {}) {
  const r = replies();
  change(r);
  const warnings: string[] = [];
  const context: RequestContext = { id: 1, signal: new AbortController().signal, event: (name, fields) => name === 'warning' && warnings.push(String(fields.message)) };
  const promise = writeSiteCatalog({ path, managementPoint: mpUrl, mpReplies: r.mp, provider, providerReplies: r.provider, force: extra.force, skipCertificateCheck: undefined, contentLibraries: extra.contentLibraries ?? ['ps1-dp.mayyhem.com=/mnt/ps1-dp'] }, context);
  return { promise, warnings };
}

describe('writeSiteCatalog from the test site\'s replies', () => {
  it('writes a version 2 catalog with what the site served, and its certificate files', async () => {
    const path = join(scratch, 'ok', 'site.json');
    mkdirSync(join(scratch, 'ok'));
    const { promise, warnings } = run(path);
    const summary = await promise;
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json).toMatchObject({
      schemaVersion: 2,
      siteCode: 'PS1',
      siteName: 'Primary Site One',
      managementPoints: [{ name: 'ps1-mp.mayyhem.com', url: 'http://ps1-mp.mayyhem.com', default: true, sslState: 0 }],
      trustedRootKey: readFileSync(join(fixtures, 'trusted-root-key.hex'), 'utf8'),
      unknownMachines: { x64: '5C4D36F8-7D0B-4F7C-9E3A-1B2C3D4E5F60', x86: '0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D' },
      distributionPoints: [{ name: 'ps1-dp.mayyhem.com', contentLibrary: '/mnt/ps1-dp' }],
      bootImages: [
        { packageId: 'PS100005', name: 'Boot image (x64)', architecture: 'x64', sourceVersion: 3, path: 'boot.PS100005.wim', distributionPoints: ['ps1-dp.mayyhem.com'] },
        { packageId: 'PS100006', name: 'Boot image (x86)', architecture: 'x86', sourceVersion: 1, path: 'boot.PS100006.wim', distributionPoints: [] },
      ],
    });
    expect(json.caCertificates).toBeUndefined(); // an HTTP MP needs no CA
    const catalog = await loadSiteCatalog(path);
    expect(readFileSync(catalog.siteSigningCertificate!).equals(readFileSync(join(fixtures, 'certs/site-signing.cer')))).toBe(true);
    expect(readFileSync(catalog.managementPoints[0]!.certificates[0]!).equals(readFileSync(join(fixtures, 'certs/mp.cer')))).toBe(true);
    expect(summary).toMatchObject({ path, siteCode: 'PS1', defaultManagementPoint: 'ps1-mp.mayyhem.com', managementPoints: ['ps1-mp.mayyhem.com'] });
    // The result is the protocol's writeSiteCatalogResult (engine/protocol.schema.json, checked by Ajv).
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema(JSON.parse(readFileSync(resolve('engine/protocol.schema.json'), 'utf8')), 'protocol');
    expect(ajv.validate('protocol#/$defs/writeSiteCatalogResult', JSON.parse(JSON.stringify(summary))), ajv.errorsText(ajv.errors)).toBe(true);
    expect(warnings).toEqual(['Boot image PS100006 (Boot image (x86)) version 1 is on no distribution point: media for it fail with CREATETSMEDIA_E_MISSINGPACKAGE until it is distributed.']);
    expect(readdirSync(join(scratch, 'ok')).sort()).toEqual(['site.certs', 'site.json']);
  });

  it('reads MPLIST when it has no MPLIST1 reply, and names the default share of a DP without -ContentLibrary', async () => {
    const path = join(scratch, 'mplist.json');
    const { promise, warnings } = run(path, (r) => {
      delete r.mp['MPLIST1&PS1'];
      r.mp.MPLIST = mpReply('MPLIST');
    }, { contentLibraries: [] });
    await promise;
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json.managementPoints.map((m: { name: string; default: boolean }) => [m.name, m.default])).toEqual([['ps1-mp.mayyhem.com', true], ['ps1-sec.mayyhem.com', false]]);
    expect(json.distributionPoints).toEqual([{ name: 'ps1-dp.mayyhem.com', contentLibrary: '\\\\ps1-dp.mayyhem.com\\SCCMContentLib$' }]);
    if (process.platform !== 'win32') expect(warnings.some((w) => w.includes("-ContentLibrary 'ps1-dp.mayyhem.com=<mount point>'"))).toBe(true);
  });

  it('takes a UNC -ContentLibrary as the library of the DP it names', async () => {
    const path = join(scratch, 'unc.json');
    await run(path, undefined, { contentLibraries: ['\\\\PS1-DP\\SCCMContentLib$'] }).promise;
    expect(JSON.parse(readFileSync(path, 'utf8')).distributionPoints).toEqual([{ name: 'ps1-dp.mayyhem.com', contentLibrary: '\\\\PS1-DP\\SCCMContentLib$' }]);
  });

  it.each([
    ['a truncated reply', (r: ReturnType<typeof replies>) => (r.mp.MPKEYINFORMATIONMEDIA = mpReply('MPKEYINFORMATIONMEDIA').slice(0, 2000)), `${mpUrl}?MPKEYINFORMATIONMEDIA: the reply is cut short after 2000 bytes (it does not end with a closing tag)`],
    ['a reply whose tags do not match', (r: ReturnType<typeof replies>) => (r.mp['MPLIST1&PS1'] = '<MPList><MP Name="A" FQDN="a"></MPList>'), `${mpUrl}?MPLIST1&PS1: the XML is malformed or cut short (</MPList> closes <MP>)`],
    ['an IIS error page', (r: ReturnType<typeof replies>) => (r.mp.SITESIGNCERT = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"><html><body>404</body></html>'), `${mpUrl}?SITESIGNCERT: the answer is an HTML page, not a management point reply (is this host a management point?)`],
    ['a certificate that is not one', (r: ReturnType<typeof replies>) => (r.mp.SITESIGNCERT = '<X509Data><X509Certificate EncodingType="hexBinary">3082AB</X509Certificate></X509Data>'), `${mpUrl}?SITESIGNCERT: the site signing certificate is not an X.509 certificate`],
    ['a malformed provider reply', (r: ReturnType<typeof replies>) => (r.provider.SMS_BootImagePackage = providerReply('SMS_BootImagePackage').slice(0, 300)), `${provider}/wmi/SMS_BootImagePackage: the JSON is malformed or cut short`],
    ['a provider reply without instances', (r: ReturnType<typeof replies>) => (r.provider.SMS_PackageStatusDistPointsSummarizer = '{"error":{"code":"500"}}'), `${provider}/wmi/SMS_PackageStatusDistPointsSummarizer: the answer has no "value" array of instances`],
  ])('fails with CMTSMEDIA_E_SITEREPLY on %s and writes nothing', async (_what, change, detail) => {
    const folder = join(scratch, `bad-${Math.random().toString(16).slice(2)}`);
    mkdirSync(folder);
    const err = await asyncErrorOf(() => run(join(folder, 'site.json'), change).promise);
    expect(err.code).toBe('CMTSMEDIA_E_SITEREPLY');
    expect(err.detail.slice(0, detail.length)).toBe(detail);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('takes the MP certificate from MPCERT when the key information has none, and lists SMS Issuing as CA for an HTTPS MP', async () => {
    const path = join(scratch, 'https.json');
    const { promise, warnings } = run(path, (r) => {
      r.mp.MPKEYINFORMATIONMEDIA = r.mp.MPKEYINFORMATIONMEDIA!.replace(/<MPCERTIFICATE[^>]*>[0-9A-F]+<\/MPCERTIFICATE>/, '');
      r.mp['MPLIST1&PS1'] = r.mp['MPLIST1&PS1']!.replace('Value="0"', 'Value="63"');
    });
    await promise;
    const catalog = await loadSiteCatalog(path);
    expect(catalog.managementPoints[0]).toMatchObject({ url: 'https://ps1-mp.mayyhem.com', sslState: 63 });
    expect(readFileSync(catalog.managementPoints[0]!.certificates[0]!).equals(readFileSync(join(fixtures, 'certs/mp.cer')))).toBe(true);
    expect(catalog.caCertificates.map((c) => readFileSync(c).equals(readFileSync(join(fixtures, 'certs/sms-issuing.cer'))))).toEqual([true]);
    expect(warnings.some((w) => w.startsWith('The default management point uses HTTPS'))).toBe(true);
  });

  it('writes no unknownMachines when the MP serves none, and fails without a site signing certificate', async () => {
    const path = join(scratch, 'nounknown.json');
    await run(path, (r) => (r.mp.MPKEYINFORMATIONMEDIA = r.mp.MPKEYINFORMATIONMEDIA!.replace(/<UnknownMachines[^>]*>[^<]*<\/UnknownMachines>/, ''))).promise;
    expect(JSON.parse(readFileSync(path, 'utf8')).unknownMachines).toBeUndefined();
    const err = await asyncErrorOf(() => run(join(scratch, 'nosigning.json'), (r) => delete r.mp.SITESIGNCERT).promise);
    expect([err.code, err.detail]).toEqual(['CMTSMEDIA_E_SITEREPLY', `${mpUrl}?SITESIGNCERT: no reply was given`]);
  });

  it('refuses a bare -ContentLibrary path when the boot images are on several DPs', async () => {
    const err = await asyncErrorOf(() => run(join(scratch, 'twodps.json'), (r) => {
      r.provider.SMS_PackageStatusDistPointsSummarizer = r.provider.SMS_PackageStatusDistPointsSummarizer!.replace('"SourceVersion":2,"State":2', '"SourceVersion":3,"State":0');
    }, { contentLibraries: ['/mnt/somewhere'] }).promise);
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toBe("ContentLibrary /mnt/somewhere: say which distribution point it belongs to, as '<DP name>=/mnt/somewhere' (the site's boot images are on ps1-dp.mayyhem.com, ps1-dp2.mayyhem.com)");
  });

  it('refuses an MP and a provider of different sites', async () => {
    const err = await asyncErrorOf(() => run(join(scratch, 'mixed.json'), (r) => (r.provider.SMS_Identification = r.provider.SMS_Identification!.replace('"PS1"', '"CAS"'))).promise);
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toContain('belongs to site PS1, the SMS Provider https://127.0.0.1:8443/AdminService to site CAS');
  });

  it('keeps an existing catalog without force (E_FILEEXISTS) and replaces it with force, removing certificate files it no longer names', async () => {
    const folder = join(scratch, 'refresh');
    mkdirSync(folder);
    const path = join(folder, 'site.json');
    writeFileSync(path, '{"old": true}');
    const err = await asyncErrorOf(() => run(path).promise);
    expect([err.code, err.detail]).toEqual(['E_FILEEXISTS', path]);
    expect(readFileSync(path, 'utf8')).toBe('{"old": true}');
    expect(readdirSync(folder)).toEqual(['site.json']);
    mkdirSync(join(folder, 'site.certs'));
    writeFileSync(join(folder, 'site.certs', `site-signing.${'A'.repeat(40)}.cer`), 'an older site signing certificate');
    writeFileSync(join(folder, 'site.certs', 'mine.txt'), 'not ours');
    await run(path, undefined, { force: true }).promise;
    expect(JSON.parse(readFileSync(path, 'utf8')).schemaVersion).toBe(2);
    expect(readdirSync(join(folder, 'site.certs')).filter((n) => n.startsWith('site-signing.')).length).toBe(1);
    expect(existsSync(join(folder, 'site.certs', 'mine.txt'))).toBe(true);
  });

  it('leaves the old catalog byte for byte when writing the new one fails part way', async () => {
    const folder = join(scratch, 'partway');
    mkdirSync(join(folder, 'site.certs'), { recursive: true });
    const path = join(folder, 'site.json');
    writeFileSync(path, '{"old": true}');
    // A folder where the site signing certificate's file must go: its write fails after the MP certificate's.
    const signing = readdirSync(join(scratch, 'ok', 'site.certs')).find((n) => n.startsWith('site-signing.'))!;
    mkdirSync(join(folder, 'site.certs', signing));
    const err = await asyncErrorOf(() => run(path, undefined, { force: true }).promise);
    expect(err.code).toMatch(/^E_/);
    expect(readFileSync(path, 'utf8')).toBe('{"old": true}');
    expect(readdirSync(folder).filter((n) => n.endsWith('.cmtsmedia-tmp'))).toEqual([]);
  });
});

describe('NAL paths', () => {
  it.each([
    ['["Display=\\\\DP01.contoso.com\\"]MSWNET:["SMS_SITE=PS1"]\\\\DP01.contoso.com\\', 'DP01.contoso.com'],
    ['["Display=\\\\DP02\\"]MSWNET:["SMS_SITE=PS1"]\\\\DP02', 'DP02'],
    ['["Display=\\\\DP03.contoso.com\\"]MSWNET:["SMS_SITE=PS1"]', 'DP03.contoso.com'],
  ])('%s names %s', (nal, server) => expect(serverOfNalPath(nal)).toBe(server));
});
