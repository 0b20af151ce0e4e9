import { describe, expect, it } from 'vitest';
import { checkConnectionOptions } from '../../../engine/src/media/connection-options.js';

describe('connection options', () => {
  it('accepts none, and the five SDK names in any case', () => {
    expect(checkConnectionOptions(undefined)).toBeUndefined();
    expect(checkConnectionOptions({})).toBeUndefined();
    expect(checkConnectionOptions({ username: 'admin', Domain: 'CONTOSO', PASSWORD: 'x', Authority: 'kerberos:CONTOSO\\SCCM01' })).toContain('SMS Provider');
  });

  it('names an unknown option with CONNECTIONOPTIONNAME', () => {
    expect(() => checkConnectionOptions({ Username: 'a', Server: 'x' })).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_CONNECTIONOPTIONNAME', detail: 'Server' }));
  });

  it.each([
    [{ Local: 'maybe' }],
    [{ Authority: 'basic:x' }],
    [{ Password: 'x' }],
    [{ Local: 'true', Username: 'a' }],
  ])('refuses inconsistent options %j with CONNECTIONOPTIONS', (options) => {
    expect(() => checkConnectionOptions(options)).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_CONNECTIONOPTIONS' }));
  });
});
