import { errorOf } from '../../helpers/errors.js';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CALG_AES_256,
  decodeVariablesDat,
  decryptVariablesDat,
  encodeVariablesDat,
  parseMediaVarList,
} from '../../../engine/src/formats/mediavars/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'cmts-vars-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * CryptDeriveKey(SHA-1, AES-*) written out here from the Microsoft remarks, independently of the
 * engine: hash the UTF-16LE password, XOR it into 64-byte 0x36 and 0x5C buffers, hash both, concatenate.
 */
function independentKey(password: string, keyBytes: number): Buffer {
  const h = createHash('sha1').update(Buffer.from(password, 'utf16le')).digest();
  const ipad = Buffer.alloc(64, 0x36).map((b, i) => (i < 20 ? b ^ h[i]! : b));
  const opad = Buffer.alloc(64, 0x5c).map((b, i) => (i < 20 ? b ^ h[i]! : b));
  return Buffer.concat([createHash('sha1').update(ipad).digest(), createHash('sha1').update(opad).digest()]).subarray(0, keyBytes);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const vars: Array<[string, string]> = [
  ['_SMSTSSiteCode', 'PS1'],
  ['SMSTSMP', 'http://MP01.contoso.com'],
  ['Empty', ''],
  ['Tricky', 'a]]>b]]]>c<d>&e"f\'\r\n\tg ÄÖ€ 😀'],
];


describe('Variables.dat public test vectors (hashcat 19850/19851, password Password1)', () => {
  // $sccm$aes128$0000edec14000000b2320000c03200000e6600000000000011cb54aa3b699f61f86ab312e6fb97ec
  it('AES-128: the first ciphertext block of "<?xml ve" is 11cb54aa3b699f61f86ab312e6fb97ec', () => {
    const dat = encodeVariablesDat(vars, 'Password1');
    expect(hex(dat.subarray(24, 40))).toBe('11cb54aa3b699f61f86ab312e6fb97ec');
  });

  it('AES-256: the first ciphertext block is 3dd6b8bc6cc41f718b07522266e188ce', () => {
    const dat = encodeVariablesDat(vars, 'Password1', { algId: CALG_AES_256 });
    expect(hex(dat.subarray(16, 20))).toBe('10660000');
    expect(hex(dat.subarray(24, 40))).toBe('3dd6b8bc6cc41f718b07522266e188ce');
  });

  it('the independent key gives the vectors too (so the derivation check is not circular)', () => {
    const block = Buffer.from('<?xml ve', 'utf16le');
    const ecb = (name: string, key: Buffer) => {
      const c = createCipheriv(name, key, null);
      c.setAutoPadding(false);
      return c.update(block).toString('hex');
    };
    expect(ecb('aes-128-ecb', independentKey('Password1', 16))).toBe('11cb54aa3b699f61f86ab312e6fb97ec');
    expect(ecb('aes-256-ecb', independentKey('Password1', 32))).toBe('3dd6b8bc6cc41f718b07522266e188ce');
  });
});

describe('encodeVariablesDat', () => {
  const xml =
    '<?xml version="1.0"?><MediaVarList Version="5.00.9128.1000">' +
    '<var name="_SMSTSSiteCode"><![CDATA[PS1]]></var>' +
    '<var name="SMSTSMP"><![CDATA[http://MP01.contoso.com]]></var>' +
    '<var name="Empty"><![CDATA[]]></var>' +
    '<var name="Tricky"><![CDATA[a]]]]><![CDATA[>b]]]]]><![CDATA[>c<d>&e"f\'\r\n\tg ÄÖ€ 😀]]></var>' +
    '</MediaVarList>';

  it('writes the header: magic, 20, plainLen, cipherLen, CALG_AES_128, 0, then the trailer real files carry', () => {
    const dat = encodeVariablesDat(vars, 'pw');
    const plainLen = (xml.length + 1) * 2; // UTF-16 code units of the XML and the NUL
    const cipherLen = (Math.floor(plainLen / 16) + 1) * 16;
    const view = new DataView(dat.buffer, dat.byteOffset);
    expect(hex(dat.subarray(0, 8))).toBe('0000edec14000000');
    expect(view.getUint32(8, true)).toBe(plainLen);
    expect(view.getUint32(12, true)).toBe(cipherLen);
    expect(view.getUint32(16, true)).toBe(0x660e);
    expect(view.getUint32(20, true)).toBe(0);
    // 20 header bytes + plainLen + 18 after the magic (docs/media.md), 16 more when fewer than 8 would follow.
    const pad = cipherLen - plainLen;
    const trailer = 18 - pad >= 8 ? 18 - pad : 34 - pad;
    expect(dat.length).toBe(24 + cipherLen + trailer);
    expect(hex(dat.subarray(24 + cipherLen))).toBe('00'.repeat(trailer));
  });

  it('is read by a PXEThief-style reader (data[24:-8]) for every pad length, and by ours', () => {
    const pads = new Set<number>();
    for (let extra = 0; extra < 8; extra++) {
      const list: Array<[string, string]> = [...vars, ['Filler', 'x'.repeat(extra)]];
      const dat = encodeVariablesDat(list, 'pw');
      const view = new DataView(dat.buffer, dat.byteOffset);
      pads.add(view.getUint32(12, true) - view.getUint32(8, true));
      const file = join(scratch, `pad-${extra}.dat`);
      writeFileSync(file, dat);
      const read = JSON.parse(execFileSync('python3', [join(__dirname, 'pxethief-read.py'), file, 'pw'], { encoding: 'utf8' }));
      // That reader keeps only printable characters: CR, LF and TAB of "Tricky" go.
      expect(read).toEqual(Object.fromEntries(list.map(([name, value]) => [name, value.replace(/[\r\n\t]/g, '')])));
      expect(decodeVariablesDat(dat, 'pw')).toEqual(new Map(list));
    }
    expect([...pads].sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
  });

  for (const [label, password, keyPassword] of [
    ['a media password', 'S3cret-Päss', 'S3cret-Päss'],
    ['no password (the default GUID key)', undefined, '{BAC6E688-DE21-4ABE-B7FB-C9F54E6DB664}'],
  ] as const) {
    it(`decrypts with openssl enc under the independently derived key: ${label}`, () => {
      const dat = encodeVariablesDat(vars, password);
      const file = join(scratch, 'cipher.bin');
      writeFileSync(file, dat.subarray(24, 24 + new DataView(dat.buffer).getUint32(12, true)));
      const plain = execFileSync('openssl', ['enc', '-d', '-aes-128-cbc', '-K', independentKey(keyPassword, 16).toString('hex'), '-iv', '0'.repeat(32), '-in', file]);
      expect(plain.length).toBe(new DataView(dat.buffer).getUint32(8, true));
      expect(plain.subarray(plain.length - 2).equals(Buffer.from([0, 0]))).toBe(true);
      expect(plain.subarray(0, plain.length - 2).toString('utf16le')).toBe(xml);
    });
  }

  it('rejects duplicate names (case-insensitive) and characters XML cannot carry, without echoing the value', () => {
    expect(errorOf(() => encodeVariablesDat([['A', '1'], ['a', '2']])).code).toBe('E_INVALIDARG');
    const err = errorOf(() => encodeVariablesDat([['Secret', 'pass\u0001word']]));
    expect(err.detail).toBe('the value of media variable Secret contains U+0001, which XML cannot carry');
  });
});

describe('decodeVariablesDat', () => {
  it('round-trips AES-128 and AES-256, with and without a password', () => {
    for (const options of [{}, { algId: CALG_AES_256 }]) {
      for (const password of [undefined, 'pw', 'Pässwörd 😀']) {
        const decoded = decodeVariablesDat(encodeVariablesDat(vars, password, options), password);
        expect([...decoded]).toEqual(vars);
      }
    }
  });

  it('an empty password means the default key', () => {
    expect(decodeVariablesDat(encodeVariablesDat(vars, ''))).toEqual(new Map(vars));
  });

  it('a wrong password is E_INVALIDARG with data.reason "password"', () => {
    const dat = encodeVariablesDat(vars, 'right');
    for (const password of ['wrong', undefined]) {
      const err = errorOf(() => decodeVariablesDat(dat, password));
      expect(err.code).toBe('E_INVALIDARG');
      expect(err.data).toEqual({ reason: 'password' });
    }
  });

  it('ignores a trailer after the ciphertext and tolerates a missing NUL terminator', () => {
    const dat = encodeVariablesDat(vars, 'pw');
    const withTrailer = new Uint8Array(dat.length + 6);
    withTrailer.set(dat);
    expect(decodeVariablesDat(withTrailer, 'pw')).toEqual(new Map(vars));

    // A file written without the terminator, by hand.
    const text = Buffer.from('<?xml version="1.0"?><MediaVarList><var name="X">1</var></MediaVarList>', 'utf16le');
    const c = createCipheriv('aes-128-cbc', independentKey('{BAC6E688-DE21-4ABE-B7FB-C9F54E6DB664}', 16), Buffer.alloc(16));
    const cipher = Buffer.concat([c.update(text), c.final()]);
    const head = Buffer.alloc(24);
    head.writeUInt32LE(0xeced0000, 0);
    head.writeUInt32LE(20, 4);
    head.writeUInt32LE(text.length, 8);
    head.writeUInt32LE(cipher.length, 12);
    head.writeUInt32LE(0x660e, 16);
    expect(decodeVariablesDat(new Uint8Array(Buffer.concat([head, cipher])))).toEqual(new Map([['X', '1']]));
  });

  it('rejects files that are not Variables.dat', () => {
    expect(errorOf(() => decodeVariablesDat(new Uint8Array(10))).detail).toMatch(/shorter than the header/);
    const dat = encodeVariablesDat(vars);
    const bad = dat.slice();
    bad[16] = 0x03; // CALG_3DES: not accepted
    expect(errorOf(() => decodeVariablesDat(bad)).detail).toMatch(/ALG_ID/);
    const cipherLen = new DataView(dat.buffer, dat.byteOffset).getUint32(12, true);
    expect(errorOf(() => decodeVariablesDat(dat.subarray(0, 24 + cipherLen - 16))).detail).toMatch(/do not fit/);
    expect(decryptVariablesDat(dat).algId).toBe(0x660e);
  });
});

describe('parseMediaVarList', () => {
  it('reads the MDT plain form (escaped text), several CDATA sections and empty elements', () => {
    const parsed = parseMediaVarList(
      `<?xml version="1.0" ?><MediaVarList Version="4.00.5345.0000">\r\n <var name="A">x &amp; y &lt;z&gt; &#65;&#x42;</var>\r\n` +
        `<var name='B'><![CDATA[</var>]]><![CDATA[2]]></var><var name="C"/><var name="D"></var></MediaVarList>`,
    );
    expect(parsed.version).toBe('4.00.5345.0000');
    expect([...parsed.variables]).toEqual([['A', 'x & y <z> AB'], ['B', '</var>2'], ['C', ''], ['D', '']]);
  });
});
