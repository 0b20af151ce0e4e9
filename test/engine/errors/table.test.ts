import { describe, expect, it } from 'vitest';
import { CmTsError, errorTable, fromSystemError } from '../../../engine/src/errors/index.js';

const sdkCodes: Array<[string, string]> = [
  ['CREATETSMEDIA_E_NODEFAULTMP', '0x80040001'],
  ['CREATETSMEDIA_E_NOMPCERTS', '0x80040002'],
  ['CREATETSMEDIA_E_MISSINGPACKAGE', '0x80040003'],
  ['CREATETSMEDIA_E_CERTPASSWORD', '0x80040004'],
  ['CREATETSMEDIA_E_PRIVATEKEY', '0x80040005'],
  ['CREATETSMEDIA_E_NOCACERT', '0x80040006'],
  ['CREATETSMEDIA_E_NOSITESIGNCERT', '0x80040007'],
  ['CREATETSMEDIA_E_CONNECTIONOPTIONS', '0x80040008'],
  ['CREATETSMEDIA_E_CONNECTIONOPTIONNAME', '0x80040009'],
  ['CREATETSMEDIA_E_UFD_FS_FAT16', '0x8004000A'],
  ['CREATETSMEDIA_E_UFD_FS_UNKNOWN', '0x8004000B'],
  ['CREATETSMEDIA_E_PACKAGETOOLARGE', '0x8004000C'],
];

describe('the error table', () => {
  it('holds the 12 SDK codes with their exact HRESULTs', () => {
    const sdk = errorTable.filter((row) => row.sdk).map((row) => [row.code, row.hresult]);
    expect(sdk).toEqual(sdkCodes);
  });

  it('has unique codes, HRESULTs and exception types', () => {
    for (const column of ['code', 'hresult', 'type'] as const) {
      const values = errorTable.map((row) => row[column]);
      expect(new Set(values).size, column).toBe(values.length);
    }
  });

  it('writes every HRESULT as 0x%08X with the failure bit set', () => {
    for (const row of errorTable) {
      expect(row.hresult).toMatch(/^0x[0-9A-F]{8}$/);
      expect(Number(row.hresult) & 0x80000000).not.toBe(0);
    }
  });

  it('marks the project\'s own codes with the customer bit, in increasing order, never reusing a retired one', () => {
    const own = errorTable.filter((row) => row.code.startsWith('CMTSMEDIA_E_')).map((row) => Number(row.hresult) >>> 0);
    own.forEach((hresult, index) => {
      expect((hresult & 0xffff0000) >>> 0).toBe(0xa0040000);
      if (index > 0) expect(hresult).toBeGreaterThan(own[index - 1]!);
    });
    expect(own).not.toContain(0xa0040007); // retired: CMTSMEDIA_E_SITECATALOG
  });

  it('gives every row a category, a type name, a message and an action; only templates use {0}', () => {
    const categories = new Set(['NotSpecified', 'OpenError', 'CloseError', 'DeviceError', 'DeadlockDetected', 'InvalidArgument', 'InvalidData', 'InvalidOperation', 'InvalidResult', 'InvalidType', 'MetadataError', 'NotImplemented', 'NotInstalled', 'ObjectNotFound', 'OperationStopped', 'OperationTimeout', 'SyntaxError', 'ParserError', 'PermissionDenied', 'ResourceBusy', 'ResourceExists', 'ResourceUnavailable', 'ReadError', 'WriteError', 'FromStdErr', 'SecurityError', 'ProtocolError', 'ConnectionError', 'AuthenticationError', 'LimitsExceeded', 'QuotaExceeded', 'NotEnabled']);
    for (const row of errorTable) {
      expect(categories.has(row.category), `${row.code} category ${row.category}`).toBe(true);
      expect(row.type).toMatch(/^[A-Z][A-Za-z0-9]+Exception$/);
      expect(row.group).toMatch(/^[A-Z][A-Za-z0-9]+Exception$/);
      expect(row.message.length).toBeGreaterThan(10);
      expect(row.action.length).toBeGreaterThan(10);
      expect(row.message.split('{0}').length).toBeLessThanOrEqual(2);
    }
  });

  it('fills {0} with the detail and crosses the process boundary as {code, hresult, message, detail}', () => {
    const error = new CmTsError('CREATETSMEDIA_E_PACKAGETOOLARGE', 'PS100005');
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'CREATETSMEDIA_E_PACKAGETOOLARGE', hresult: '0x8004000C', message: 'Package PS100005 is too large to fit on the target media.', detail: 'PS100005' });
  });

  it('maps operating-system failures to HRESULT_FROM_WIN32 rows', () => {
    const sys = (code: string) => Object.assign(new Error(code), { code });
    expect(fromSystemError(sys('ENOENT'), '/x').toJSON()).toMatchObject({ code: 'E_FILENOTFOUND', hresult: '0x80070002', detail: '/x' });
    expect(fromSystemError(sys('EACCES'), '/x').hresult).toBe('0x80070005');
    expect(fromSystemError(sys('ENOSPC'), '/x').hresult).toBe('0x80070070');
    expect(fromSystemError(sys('EEXIST'), '/x').hresult).toBe('0x80070050');
    expect(fromSystemError(new RangeError('bad')).code).toBe('E_UNEXPECTED');
  });
});
