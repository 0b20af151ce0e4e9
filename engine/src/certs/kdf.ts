/**
 * The password-based key derivations of a PFX (RFC 7292 appendix B for the MAC and the PKCS#12 PBE
 * schemes, PBKDF2 of RFC 8018 for PBES2) run off node-forge's synchronous code: their iteration
 * counts come from the file itself, unauthenticated, so a crafted PFX of a few hundred bytes asking
 * for 2^31-1 iterations would otherwise hold the engine for half an hour, deaf to cancel and SIGTERM.
 *
 * forge's PFX reader is run with its three derivation functions replaced: a derivation already
 * computed is answered from a cache, any other stops the reader (NeedDerivation). That derivation
 * is checked against the limits, computed asynchronously (PBKDF2 on libuv's pool, the PKCS#12 KDF
 * in slices between which the event loop runs: progress, heartbeat, cancel), and the reader runs
 * again. A PFX has a handful of derivations; re-reading the ASN.1 is cheap. The media PFX that
 * exportPfx writes has its derivations computed by node:crypto as well (withNativeKdf), at once:
 * its counts are the engine's own.
 *
 * Limits (docs/certificates.md): at most 300,000 iterations per derivation (the MAC's included) and
 * 1,000,000 in all, the defaults of .NET's Pkcs12LoaderLimits (MacIterationLimit,
 * IndividualKdfIterationLimit, TotalKdfIterationLimit) that Windows PowerShell hosts load PFX files
 * with. OpenSSL 3 and Windows write 2,048 or 2,000.
 */
import { createHash, hash, pbkdf2 } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import forge from 'node-forge';
import { CmTsError } from '../errors/index.js';

export const pfxKdfLimits = { perDerivation: 300_000, total: 1_000_000 } as const;

interface Derivation {
  kind: 'pkcs12' | 'pbkdf2';
  /** A binary string (forge's byte strings); for PKCS#12 the password string itself. */
  password: string | null;
  salt: string;
  /** PKCS#12 diversifier: 1 key, 2 IV, 3 MAC. */
  id: number;
  iterations: number;
  bytes: number;
  md: string;
}

type Pkcs12Key = (password: string | null, salt: forge.util.ByteStringBuffer, id: number, iterations: number, bytes: number, md?: forge.md.MessageDigest) => forge.util.ByteStringBuffer;
/** forge's PBE helpers (lib/pbe.js), missing from its type declarations. */
const pbe = (forge.pki as unknown as { pbe: { generatePkcs12Key: Pkcs12Key } }).pbe;

class NeedDerivation {
  constructor(readonly derivation: Derivation) {}
}

const keyOf = (d: Derivation): string => JSON.stringify(d);
const mdName = (md: forge.md.MessageDigest | undefined | null): string => (md ? md.algorithm : 'sha1');
const nodeDigest: Record<string, string> = { sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', 'sha512/224': 'sha512-224', 'sha512/256': 'sha512-256', md5: 'md5' };

/** RFC 7292 B.2 with node:crypto; yields after every `sliceRounds` hash rounds (where an asynchronous caller lets the event loop run). */
function* pkcs12Kdf(d: Derivation): Generator<void, string> {
  const digest = nodeDigest[d.md]!;
  const u = createHash(digest).digest().length;
  const v = d.md === 'sha384' || d.md.startsWith('sha512') ? 128 : 64;
  const pass = d.password === null ? Buffer.alloc(0) : Buffer.concat([Buffer.from(d.password, 'utf16le').swap16(), Buffer.alloc(2)]);
  const salt = Buffer.from(d.salt, 'latin1');
  const repeat = (b: Buffer, length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => b[i % b.length]!));
  const I = Buffer.concat([repeat(salt, v * Math.ceil(salt.length / v)), repeat(pass, v * Math.ceil(pass.length / v))]);
  const D = Buffer.alloc(v, d.id);
  const out: Buffer[] = [];
  for (let i = 0; i < Math.ceil(d.bytes / u); i++) {
    let a = Buffer.concat([D, I]);
    for (let round = 0; round < d.iterations; round++) {
      a = hash(digest, a, 'buffer');
      if (round % sliceRounds === sliceRounds - 1) yield;
    }
    out.push(a);
    const B = repeat(a, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, d.bytes).toString('latin1');
}

const sliceRounds = 4096;

async function pkcs12KdfSliced(d: Derivation, signal: AbortSignal | undefined): Promise<string> {
  const steps = pkcs12Kdf(d);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await yieldToEventLoop();
    signal?.throwIfAborted();
  }
}

function pkcs12KdfSync(d: Derivation): string {
  const steps = pkcs12Kdf(d);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

function derive(d: Derivation, signal: AbortSignal | undefined): Promise<string> {
  if (d.kind === 'pkcs12') return pkcs12KdfSliced(d, signal);
  return new Promise((resolve, reject) =>
    pbkdf2(Buffer.from(d.password ?? '', 'latin1'), Buffer.from(d.salt, 'latin1'), d.iterations, d.bytes, nodeDigest[d.md]!, (err, key) => (err ? reject(err) : resolve(key.toString('latin1')))),
  );
}

/** Whether this process computes `d` itself; forge computes what node:crypto cannot match byte for byte. */
const supported = (d: Derivation): boolean => d.md in nodeDigest && (d.kind === 'pkcs12' || !/[^\x00-\xff]/.test(d.password ?? ''));

/**
 * Runs `read` (forge's PFX reader) with the derivations answered as above. `origin` names the file
 * in the typed error (CMTSMEDIA_E_CERTIFICATE) for a count over the limits.
 */
export async function withBoundedKdf<T>(read: () => T, origin: string, signal?: AbortSignal): Promise<T> {
  const cache = new Map<string, string>();
  let total = 0;
  for (;;) {
    signal?.throwIfAborted();
    const outcome = hooked(read, cache);
    if (!(outcome instanceof NeedDerivation)) return outcome.value;
    const d = outcome.derivation;
    total += d.iterations;
    if (!(d.iterations >= 1) || d.iterations > pfxKdfLimits.perDerivation || total > pfxKdfLimits.total) {
      const what = d.id === 3 && d.kind === 'pkcs12' ? 'integrity MAC' : 'key derivation';
      throw new CmTsError('CMTSMEDIA_E_CERTIFICATE', `${origin}: its ${what} asks for ${d.iterations} iterations (${total} in all); CmTsMedia accepts at most ${pfxKdfLimits.perDerivation} per derivation and ${pfxKdfLimits.total} in all (docs/certificates.md)`);
    }
    cache.set(keyOf(d), await derive(d, signal));
  }
}

type Outcome<T> = { value: T } | NeedDerivation;

/** forge's own derivation functions, before any hook (forge.pkcs12.generateKey is pbe.generatePkcs12Key). */
const forgeKdf = { pkcs12Key: pbe.generatePkcs12Key, pbkdf2: forge.pkcs5.pbkdf2 };

/** A derivation computed by forge itself, synchronously. */
function forgeDerive(d: Derivation): string {
  const md = forge.md[d.md as 'sha1'].create();
  return d.kind === 'pkcs12'
    ? forgeKdf.pkcs12Key(d.password as string, forge.util.createBuffer(d.salt), d.id, d.iterations, d.bytes, md).getBytes()
    : forgeKdf.pbkdf2(d.password ?? '', d.salt, d.iterations, d.bytes, md);
}

/** Runs `fn` with forge's three derivation functions answered by `answer`; forge's own are back when it returns or throws. */
function withDerivations<T>(answer: (d: Derivation) => string, fn: () => T): T {
  const pkcs12 = (password: string | null, salt: forge.util.ByteStringBuffer, id: number, iterations: number, bytes: number, md?: forge.md.MessageDigest) =>
    forge.util.createBuffer(answer({ kind: 'pkcs12', password: password ?? null, salt: salt.bytes(), id, iterations, bytes, md: mdName(md) }));
  const pbkdf2Hook = (password: string, salt: string, iterations: number, bytes: number, md?: string | forge.md.MessageDigest) =>
    answer({ kind: 'pbkdf2', password, salt, id: 0, iterations, bytes, md: typeof md === 'string' ? md : mdName(md) });
  Object.assign(forge.pkcs12, { generateKey: pkcs12 });
  Object.assign(pbe, { generatePkcs12Key: pkcs12 });
  Object.assign(forge.pkcs5, { pbkdf2: pbkdf2Hook });
  try {
    return fn();
  } finally {
    Object.assign(forge.pkcs12, { generateKey: forgeKdf.pkcs12Key });
    Object.assign(pbe, { generatePkcs12Key: forgeKdf.pkcs12Key });
    Object.assign(forge.pkcs5, { pbkdf2: forgeKdf.pbkdf2 });
  }
}

function hooked<T>(read: () => T, cache: Map<string, string>): Outcome<T> {
  const answer = (d: Derivation): string => {
    const known = cache.get(keyOf(d));
    if (known !== undefined) return known;
    if (!supported(d) && d.iterations >= 1 && d.iterations <= pfxKdfLimits.perDerivation) {
      // computed by forge itself, synchronously, within the limits
      const key = forgeDerive(d);
      cache.set(keyOf(d), key);
      return key;
    }
    throw new NeedDerivation(d);
  };
  try {
    return { value: withDerivations(answer, read) };
  } catch (err) {
    if (err instanceof NeedDerivation) return err;
    throw err;
  }
}

/**
 * Runs `write` (forge's PFX writer) with the PKCS#12 derivations computed by node:crypto: the same
 * bytes, about 40 ms less of the main thread for a media PFX than forge's JavaScript SHA-1
 * (docs/performance.md "Fixed costs"). The counts are the writer's own, so no limit applies.
 */
export function withNativeKdf<T>(write: () => T): T {
  return withDerivations((d) => (d.kind === 'pkcs12' && supported(d) ? pkcs12KdfSync(d) : forgeDerive(d)), write);
}
