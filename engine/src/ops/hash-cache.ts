/**
 * SHA-256 digests of boot images, remembered between creations (docs/performance.md "Hash cache"):
 * the media manifest needs the digest of every file, hashing a 1 GiB boot.wim costs 0.6
 * CPU-seconds, and admins make many media from one boot image. A digest is keyed by the file's
 * identity: device, inode, size, and modification and change times in nanoseconds. Any write to
 * the file, or a rename over it, changes one of them (the change time is set by the kernel, not by
 * the writer), so a changed file never matches. Kept in the state folder and read only if the
 * engine may trust it (system/trust.ts); at most `maxEntries`, the newest kept.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { stateFolder } from '../system/state-root.js';
import { readTrustedFile, writePrivateFile } from '../system/trust.js';

const maxEntries = 32;
/**
 * A file changed less than this long ago is not remembered ("racy clean", as git calls it): a
 * write in the same timestamp step as the last one leaves the identity as it was (Linux stamps
 * files from a clock that moves in ticks of a few milliseconds; FAT in steps of up to 2 s).
 */
const settleMs = 2_000;
const maxCacheBytes = 64 << 10;

type Entries = Record<string, string>;

const cachePath = (): string => join(stateFolder('cache'), 'sha256.json');

/** The identity of a regular file, or undefined when the file system gives no inode to tell files apart. */
export function fileIdentity(path: string): string | undefined {
  try {
    const info = statSync(path, { bigint: true });
    if (!info.isFile() || info.ino === 0n) return undefined;
    return [info.dev, info.ino, info.size, info.mtimeNs, info.ctimeNs].join(':');
  } catch {
    return undefined;
  }
}

/** Whether a file of this identity was last changed long enough ago to be remembered (settleMs). */
export function identitySettled(identity: string, now = Date.now()): boolean {
  const [mtimeNs, ctimeNs] = identity.split(':').slice(-2).map(BigInt) as [bigint, bigint];
  const latestMs = Number((mtimeNs > ctimeNs ? mtimeNs : ctimeNs) / 1_000_000n);
  return now - latestMs >= settleMs;
}

function readEntries(): Entries {
  try {
    const read = readTrustedFile(cachePath(), maxCacheBytes);
    if (!('text' in read)) return {};
    const parsed: unknown = JSON.parse(read.text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v))) as Entries;
  } catch {
    return {};
  }
}

/** The digest remembered for a file of this identity, if any. */
export function cachedSha256(identity: string): string | undefined {
  const entries = readEntries();
  return Object.hasOwn(entries, identity) ? entries[identity] : undefined;
}

/** Remembers a digest; a cache that cannot be written is only a slower next creation. */
export function rememberSha256(identity: string, sha256: string): void {
  try {
    const entries = readEntries();
    delete entries[identity];
    const kept = Object.entries(entries).slice(-(maxEntries - 1));
    writePrivateFile(cachePath(), JSON.stringify(Object.fromEntries([...kept, [identity, sha256]])));
  } catch {
    // the next creation hashes the file again
  }
}
