// Issue 15 item 9: the engine validates what the module might not. A management point URL with
// control characters, another scheme, a path or a user name; a date that is not in the calendar;
// parameters the chosen media type would ignore; an expired or not yet valid PFX; an id out of range.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSiteScratch } from '../../helpers/demo-site.js';
import { errorOf, rejectionOf } from '../../helpers/errors.js';
import { createMediaCertificate, exportPfx } from '../../../engine/src/certs/index.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import { createBootMediaParams } from '../../../engine/src/protocol/command-params.js';
import { validateParams } from '../../../engine/src/protocol/params.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { loadSiteCatalog } from '../../../engine/src/site/index.js';

const scratchPaths = demoSiteScratch('cmts-test-');


const base = { mediaType: 'CD', destinationPath: '/tmp/x.iso', bootImageId: 'PS100005', siteCatalog: '/site.json' };

describe('dates that exist', () => {
  it.each(['2027-02-30', '2027-02-29T10:00:00Z', '2027-04-31T00:00:00Z', '2027-01-01T24:00:00Z', '2027-01-01T23:60:00Z', '2027-13-01'])('%s is E_INVALIDARG naming the parameter', (value) => {
    const err = errorOf(() => validateParams('createBootMedia', createBootMediaParams, { ...base, certificateValidEnd: value }));
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toBe('parameter certificateValidEnd must be an ISO 8601 date and time that exists (2027-02-30 does not)');
  });

  it('takes real dates, leap days included', () => {
    expect(validateParams('createBootMedia', createBootMediaParams, { ...base, certificateValidEnd: '2028-02-29T23:59:59+01:00' }).certificateValidEnd?.toISOString()).toBe('2028-02-29T22:59:59.000Z');
  });

  it('an id out of range (1e400 is Infinity) is E_INVALIDARG, never answered as null', () => {
    const err = errorOf(() => validateParams('cancel', { requestId: { type: 'id', required: true } }, { requestId: JSON.parse('1e400') }));
    expect(err.detail).toBe('parameter requestId must be a string or a finite number');
  });
});

describe('management point URLs (site catalog)', () => {
  it.each([
    ['http://MP01.contoso.com/sms_mp', 'without a path, query or user name'],
    ['http://MP01.contoso.com?x=1', 'without a path, query or user name'],
    ['http://admin@MP01.contoso.com', 'without a path, query or user name'],
    ['http://MP01.con\ttoso.com', 'must not contain spaces or control characters'],
    ['http://MP01.contoso.com\r\n', 'must not contain spaces or control characters'],
    ['ftp://MP01.contoso.com', 'must be an http:// or https:// URL'],
    ['file:///etc/passwd', 'must be an http:// or https:// URL'],
  ])('%j is E_INVALIDARG naming managementPoints[0].url', async (url, why) => {
    const catalog = JSON.parse(readFileSync(join(scratchPaths.site, 'site.json'), 'utf8'));
    catalog.managementPoints[0].url = url;
    const path = join(scratchPaths.site, 'bad-url.json');
    writeFileSync(path, JSON.stringify(catalog));
    const err = await rejectionOf(loadSiteCatalog(path));
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toContain('managementPoints[0].url');
    expect(err.detail).toContain(why);
  });
});

describe('combinations and PFX validity', () => {
  const events: Array<Record<string, unknown>> = [];
  const context: RequestContext = { id: 1, signal: new AbortController().signal, event: (event, fields) => events.push({ event, ...fields }) };
  const create = (extra: Partial<CreateBootMediaParams>) =>
    createBootMedia({ mediaType: 'CD', destinationPath: join(scratchPaths.dir, `m-${events.length}-${Math.random()}.iso`), bootImageId: 'PS100005', siteCatalog: join(scratchPaths.site, 'site.json'), ...extra } as CreateBootMediaParams, context);

  it.each([
    [{ certificatePassword: 'x' }, 'parameter certificatePassword applies only with certificatePath (the PFX it opens)'],
    [{ certificatePath: '/x.pfx', certificateValidEnd: new Date('2030-01-01Z') }, 'parameter certificateValidEnd applies only to a self-signed certificate; a PFX given with certificatePath has its own validity'],
    [{ imageSizeBytes: 1 << 26 }, 'parameter imageSizeBytes applies only to mediaType UFD+FORMAT (a new disk image file), not CD'],
    [{ mediaType: 'UFD', allowLoopDevices: true }, 'parameter allowLoopDevices applies only to mediaType UFD+FORMAT, not UFD'],
    [{ volume: { fileSystem: 'FAT32', sizeBytes: 16e9, freeBytes: 15e9, clusterBytes: 8192 } }, 'parameter volume applies only to mediaType UFD'],
  ] as const)('%j is E_INVALIDARG', async (extra, detail) => {
    const err = await rejectionOf(create(extra as Partial<CreateBootMediaParams>));
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toBe(detail);
  });

  it('the self-signed certificate ends one calendar year after its start by default (docs/site-catalog.md "Media certificate")', async () => {
    const result = await create({ certificateValidStart: new Date('2028-02-29T12:00:00Z') });
    expect(result.certificateNotAfter).toBe('2029-02-28T12:00:00.000Z');
  });

  async function pfxValid(from: Date, to: Date, now: Date): Promise<string> {
    const cert = await createMediaCertificate({ validFrom: from, validTo: to, now });
    const path = join(scratchPaths.dir, `${from.getTime()}.pfx`);
    writeFileSync(path, exportPfx(cert, 'p').pfx);
    return path;
  }

  it('an expired PFX is CMTSMEDIA_E_CERTIFICATE; one not yet valid makes media with a warning', async () => {
    const expired = await pfxValid(new Date('2020-01-01Z'), new Date('2021-01-01Z'), new Date('2020-01-01Z'));
    const err = await rejectionOf(create({ certificatePath: expired, certificatePassword: 'p' }));
    expect(err.code).toBe('CMTSMEDIA_E_CERTIFICATE');
    expect(err.detail).toBe(`${expired}: its certificate expired on 2021-01-01T00:00:00.000Z; media need one that is valid`);
    const from = new Date(Date.now() + 30 * 86_400_000);
    const later = await pfxValid(from, new Date(Date.now() + 400 * 86_400_000), new Date());
    events.length = 0;
    const result = await create({ certificatePath: later, certificatePassword: 'p' });
    expect(result.certificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(events.filter((e) => e.event === 'warning').map((e) => e.message)).toContainEqual(expect.stringMatching(new RegExp(`^The certificate in ${later.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid before `)));
  });
});
