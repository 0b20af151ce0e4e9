import { errorOf } from '../../helpers/errors.js';
import { describe, expect, it } from 'vitest';
import {
  buildMediaVariables,
  encodeMediaLabel,
  encodeTsmBootstrapIni,
  mediaPfxPassword,
  newMediaGuid,
  type BootMediaVariablesInput,
} from '../../../engine/src/formats/mediavars/index.js';

const input: BootMediaVariablesInput = {
  mediaGuid: '8AE6B618-77EC-46CB-B1B5-88F693E0A1C2',
  mediaPfx: new Uint8Array([0x30, 0x82, 0x07, 0x3e, 0x0a]),
  managementPointUrls: ['http://MP01.contoso.com'],
  mediaMode: 'Static',
  iisSslState: 0,
  siteCode: 'PS1',
  bootImagePackageId: 'PS100005',
  launchMode: 'CD',
  httpPort: 80,
  httpsPort: 443,
};


describe('buildMediaVariables', () => {
  it('lists the static boot-media variables in ordinal name order, as the one real listing (docs/media.md)', () => {
    expect(buildMediaVariables(input)).toEqual([
      ['SMSTSMP', 'http://MP01.contoso.com'],
      ['_SMSMediaGuid', '8AE6B618-77EC-46CB-B1B5-88F693E0A1C2'],
      ['_SMSTSBootMediaPackageID', 'PS100005'],
      ['_SMSTSHTTPPort', '80'],
      ['_SMSTSHTTPSPort', '443'],
      ['_SMSTSIISSSLState', '0'],
      ['_SMSTSLaunchMode', 'CD'],
      ['_SMSTSMediaPFX', '3082073E0A'],
      ['_SMSTSMediaType', 'BootMedia'],
      ['_SMSTSSiteCode', 'PS1'],
      ['_SMSTSUseFirstCert', '1'],
    ]);
  });

  it('dynamic media carry SMSTSLocationMPs (URLs joined by *) instead of SMSTSMP', () => {
    const vars = new Map(buildMediaVariables({ ...input, mediaMode: 'Dynamic', managementPointUrls: ['http://mp1.contoso.com', 'https://mp2.contoso.com'] }));
    expect(vars.get('SMSTSLocationMPs')).toBe('http://mp1.contoso.com*https://mp2.contoso.com');
    expect(vars.has('SMSTSMP')).toBe(false);
  });

  it('adds the root key, the unknown-computer GUIDs and the prestart command when given', () => {
    const vars = buildMediaVariables({
      ...input,
      publicRootKey: '0602000000A40000',
      unknownMachines: { x64: '1A2B3C4D-0000-4000-8000-000000000001', x86: '1A2B3C4D-0000-4000-8000-000000000002' },
      prestartCommand: 'cmd /c prestart.cmd',
    });
    const names = vars.map(([name]) => name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const byName = new Map(vars);
    expect(byName.get('_SMSTSPublicRootKey')).toBe('0602000000A40000');
    expect(byName.get('_SMSTSx64UnknownMachineGUID')).toBe('1A2B3C4D-0000-4000-8000-000000000001');
    expect(byName.get('_SMSTSx86UnknownMachineGUID')).toBe('1A2B3C4D-0000-4000-8000-000000000002');
    expect(byName.get('_SMSTSPreExecCommandLine')).toBe('cmd /c prestart.cmd');
    expect(names).not.toContain('_SMSTSarm64UnknownMachineGUID');
  });

  it('adds CA and site signing certificates as uppercase hex DER, then user variables in order', () => {
    const vars = buildMediaVariables({
      ...input,
      caCertificates: [new Uint8Array([0xab, 0x01]), new Uint8Array([0xcd])],
      siteSigningCertificate: new Uint8Array([0xef]),
      userVariables: { SMSTSPreferredAdvertID: 'PS120001', OSDComputerName: 'PC-%SERIAL%' },
    });
    expect(new Map(vars).get('_SMSTSRootCACerts')).toBe('AB01*CD');
    expect(new Map(vars).get('_SMSTSSiteSigningCertificate')).toBe('EF');
    expect(vars.slice(13)).toEqual([
      ['SMSTSPreferredAdvertID', 'PS120001'],
      ['OSDComputerName', 'PC-%SERIAL%'],
    ]);
    expect(buildMediaVariables({ ...input, userVariables: [['B', '1'], ['A', '2']] }).slice(11)).toEqual([['B', '1'], ['A', '2']]);
  });

  it('user variables cannot override reserved names, in any case, nor repeat', () => {
    for (const name of ['SMSTSMP', 'smstsmp', '_SMSMediaGuid', '_smstsmediapfx', 'SMSTSLocationMPs']) {
      const err = errorOf(() => buildMediaVariables({ ...input, userVariables: [[name, 'x']] }));
      expect(err.code).toBe('E_INVALIDARG');
      expect(err.detail).toContain(name);
    }
    expect(errorOf(() => buildMediaVariables({ ...input, userVariables: [['X', '1'], ['x', '2']] })).detail).toMatch(/twice/);
    expect(errorOf(() => buildMediaVariables({ ...input, userVariables: [['', '1']] })).code).toBe('E_INVALIDARG');
    expect(errorOf(() => buildMediaVariables({ ...input, userVariables: [['A B', '1']] })).code).toBe('E_INVALIDARG');
  });

  it('insists on an uppercase GUID without braces', () => {
    expect(errorOf(() => buildMediaVariables({ ...input, mediaGuid: '{8AE6B618-77EC-46CB-B1B5-88F693E0A1C2}' })).code).toBe('E_INVALIDARG');
    expect(errorOf(() => buildMediaVariables({ ...input, mediaGuid: input.mediaGuid.toLowerCase() })).code).toBe('E_INVALIDARG');
  });
});

describe('media GUID and PFX password', () => {
  it('newMediaGuid is an uppercase version-4 GUID; the PFX password is its first 31 characters', () => {
    const guid = newMediaGuid((n) => new Uint8Array(n).fill(0xff));
    expect(guid).toBe('FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF');
    expect(newMediaGuid()).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(mediaPfxPassword('8AE6B618-77EC-46CB-B1B5-88F693E0A1C2')).toBe('8AE6B618-77EC-46CB-B1B5-88F693E');
  });
});

describe('TsmBootstrap.ini and MediaLabel.txt', () => {
  it('TsmBootstrap.ini is ASCII [MediaInfo] with CRLF', () => {
    expect(Buffer.from(encodeTsmBootstrapIni({ passwordRequired: true })).toString('latin1')).toBe(
      '[MediaInfo]\r\nMediaType=BootMedia\r\nPasswordRequired=true\r\nUnattended=false\r\n',
    );
    expect(Buffer.from(encodeTsmBootstrapIni({ passwordRequired: false, unattended: true })).toString('latin1')).toBe(
      '[MediaInfo]\r\nMediaType=BootMedia\r\nPasswordRequired=false\r\nUnattended=true\r\n',
    );
  });

  it('MediaLabel.txt: ASCII labels as ASCII, others UTF-16LE with a BOM; the default label', () => {
    expect(Buffer.from(encodeMediaLabel()).toString('latin1')).toBe('label=Configuration Manager\r\n');
    const utf16 = Buffer.from(encodeMediaLabel('Médias €'));
    expect(utf16.subarray(0, 2).toString('hex')).toBe('fffe');
    expect(utf16.subarray(2).toString('utf16le')).toBe('label=Médias €\r\n');
    expect(errorOf(() => encodeMediaLabel('two\r\nlines')).code).toBe('E_INVALIDARG');
  });
});
