import { errorOf } from '../../helpers/errors.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMediaCertificate, defaultCertificateValidEnd, exportPfx, importPfx, readCertificates, thumbprintOf } from '../../../engine/src/certs/index.js';
import { CmTsError } from '../../../engine/src/errors/index.js';
import forge from 'node-forge';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { withNativeKdf } from '../../../engine/src/certs/kdf.js';
import { generateMediaKeyPair } from '../../../engine/src/certs/key-pair.js';

const fixtures = join(import.meta.dirname, '../../fixtures/site');
const fixture = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));
const scratch = mkdtempSync(join(tmpdir(), 'cmts-certs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function openssl(args: string[], input?: Uint8Array): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}


async function rejectionOf(promise: Promise<unknown>): Promise<CmTsError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof CmTsError)) throw new Error(`expected a CmTsError, got ${String(err)}`);
  return err;
}

const now = new Date('2030-01-15T12:00:00.000Z');
const validFrom = new Date('2030-01-15T12:00:00.000Z');
const validTo = new Date('2031-03-01T08:30:15.000Z');
const guid = '8AE6B618-77EC-46CB-B1B5-88F693E0A1C2';
const pfxPassword = guid.slice(0, 31);

describe('createMediaCertificate + exportPfx', async () => {
  const cert = await createMediaCertificate({ validFrom, validTo, now, random: (n) => new Uint8Array(n).fill(0xab) });
  const exported = exportPfx(cert, pfxPassword);
  const pfxFile = join(scratch, 'media.pfx');
  writeFileSync(pfxFile, exported.pfx);
  const certFile = join(scratch, 'media.cer');
  writeFileSync(certFile, cert.certificateDer);

  it('opens with openssl pkcs12 (OpenSSL 3, no -legacy) under the first 31 GUID characters, key and certificate', () => {
    const pem = openssl(['pkcs12', '-in', pfxFile, '-passin', `pass:${pfxPassword}`, '-nodes']);
    expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(pem).toContain('-----BEGIN CERTIFICATE-----');
    const info = spawnSync('openssl', ['pkcs12', '-in', pfxFile, '-passin', `pass:${pfxPassword}`, '-info', '-noout'], { encoding: 'utf8' });
    expect(info.stderr).toMatch(/MAC: sha1/);
    expect(info.stderr).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/);
    // The whole GUID is not the password.
    expect(spawnSync('openssl', ['pkcs12', '-in', pfxFile, '-passin', `pass:${guid}`, '-nodes'], { encoding: 'utf8' }).status).not.toBe(0);
  });

  it('is valid exactly over the requested range', () => {
    const dates = openssl(['x509', '-inform', 'DER', '-in', certFile, '-noout', '-dates']);
    expect(dates).toContain('notBefore=Jan 15 12:00:00 2030 GMT');
    expect(dates).toContain('notAfter=Mar  1 08:30:15 2031 GMT');
    expect(exported.notBefore.toISOString()).toBe(validFrom.toISOString());
    expect(exported.notAfter.toISOString()).toBe(validTo.toISOString());
  });

  it('is RSA-2048, sha256WithRSAEncryption, with the Client Authentication EKU', () => {
    const text = openssl(['x509', '-inform', 'DER', '-in', certFile, '-noout', '-text']);
    expect(text).toMatch(/Public-Key: \(2048 bit\)/);
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s*TLS Web Client Authentication/);
    expect(text).toContain('Subject: CN = SMS Media Certificate');
    expect(text).toMatch(/Serial Number:\s*\n?\s*6b:ab:ab/);
    expect(cert.clientAuthentication).toBe(true);
  });

  it('carries a signature OpenSSL verifies with its own public key, the bytes forge\'s RSA would give', () => {
    // self-signed: the certificate's key checks its signature (openssl x509 -verify is OpenSSL 3.1+; X509_verify through Node)
    const x509 = new X509Certificate(cert.certificateDer);
    expect(x509.verify(x509.publicKey)).toBe(true);
    const parsed = forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(cert.certificateDer).toString('binary')));
    const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(Buffer.from(cert.privateKeyDer).toString('binary'))) as forge.pki.rsa.PrivateKey;
    const md = forge.md.sha256.create();
    const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(parsed);
    md.update(forge.asn1.toDer(tbs).getBytes());
    expect(Buffer.from(key.sign(md), 'binary').equals(Buffer.from(parsed.signature as string, 'binary'))).toBe(true);
  });

  it('reports the SHA-1 thumbprint of the DER certificate, uppercase', () => {
    const fp = openssl(['x509', '-inform', 'DER', '-in', certFile, '-noout', '-fingerprint', '-sha1']);
    expect(exported.thumbprint).toBe(fp.trim().split('=')[1]!.replace(/:/g, ''));
    expect(exported.thumbprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('round-trips through importPfx', async () => {
    const again = await importPfx(exported.pfx, pfxPassword);
    expect(again.thumbprint).toBe(cert.thumbprint);
    expect(Buffer.from(again.privateKeyDer).equals(Buffer.from(cert.privateKeyDer))).toBe(true);
  });
});

describe('the fast paths of a creation (docs/performance.md "Fixed costs")', () => {
  it('a key generated ahead (certs/key-pair.ts) is the certificate\'s key', async () => {
    const privateKey = generateMediaKeyPair();
    const cert = await createMediaCertificate({ now, privateKey });
    const publicOfKey = createPublicKey(await privateKey).export({ type: 'spki', format: 'der' });
    expect(Buffer.from(new X509Certificate(cert.certificateDer).publicKey.export({ type: 'spki', format: 'der' })).equals(publicOfKey)).toBe(true);
    expect(Buffer.from(cert.privateKeyDer).equals((await privateKey).export({ type: 'pkcs8', format: 'der' }))).toBe(true);
  });

  it('withNativeKdf answers forge\'s PKCS#12 derivations (RFC 7292 B.2) with forge\'s own bytes', () => {
    const pbe = (forge.pki as unknown as { pbe: { generatePkcs12Key: (password: string | null, salt: forge.util.ByteStringBuffer, id: number, iterations: number, bytes: number, md?: forge.md.MessageDigest) => forge.util.ByteStringBuffer } }).pbe;
    const cases: Array<[string | null, string, number, number, number, string]> = [
      [pfxPassword, 'salt1234', 1, 2048, 24, 'sha1'],
      [pfxPassword, 'salt1234', 2, 2048, 8, 'sha1'],
      ['pässwörd', 'another salt of more than one block: 0123456789abcdef0123456789abcdef', 3, 7, 20, 'sha1'],
      [null, 'x', 3, 1, 32, 'sha256'],
    ];
    for (const [password, salt, id, iterations, bytes, md] of cases) {
      const derive = () => pbe.generatePkcs12Key(password, forge.util.createBuffer(salt), id, iterations, bytes, forge.md[md as 'sha1'].create()).toHex();
      expect(withNativeKdf(derive)).toBe(derive());
    }
    // forge's own function is back afterwards, also after a throw
    const own = pbe.generatePkcs12Key;
    expect(() => withNativeKdf(() => {
      throw new Error('stop');
    })).toThrow('stop');
    expect(pbe.generatePkcs12Key).toBe(own);
  });
});

describe('createMediaCertificate validity checks', () => {
  it('defaults to now → now + 1 year', async () => {
    const cert = await createMediaCertificate({ now: new Date('2030-02-03T04:05:06.789Z') });
    expect(cert.notBefore.toISOString()).toBe('2030-02-03T04:05:06.000Z');
    expect(cert.notAfter.toISOString()).toBe('2031-02-03T04:05:06.000Z');
  });

  it('defaults the end to one calendar year after the start, as DateTime.AddYears(1) (docs/site-catalog.md)', () => {
    expect(defaultCertificateValidEnd(new Date('2030-02-03T04:05:06.789Z')).toISOString()).toBe('2031-02-03T04:05:06.789Z');
    // a leap year's year has 366 days, not 365
    expect(defaultCertificateValidEnd(new Date('2027-03-01T00:00:00Z')).toISOString()).toBe('2028-03-01T00:00:00.000Z');
    // 29 February: the last day of February a year later, never 1 March
    expect(defaultCertificateValidEnd(new Date('2028-02-29T12:00:00Z')).toISOString()).toBe('2029-02-28T12:00:00.000Z');
    expect(defaultCertificateValidEnd(new Date('2030-12-31T23:59:59Z')).toISOString()).toBe('2031-12-31T23:59:59.000Z');
  });

  it('rejects start >= end naming the parameters', async () => {
    const err = await rejectionOf(createMediaCertificate({ now, validFrom: validTo, validTo: validFrom }));
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toMatch(/CertificateValidStart .* must be earlier than CertificateValidEnd/);
    expect((await rejectionOf(createMediaCertificate({ now, validFrom, validTo: validFrom }))).code).toBe('E_INVALIDARG');
  });

  it('rejects an end in the past naming CertificateValidEnd', async () => {
    const err = await rejectionOf(createMediaCertificate({ now, validFrom: new Date('2029-01-01Z'), validTo: new Date('2030-01-01Z') }));
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toMatch(/^CertificateValidEnd .* is in the past$/);
  });
});

describe('importPfx', () => {
  const thumbprint = readFileSync(join(fixtures, 'client.thumbprint'), 'utf8').trim();

  it('reads an OpenSSL 3 default PFX (PBES2 AES-256, SHA-256 MAC) and a 3DES/SHA-1 one', async () => {
    for (const name of ['client-openssl3.pfx', 'client-3des.pfx']) {
      const cert = await importPfx(fixture(name), 'Fixture-Pass1');
      expect(cert.thumbprint).toBe(thumbprint);
      expect(cert.clientAuthentication).toBe(true);
    }
  });

  it('takes a non-ASCII password as OpenSSL and Windows do (UTF-8 for PBES2)', async () => {
    expect((await importPfx(fixture('client-utf8-password.pfx'), 'Pässwörd')).thumbprint).toBe(thumbprint);
  });

  it('wrong password → CREATETSMEDIA_E_CERTPASSWORD', async () => {
    for (const name of ['client-openssl3.pfx', 'client-3des.pfx', 'cert-only.pfx']) {
      const err = (await rejectionOf(importPfx(fixture(name), 'wrong')));
      expect(err.code).toBe('CREATETSMEDIA_E_CERTPASSWORD');
      expect(err.hresult).toBe('0x80040004');
    }
  });

  it('a PFX without the private key → CREATETSMEDIA_E_PRIVATEKEY', async () => {
    const err = (await rejectionOf(importPfx(fixture('cert-only.pfx'), 'Fixture-Pass1')));
    expect(err.code).toBe('CREATETSMEDIA_E_PRIVATEKEY');
    expect(err.hresult).toBe('0x80040005');
  });

  it('garbage → CMTSMEDIA_E_CERTIFICATE naming the origin; a non-RSA key too', async () => {
    const err = (await rejectionOf(importPfx(fixture('root-ca.pem'), 'x', '/tmp/x.pfx')));
    expect(err.code).toBe('CMTSMEDIA_E_CERTIFICATE');
    expect(err.detail).toContain('/tmp/x.pfx');
    expect((await rejectionOf(importPfx(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]), 'x'))).code).toBe('CMTSMEDIA_E_CERTIFICATE');
    expect((await rejectionOf(importPfx(fixture('client-ec.pfx'), 'Fixture-Pass1'))).detail).toMatch(/not an RSA key/);
  });

  it('re-exports an imported PKI certificate under the GUID password', async () => {
    const exported = exportPfx(await importPfx(fixture('client-openssl3.pfx'), 'Fixture-Pass1'), pfxPassword);
    const file = join(scratch, 'reexport.pfx');
    writeFileSync(file, exported.pfx);
    const pem = openssl(['pkcs12', '-in', file, '-passin', `pass:${pfxPassword}`, '-nodes', '-nokeys']);
    const der = execFileSync('openssl', ['x509', '-outform', 'DER'], { input: pem });
    expect(thumbprintOf(new Uint8Array(der))).toBe(thumbprint);
  });
});

describe('readCertificates', () => {
  it('reads PEM and DER to the same DER', () => {
    const [fromPem] = readCertificates(fixture('root-ca.pem'), 'root-ca.pem');
    const [fromDer] = readCertificates(fixture('root-ca.cer'), 'root-ca.cer');
    expect(Buffer.from(fromPem!).equals(Buffer.from(fromDer!))).toBe(true);
  });

  it('rejects a file that is not a certificate', () => {
    expect(errorOf(() => readCertificates(fixture('not-a-cert.cer'), 'not-a-cert.cer')).code).toBe('CMTSMEDIA_E_CERTIFICATE');
    expect(errorOf(() => readCertificates(new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'x')).code).toBe('CMTSMEDIA_E_CERTIFICATE');
  });
});

/**
 * A PFX with its iteration counts rewritten (issue 15 item 3): every INTEGER 2048 (OpenSSL's
 * default count) becomes `count`, in the MAC only or everywhere, nested DER included. forge's ASN.1
 * codec re-encodes the lengths; the file is otherwise what OpenSSL wrote.
 */
function withIterations(pfx: Uint8Array, count: number, where: 'mac' | 'all'): Uint8Array {
  const old = forge.asn1.integerToDer(2048).getBytes();
  const patch = (node: forge.asn1.Asn1, depth: number): void => {
    if (node.type === forge.asn1.Type.INTEGER && node.value === old) node.value = forge.asn1.integerToDer(count).getBytes();
    if (Array.isArray(node.value)) {
      // the MAC's count is the last field of MacData, the PFX's third element
      if (where === 'mac' && depth === 0) patch((node.value[2] as forge.asn1.Asn1).value.at(-1) as forge.asn1.Asn1, 1);
      else if (where === 'all') for (const child of node.value) patch(child, depth + 1);
    } else if (where === 'all' && node.type === forge.asn1.Type.OCTETSTRING && typeof node.value === 'string') {
      try {
        const inner = forge.asn1.fromDer(node.value);
        patch(inner, depth + 1);
        node.value = forge.asn1.toDer(inner).getBytes();
      } catch {
        // not DER: encrypted bytes or a salt
      }
    }
  };
  const root = forge.asn1.fromDer(Buffer.from(pfx).toString('binary'));
  patch(root, 0);
  return new Uint8Array(Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary'));
}

describe('hostile PFX: iteration counts from the file are bounded (certs/kdf.ts)', () => {
  const thumbprint = readFileSync(join(fixtures, 'client.thumbprint'), 'utf8').trim();
  const good = fixture('client-openssl3.pfx');
  /** The fixture's key and certificate exported again by OpenSSL with `options`. */
  const exportWith = (name: string, options: string[]): Uint8Array => {
    const pem = join(scratch, 'client.pem');
    const file = join(scratch, `${name}.pfx`);
    openssl(['pkcs12', '-in', join(fixtures, 'client-openssl3.pfx'), '-passin', 'pass:Fixture-Pass1', '-nodes', '-out', pem]);
    openssl(['pkcs12', '-export', '-in', pem, '-passout', 'pass:Fixture-Pass1', '-out', file, ...options]);
    return new Uint8Array(readFileSync(file));
  };
  const noMac = (): Uint8Array => exportWith('nomac', ['-nomac']);

  it('a MAC count of 2^31-1 is CMTSMEDIA_E_CERTIFICATE at once, naming the file and the limit', async () => {
    const err = await rejectionOf(importPfx(withIterations(good, 2 ** 31 - 1, 'mac'), 'Fixture-Pass1', '/site/media.pfx'));
    expect(err.code).toBe('CMTSMEDIA_E_CERTIFICATE');
    expect(err.detail).toBe('/site/media.pfx: its integrity MAC asks for 2147483647 iterations (2147483647 in all); CmTsMedia accepts at most 300000 per derivation and 1000000 in all (docs/certificates.md)');
  });

  it('a PBKDF2 count of 2^31-1 in a PFX without a MAC is refused the same way, whatever the password', async () => {
    const hostile = withIterations(noMac(), 2 ** 31 - 1, 'all');
    for (const password of ['Fixture-Pass1', 'wrong']) {
      const err = await rejectionOf(importPfx(hostile, password, 'x.pfx'));
      expect(err.code).toBe('CMTSMEDIA_E_CERTIFICATE');
      expect(err.detail).toMatch(/^x\.pfx: its key derivation asks for 2147483647 iterations/);
    }
  });

  it('counts within the limits still open (300,000 each), and the sum over the file is bounded too', async () => {
    // PBES2: the MAC and one PBKDF2 per bag, 900,000 in all
    expect((await importPfx(exportWith('i300k', ['-iter', '300000']), 'Fixture-Pass1')).thumbprint).toBe(thumbprint);
    // PKCS#12 3DES: a key and an IV derivation per bag; the key bag's key would make 1,200,000
    const pbe = exportWith('i300k-3des', ['-iter', '300000', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
    const err = await rejectionOf(importPfx(pbe, 'Fixture-Pass1', 'all.pfx'));
    expect(err.code).toBe('CMTSMEDIA_E_CERTIFICATE');
    expect(err.detail).toMatch(/^all\.pfx: its key derivation asks for 300000 iterations \(1200000 in all\)/);
  });

  it('a derivation in progress is canceled by the request signal', async () => {
    const controller = new AbortController();
    setImmediate(() => controller.abort(new CmTsError('E_CANCELLED')));
    const err = await rejectionOf(importPfx(exportWith('i300k', ['-iter', '300000']), 'Fixture-Pass1', 'x.pfx', controller.signal));
    expect(err.code).toBe('E_CANCELLED');
  });
});
