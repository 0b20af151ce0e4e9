/**
 * Certificates for boot media (docs/site-catalog.md "Media certificate"): the self-signed media certificate, PFX import and the
 * PKCS#12 re-export that goes into `_SMSTSMediaPFX`, and PEM/DER certificate files of the site
 * catalog. The only module that imports node-forge; everything crosses its boundary as Uint8Array.
 */
import { constants, createHash, createPublicKey, type KeyObject, privateEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { CmTsError } from '../errors/index.js';
import { withBoundedKdf, withNativeKdf } from './kdf.js';
import { generateMediaKeyPair } from './key-pair.js';

/** A certificate with its RSA private key, as the media carries it. */
export interface MediaCertificate {
  readonly certificateDer: Uint8Array;
  /** PKCS#8 PrivateKeyInfo, DER. */
  readonly privateKeyDer: Uint8Array;
  /** SHA-1 of the DER certificate, uppercase hex (what Windows shows as the thumbprint). */
  readonly thumbprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** True when the certificate may be used for client authentication (no EKU, anyExtendedKeyUsage or 1.3.6.1.5.5.7.3.2). */
  readonly clientAuthentication: boolean;
}

export interface ExportedPfx {
  readonly pfx: Uint8Array;
  readonly thumbprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly certificateDer: Uint8Array;
}

export interface MediaCertificateOptions {
  /** NotBefore; default `now`. SDK CertValidStart. */
  readonly validFrom?: Date;
  /** NotAfter; default `now` + 1 year. SDK CertValidEnd. */
  readonly validTo?: Date;
  readonly now?: Date;
  /** Randomness for the serial number (tests inject it); the RSA key always comes from Node's crypto. */
  readonly random?: (bytes: number) => Uint8Array;
  /** The RSA-2048 private key, when its generation was started early (key-pair.ts); a new one otherwise. */
  readonly privateKey?: Promise<KeyObject>;
  /** Subject common name. ConfigMgr's own profile is not public (docs/site-catalog.md "Media certificate"). */
  readonly commonName?: string;
}

export const defaultMediaCertificateName = 'SMS Media Certificate';
const clientAuthOid = '1.3.6.1.5.5.7.3.2';
const anyExtendedKeyUsageOid = '2.5.29.37.0';

// forge keeps bytes in "binary" strings (one char per byte).
const toBinary = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
const fromBinary = (binary: string): Uint8Array => new Uint8Array(Buffer.from(binary, 'binary'));

/**
 * forge feeds PBES2's PBKDF2 the password's UTF-16 code units cut to bytes, while RFC 8018 §3
 * (and OpenSSL 3, whose default PFX is PBES2) use UTF-8: a non-ASCII password would not open an
 * OpenSSL- or Windows-made PFX. PKCS#12's own KDF (MAC, 3DES bags) takes BMPString, which forge does right.
 */
type Pbes2 = (oid: string, params: unknown, password: string) => unknown;
const pbe = (forge.pki as unknown as { pbe: { getCipherForPBES2: Pbes2 & { utf8?: true } } }).pbe;
if (!pbe.getCipherForPBES2.utf8) {
  const original = pbe.getCipherForPBES2;
  const patched: Pbes2 & { utf8?: true } = (oid, params, password) => original(oid, params, forge.util.encodeUtf8(password));
  patched.utf8 = true;
  pbe.getCipherForPBES2 = patched;
}

export function thumbprintOf(certificateDer: Uint8Array): string {
  return createHash('sha1').update(certificateDer).digest('hex').toUpperCase();
}

/** X.509 Time has whole seconds (RFC 5280 §4.1.2.5): the certificate carries the requested times truncated to the second. */
const wholeSeconds = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

/**
 * The default end of a self-signed media certificate: one calendar year after its start, as the
 * console's media wizard proposes it and as .NET's DateTime.AddYears(1) counts (29 February gives
 * 28 February of the next year). docs/site-catalog.md, "Media certificate".
 */
export function defaultCertificateValidEnd(validFrom: Date): Date {
  const end = new Date(validFrom.getTime());
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCFullYear(end.getUTCFullYear() + 1);
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}

/**
 * The self-signed media certificate (docs/site-catalog.md "Media certificate"): RSA-2048, sha256WithRSAEncryption, Client
 * Authentication EKU, digitalSignature + keyEncipherment, random 128-bit serial, NotBefore/NotAfter
 * exactly `validFrom`/`validTo` (to the second). Start >= end, or an end in the past, is E_INVALIDARG.
 */
export async function createMediaCertificate(options: MediaCertificateOptions = {}): Promise<MediaCertificate> {
  const now = options.now ?? new Date();
  const requestedFrom = options.validFrom ?? now;
  const requestedTo = options.validTo ?? defaultCertificateValidEnd(requestedFrom);
  for (const [name, date] of [['CertificateValidStart', requestedFrom], ['CertificateValidEnd', requestedTo]] as const) {
    if (Number.isNaN(date.getTime())) throw new CmTsError('E_INVALIDARG', `${name} is not a valid date`);
  }
  const notBefore = wholeSeconds(requestedFrom);
  const notAfter = wholeSeconds(requestedTo);
  if (notBefore.getTime() >= notAfter.getTime()) {
    throw new CmTsError('E_INVALIDARG', `CertificateValidStart (${requestedFrom.toISOString()}) must be earlier than CertificateValidEnd (${requestedTo.toISOString()})`);
  }
  if (notAfter.getTime() <= now.getTime()) {
    throw new CmTsError('E_INVALIDARG', `CertificateValidEnd (${requestedTo.toISOString()}) is in the past`);
  }
  if (notAfter.getUTCFullYear() > 9999 || notBefore.getUTCFullYear() < 1950) {
    throw new CmTsError('E_INVALIDARG', 'CertificateValidStart and CertificateValidEnd must lie between 1950 and 9999');
  }

  const native = await (options.privateKey ?? generateMediaKeyPair());
  const privateKeyDer = new Uint8Array(native.export({ type: 'pkcs8', format: 'der' }));
  const publicKeyDer = new Uint8Array(createPublicKey(native).export({ type: 'spki', format: 'der' }));
  const serial = (options.random ?? randomBytes)(16);
  // A positive INTEGER without a leading zero octet (RFC 5280 §4.1.2.2).
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(toBinary(publicKeyDer)));
  cert.serialNumber = Buffer.from(serial).toString('hex');
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const name = [{ name: 'commonName', value: options.commonName ?? defaultMediaCertificateName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nativeSigner(native), forge.md.sha256.create());
  return toMediaCertificate(cert, privateKeyDer);
}

/** DER DigestInfo prefix of a SHA-256 digest (RFC 8017 §9.2, note 1). */
const sha256DigestInfo = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * The private key as forge's cert.sign() uses it (it calls only `sign`), the RSA operation done by
 * Node's OpenSSL: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) is DigestInfo with type-1 padding under the
 * private key, which is what privateEncrypt with RSA_PKCS1_PADDING computes. The signature is the same bytes forge's
 * own JavaScript RSA gives (the scheme is deterministic); that took 100-150 ms of a cold engine's
 * main thread, this takes about 2 ms (docs/performance.md "Fixed costs").
 */
function nativeSigner(native: KeyObject): forge.pki.rsa.PrivateKey {
  const sign = (md: forge.md.MessageDigest): string => {
    if (md.algorithm !== 'sha256') throw new CmTsError('E_UNEXPECTED', `certificate digest ${md.algorithm} is not SHA-256`);
    const digest = Buffer.from(md.digest().getBytes(), 'binary');
    return privateEncrypt({ key: native, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([sha256DigestInfo, digest])).toString('binary');
  };
  return { sign } as unknown as forge.pki.rsa.PrivateKey;
}

/** PKCS#8 PrivateKeyInfo, DER, of a key forge read. */
const pkcs8Of = (key: forge.pki.rsa.PrivateKey): Uint8Array => fromBinary(forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))).getBytes());

function toMediaCertificate(cert: forge.pki.Certificate, privateKeyDer: Uint8Array): MediaCertificate {
  const certificateDer = fromBinary(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
  const eku = cert.getExtension('extKeyUsage') as Record<string, unknown> | null;
  const clientAuthentication = !eku || eku['clientAuth'] === true || eku[clientAuthOid] === true || eku[anyExtendedKeyUsageOid] === true;
  return {
    certificateDer,
    privateKeyDer,
    thumbprint: thumbprintOf(certificateDer),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    clientAuthentication,
  };
}

/**
 * Opens a PFX given with CertPath/CertPassword (SDK order; docs/site-catalog.md "Media certificate", "Importing a PFX"):
 * the wrong password is CREATETSMEDIA_E_CERTPASSWORD; no certificate paired with a private key is
 * CREATETSMEDIA_E_PRIVATEKEY; bytes that are not PKCS#12, or a non-RSA key, are CMTSMEDIA_E_CERTIFICATE
 * with `origin` (the file name) as the detail. Of several certificates the one whose public key
 * matches the private key is the media certificate; the chain is not carried. The password-based
 * derivations run bounded and asynchronously (kdf.ts): a count over the limits is
 * CMTSMEDIA_E_CERTIFICATE, and `signal` cancels the work between slices.
 */
export async function importPfx(bytes: Uint8Array, password: string | undefined, origin = 'PFX', signal?: AbortSignal): Promise<MediaCertificate> {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(toBinary(bytes), false);
    p12 = await withBoundedKdf(() => forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? ''), origin, signal);
  } catch (err) {
    if (err instanceof CmTsError || signal?.aborted) throw err;
    const text = err instanceof Error ? err.message : String(err);
    // forge: "PKCS#12 MAC could not be verified. Invalid password?" (integrity), "Unable to decrypt
    // PKCS#8 ShroudedKeyBag, wrong password?" / "Failed to decrypt PKCS#12 SafeContents." (no MAC).
    if (/password|decrypt/i.test(text)) throw new CmTsError('CREATETSMEDIA_E_CERTPASSWORD', '', undefined, { cause: err });
    throw new CmTsError('CMTSMEDIA_E_CERTIFICATE', `${origin} is not a PKCS#12 (PFX) file that can be read`, undefined, { cause: err });
  }
  const bagsOf = (bagType: string): forge.pkcs12.Bag[] => p12.getBags({ bagType })[bagType] ?? [];
  const keyBags = [...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOf(forge.pki.oids.keyBag!)];
  const certs = bagsOf(forge.pki.oids.certBag!).map((bag) => bag.cert).filter((c): c is forge.pki.Certificate => !!c);
  if (keyBags.some((bag) => !bag.key)) {
    throw new CmTsError('CMTSMEDIA_E_CERTIFICATE', `${origin}: the private key is not an RSA key`);
  }
  for (const bag of keyBags) {
    const key = bag.key as forge.pki.rsa.PrivateKey;
    const cert = certs.find((c) => {
      const pub = c.publicKey as forge.pki.rsa.PublicKey;
      return pub.n !== undefined && pub.n.equals(key.n) && pub.e.equals(key.e);
    });
    if (cert) return toMediaCertificate(cert, pkcs8Of(key));
  }
  throw new CmTsError('CREATETSMEDIA_E_PRIVATEKEY');
}

/**
 * PKCS#12 of the media certificate and its key under `password` (for `_SMSTSMediaPFX`, the first
 * 31 characters of the media GUID). Algorithms: the key bag is pbeWithSHAAnd3-KeyTripleDES-CBC
 * with 2048 iterations, the certificate bag is unencrypted, the MAC is HMAC-SHA1. Every Windows
 * PFXImportCertStore (CryptoAPI and CNG, WinPE of any ADK) reads that, while PBES2/AES key bags need
 * Windows 10 1709 or later; OpenSSL 3 reads 3DES in its default provider (only RC2/RC4/DES need
 * -legacy), and forge never emits the RC2-40 certificate bag that OpenSSL 3 rejects (docs/site-catalog.md
 * "Media certificate", "Re-export").
 */
export function exportPfx(cert: MediaCertificate, password: string, friendlyName = defaultMediaCertificateName): ExportedPfx {
  const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinary(cert.privateKeyDer))) as forge.pki.rsa.PrivateKey;
  const x509 = forge.pki.certificateFromAsn1(forge.asn1.fromDer(toBinary(cert.certificateDer)));
  const asn1 = withNativeKdf(() => forge.pkcs12.toPkcs12Asn1(key, [x509], password, {
    algorithm: '3des',
    count: 2048,
    friendlyName,
    generateLocalKeyId: true,
  }));
  return {
    pfx: fromBinary(forge.asn1.toDer(asn1).getBytes()),
    thumbprint: cert.thumbprint,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    certificateDer: cert.certificateDer,
  };
}

const pemBlock = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * The certificates of a .cer/.crt/.pem file: every PEM "CERTIFICATE" block, or one DER certificate.
 * Anything else is CMTSMEDIA_E_CERTIFICATE (the site catalog maps it to its SDK error).
 */
export function readCertificates(bytes: Uint8Array, origin: string): Uint8Array[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const ders = text.includes('-----BEGIN')
    ? [...text.matchAll(pemBlock)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')))
    : [bytes];
  if (ders.length === 0) throw new CmTsError('CMTSMEDIA_E_CERTIFICATE', `${origin} holds no PEM CERTIFICATE block`);
  for (const der of ders) {
    try {
      new X509Certificate(der);
    } catch (err) {
      throw new CmTsError('CMTSMEDIA_E_CERTIFICATE', `${origin} is not a PEM or DER X.509 certificate`, undefined, { cause: err });
    }
  }
  return ders;
}
