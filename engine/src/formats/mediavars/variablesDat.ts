/**
 * SMS\data\Variables.dat (docs/media.md, "Variables.dat"): a 24-byte header, then the AES-CBC
 * ciphertext (zero IV, PKCS#7) of a UTF-16LE `MediaVarList` XML document and a UTF-16 NUL, then a trailer.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { CmTsError } from '../../errors/index.js';
import { reserved, table, u32le } from '../binary/index.js';

/**
 * The header (reference §2.1): little-endian uint32s. magic and blobHeaderBytes are fixed values,
 * decoded as numbers so a reader can check them.
 */
const header = table('Variables.dat header', 24, {
  magic: [0, u32le], // 0xECED0000
  blobHeaderBytes: [4, u32le], // 20: the size of the fields at 4..23 (the same blob as PXE option 243's key)
  plainBytes: [8, u32le], // plaintext length, counting the UTF-16 NUL
  cipherBytes: [12, u32le], // ciphertext length: plainBytes rounded up by PKCS#7
  algId: [16, u32le], // CryptoAPI ALG_ID
  reserved: [20, reserved(4)],
});
const magic = 0xeced0000;
const blobHeaderBytes = 20;

/** CryptoAPI ALG_IDs a reader accepts (reference §2.2); writers emit CALG_AES_128 as every known console build does. */
export const CALG_AES_128 = 0x660e;
export const CALG_AES_192 = 0x660f;
export const CALG_AES_256 = 0x6610;
const ciphers: ReadonlyMap<number, { name: string; keyBytes: number }> = new Map([
  [CALG_AES_128, { name: 'aes-128-cbc', keyBytes: 16 }],
  [CALG_AES_192, { name: 'aes-192-cbc', keyBytes: 24 }],
  [CALG_AES_256, { name: 'aes-256-cbc', keyBytes: 32 }],
]);
const blockBytes = 16;
const zeroIv = new Uint8Array(blockBytes);

/** The key of media without a password, braces included (reference §2.3): such media are only obfuscated. */
export const defaultMediaKeyPassword = '{BAC6E688-DE21-4ABE-B7FB-C9F54E6DB664}';

/** `Version` of MediaVarList: a ConfigMgr current-branch build in the console's 5.00.xxxx.xxxx form (the value is not checked by readers). */
export const mediaVarListVersion = '5.00.9128.1000';

/**
 * CryptDeriveKey(CALG_SHA1 hash of the UTF-16LE password, CALG_AES_*) (reference §2.3, from the
 * CryptDeriveKey remarks): H = SHA1(password); key = (SHA1(ipad ^ H) || SHA1(opad ^ H))[0..keyBytes).
 */
export function deriveMediaKey(password: string, keyBytes: number): Uint8Array {
  const hash = createHash('sha1').update(Buffer.from(password, 'utf16le')).digest();
  const pad = (fill: number): Buffer => {
    const block = Buffer.alloc(64, fill);
    for (let i = 0; i < hash.length; i++) block[i]! ^= hash[i]!;
    return createHash('sha1').update(block).digest();
  };
  return new Uint8Array(Buffer.concat([pad(0x36), pad(0x5c)]).subarray(0, keyBytes));
}

/** An absent or empty media password selects the default key (SDK: MediaPassword null). */
const keyPassword = (password: string | undefined): string => (password ? password : defaultMediaKeyPassword);

// XML 1.0 §2.2 Char: what a CDATA section or an attribute can carry at all.
const nonXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function checkXmlText(what: string, text: string): void {
  const bad = nonXmlChar.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new CmTsError('E_INVALIDARG', `${what} contains U+${code}, which XML cannot carry`);
  }
}

const escapeAttribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A value as CDATA; `]]>` cannot occur inside one section, so it is split across two (`]]` | `>`). */
const cdata = (text: string): string => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** The MediaVarList document (reference §2.5: declaration without encoding, CDATA values, the given order). */
export function serializeMediaVarList(variables: Iterable<readonly [string, string]>, version = mediaVarListVersion): string {
  const seen = new Set<string>();
  const parts = [`<?xml version="1.0"?><MediaVarList Version="${escapeAttribute(version)}">`];
  for (const [name, value] of variables) {
    if (typeof name !== 'string' || name.length === 0) throw new CmTsError('E_INVALIDARG', 'a media variable has an empty name');
    if (typeof value !== 'string') throw new CmTsError('E_INVALIDARG', `media variable ${name} has no string value`);
    // Task sequence variable names are case-insensitive.
    if (seen.has(name.toUpperCase())) throw new CmTsError('E_INVALIDARG', `media variable ${name} is given twice`);
    seen.add(name.toUpperCase());
    checkXmlText(`the name of media variable ${name}`, name);
    checkXmlText(`the value of media variable ${name}`, value);
    parts.push(`<var name="${escapeAttribute(name)}">${cdata(value)}</var>`);
  }
  parts.push('</MediaVarList>');
  return parts.join('');
}

export interface VariablesDatOptions {
  /** Default CALG_AES_128. */
  readonly algId?: number;
  readonly version?: string;
}

/**
 * The bytes after the ciphertext (docs/media.md, "Variables.dat"): real files are 20 header bytes +
 * plainLen + 18 after the magic, i.e. 18 - pad zero bytes; 16 more where that is under 8, because
 * the PXEThief family reads `data[24:-8]` and needs 8 to 23 bytes after the ciphertext.
 * TSMBootstrap and every other reader use the header's lengths and ignore them.
 */
export function trailerBytes(padBytes: number): number {
  const real = 18 - padBytes;
  return real < 8 ? real + 16 : real;
}

/** Variables.dat bytes: header, ciphertext, trailer. */
export function encodeVariablesDat(
  variables: Iterable<readonly [string, string]>,
  password?: string,
  options: VariablesDatOptions = {},
): Uint8Array {
  const algId = options.algId ?? CALG_AES_128;
  const cipher = ciphers.get(algId);
  if (!cipher) throw new CmTsError('E_INVALIDARG', `ALG_ID 0x${algId.toString(16)} is not an AES algorithm`);
  const plain = Buffer.from(serializeMediaVarList(variables, options.version) + '\0', 'utf16le');
  const aes = createCipheriv(cipher.name, deriveMediaKey(keyPassword(password), cipher.keyBytes), zeroIv); // PKCS#7 by default
  const encrypted = Buffer.concat([aes.update(plain), aes.final()]);
  const out = new Uint8Array(header.sizeBytes + encrypted.length + trailerBytes(encrypted.length - plain.length));
  header.encode({ magic, blobHeaderBytes, plainBytes: plain.length, cipherBytes: encrypted.length, algId }, out);
  out.set(encrypted, header.sizeBytes);
  return out;
}

/**
 * The XML text of Variables.dat (reference §2.4). A file that is not Variables.dat is E_INVALIDARG;
 * a wrong password is E_INVALIDARG with `data.reason = 'password'` (the padding or the XML does not check out).
 */
export function decryptVariablesDat(bytes: Uint8Array, password?: string): { algId: number; xml: string } {
  const invalid = (why: string): CmTsError => new CmTsError('E_INVALIDARG', `not a Variables.dat file: ${why}`);
  if (bytes.length < header.sizeBytes) throw invalid(`${bytes.length} bytes are shorter than the header`);
  const { magic: foundMagic, blobHeaderBytes: foundBlobBytes, plainBytes, cipherBytes, algId } = header.decode(bytes);
  if (foundMagic !== magic || foundBlobBytes !== blobHeaderBytes) throw invalid('bad magic');
  const cipher = ciphers.get(algId);
  if (!cipher) throw invalid(`ALG_ID 0x${algId.toString(16)} is not supported`);
  const padBytes = cipherBytes - plainBytes;
  if (cipherBytes % blockBytes !== 0 || padBytes <= 0 || padBytes > blockBytes || header.sizeBytes + cipherBytes > bytes.length) {
    throw invalid(`plaintext ${plainBytes} and ciphertext ${cipherBytes} bytes do not fit a ${bytes.length}-byte file`);
  }
  const aes = createDecipheriv(cipher.name, deriveMediaKey(keyPassword(password), cipher.keyBytes), zeroIv);
  aes.setAutoPadding(false);
  const plain = Buffer.concat([aes.update(bytes.subarray(header.sizeBytes, header.sizeBytes + cipherBytes)), aes.final()]);
  const wrongPassword = (): CmTsError =>
    new CmTsError('E_INVALIDARG', 'Variables.dat does not decrypt with the given media password', { reason: 'password' });
  for (let i = plainBytes; i < cipherBytes; i++) if (plain[i] !== padBytes) throw wrongPassword();
  let xml = plain.subarray(0, plainBytes - (plainBytes % 2)).toString('utf16le');
  if (xml.startsWith('\uFEFF')) xml = xml.slice(1);
  xml = xml.replace(/\0+$/, '');
  if (!xml.startsWith('<')) throw wrongPassword();
  return { algId, xml };
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return entities[ref] ?? whole;
  });
}

/**
 * Reads a MediaVarList: `<var name="…">` elements whose text is CDATA sections and/or escaped text
 * (MDT writes the plain form, reference §2.5), or `<var name="…"/>`.
 */
export function parseMediaVarList(xml: string): { version: string | undefined; variables: Map<string, string> } {
  const bad = (why: string): CmTsError => new CmTsError('E_INVALIDARG', `Variables.dat XML: ${why}`);
  const root = /<MediaVarList\b([^>]*)>/.exec(xml);
  if (!root) throw bad('no MediaVarList element');
  const version = /\bVersion\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(root[1]!);
  const variables = new Map<string, string>();
  const start = /<var\s+name\s*=\s*(?:"([^"]*)"|'([^']*)')\s*(\/?)>/g;
  start.lastIndex = root.index + root[0].length;
  for (let m = start.exec(xml); m; m = start.exec(xml)) {
    const name = decodeEntities(m[1] ?? m[2]!);
    let value = '';
    let at = start.lastIndex;
    if (m[3] !== '/') {
      for (;;) {
        if (xml.startsWith('<![CDATA[', at)) {
          const end = xml.indexOf(']]>', at + 9);
          if (end < 0) throw bad(`unterminated CDATA in variable ${name}`);
          value += xml.slice(at + 9, end);
          at = end + 3;
        } else if (xml.startsWith('</var', at)) {
          const end = xml.indexOf('>', at);
          if (end < 0) throw bad(`unterminated </var> of variable ${name}`);
          at = end + 1;
          break;
        } else {
          const next = xml.indexOf('<', at);
          if (next < 0) throw bad(`variable ${name} is not closed`);
          if (next === at) throw bad(`unexpected markup in variable ${name}`);
          value += decodeEntities(xml.slice(at, next));
          at = next;
        }
      }
    }
    start.lastIndex = at;
    variables.set(name, value);
  }
  return { version: version ? (version[1] ?? version[2]) : undefined, variables };
}

/** Variables.dat → its variables (AES-128, -192 or -256). Errors as in decryptVariablesDat. */
export function decodeVariablesDat(bytes: Uint8Array, password?: string): Map<string, string> {
  return parseMediaVarList(decryptVariablesDat(bytes, password).xml).variables;
}
