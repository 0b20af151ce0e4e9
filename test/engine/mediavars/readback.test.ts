/** The readers of the media's small files (formats/mediavars/readback.ts) against the writers' bytes. */
import { describe, expect, it } from 'vitest';
import { CALG_AES_256, encodeMediaLabel, encodeTsmBootstrapIni, encodeVariablesDat } from '../../../engine/src/formats/mediavars/index.js';
import { parseMediaLabel, parseTsmBootstrapIni, readMediaVariables } from '../../../engine/src/formats/mediavars/readback.js';

const vars: Array<[string, string]> = [['_SMSMediaGuid', 'A1B2C3D4-0000-4000-8000-000000000001'], ['_SMSTSSiteCode', 'PS1']];

describe('TsmBootstrap.ini and MediaLabel.txt readers', () => {
  it('read what the writers write, ASCII and UTF-16LE with a BOM', () => {
    expect(parseTsmBootstrapIni(encodeTsmBootstrapIni({ passwordRequired: true, unattended: false }))).toEqual({ mediaType: 'BootMedia', passwordRequired: true, unattended: false });
    expect(parseMediaLabel(encodeMediaLabel('PS1 Boot x64'))).toBe('PS1 Boot x64');
    expect(parseMediaLabel(encodeMediaLabel('Médias de démarrage ✓'))).toBe('Médias de démarrage ✓');
    // as a console-made file may look: other sections, other case, spaces
    const ini = new TextEncoder().encode('[Other]\r\nPasswordRequired=true\r\n[MEDIAINFO]\r\n mediatype = BootMedia\r\npasswordrequired=FALSE\r\n');
    expect(parseTsmBootstrapIni(ini)).toEqual({ mediaType: 'BootMedia', passwordRequired: false, unattended: undefined });
  });
});

describe('readMediaVariables', () => {
  it('opens media with the password, media without one with the default key, and says which', () => {
    expect(readMediaVariables(encodeVariablesDat(vars, 'Pw-1'), 'Pw-1')).toMatchObject({ status: 'ok', defaultKey: false, variables: new Map(vars) });
    expect(readMediaVariables(encodeVariablesDat(vars), undefined)).toMatchObject({ status: 'ok', defaultKey: true });
    // a password given for media that have none: the default key still opens them
    expect(readMediaVariables(encodeVariablesDat(vars), 'Pw-1')).toMatchObject({ status: 'ok', defaultKey: true });
    expect(readMediaVariables(encodeVariablesDat(vars, 'Pw-1', { algId: CALG_AES_256 }), 'Pw-1')).toMatchObject({ status: 'ok' });
  });

  it('tells a missing password from a wrong one, without throwing', () => {
    expect(readMediaVariables(encodeVariablesDat(vars, 'Pw-1'), undefined)).toEqual({ status: 'password-needed' });
    expect(readMediaVariables(encodeVariablesDat(vars, 'Pw-1'), 'Pw-2')).toEqual({ status: 'wrong-password' });
  });

  it('decrypts cipherLen bytes and ignores a trailer after the ciphertext (real files carry one)', () => {
    const dat = encodeVariablesDat(vars, 'Pw-1');
    const withTrailer = new Uint8Array(dat.length + 8);
    withTrailer.set(dat);
    withTrailer.fill(0xcc, dat.length);
    expect(readMediaVariables(withTrailer, 'Pw-1')).toMatchObject({ status: 'ok', variables: new Map(vars) });
  });

  it('throws E_INVALIDARG only for what is not Variables.dat', () => {
    expect(() => readMediaVariables(new Uint8Array(40), 'x')).toThrow(expect.objectContaining({ code: 'E_INVALIDARG', detail: expect.stringContaining('not a Variables.dat file') }));
  });
});
