/**
 * FAT names (fatgen103 "FAT Long Directory Entries" and "Name Matching In Short & Long Names"):
 * every file gets an 8.3 short name; a long name is stored in LFN entries whenever the name is not
 * exactly its own short name. Short names are ASCII only (no OEM code page is assumed).
 */
import { CmTsError } from '../../errors/index.js';
import { lastLongEntry, longDirEntry } from './structures.js';

/** Characters fatgen103 allows in a short name besides A-Z and 0-9 (bytes > 127 are not used here). */
const shortSpecials = "$%'-_@~`!(){}^#&";
/** Characters a long name may not contain (fatgen103: the short-name set plus + , ; = [ ] . and space). */
const longForbidden = /[\u0000-\u001f"*/:<>?\\|]/;
export const maxLongNameChars = 255;
const lfnCharsPerEntry = 13;

function isShortChar(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || shortSpecials.includes(c);
}

/** The 11-byte DIR_Name form ("NAME    EXT") of a short name. */
export function shortNameField(base: string, ext: string): Uint8Array {
  const out = new Uint8Array(11).fill(0x20);
  for (let i = 0; i < base.length; i++) out[i] = base.charCodeAt(i);
  for (let i = 0; i < ext.length; i++) out[8 + i] = ext.charCodeAt(i);
  return out;
}

/** fatgen103 "Checksum generation": rotate right, add the next byte, over the 11 name bytes. */
export function shortNameChecksum(name: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = ((sum & 1 ? 0x80 : 0) + (sum >> 1) + name[i]!) & 0xff;
  return sum;
}

/** Rejects names no FAT driver accepts; the message names the path. */
export function checkLongName(name: string, path: string): void {
  if (name.length === 0 || name.length > maxLongNameChars || longForbidden.test(name) || /[. ]$/.test(name) || name === '.' || name === '..') {
    throw new CmTsError('E_INVALIDARG', `"${path}" is not a valid FAT file name (1-${maxLongNameChars} characters, none of " * / : < > ? \\ |, no trailing dot or space)`);
  }
}

export interface FatName {
  /** DIR_Name (11 bytes). */
  readonly short: Uint8Array;
  /** The name to store in LFN entries, or null when the short name is the name. */
  readonly long: string | null;
}

/**
 * Assigns the short name of `name` in a directory whose short names so far are `used` (as
 * "NAME    EXT" latin1 strings; this function adds the new one). fatgen103 "The Basis-Name
 * Generation Algorithm" + "The Numeric-Tail Generation Algorithm".
 */
export function assignFatName(name: string, used: Set<string>): FatName {
  const upper = name.toUpperCase();
  // Step 1-2: map to the short alphabet ("lossy" when a character is replaced), drop spaces and leading dots.
  let lossy = false;
  const map = (s: string): string =>
    [...s]
      .filter((c) => c !== ' ')
      .map((c) => {
        if (isShortChar(c)) return c;
        lossy = true;
        return '_';
      })
      .join('');
  const stripped = upper.replace(/^\.+/, '');
  const lastDot = stripped.lastIndexOf('.');
  const primary = map((lastDot >= 0 ? stripped.slice(0, lastDot) : stripped).replaceAll('.', ''));
  const extension = map(lastDot >= 0 ? stripped.slice(lastDot + 1) : '');
  const base = primary.slice(0, 8);
  const ext = extension.slice(0, 3);
  const fits = !lossy && primary.length <= 8 && extension.length <= 3 && primary.length > 0 &&
    upper === (ext ? `${primary}.${extension}` : primary) && upper.indexOf('.') === upper.lastIndexOf('.');

  const key = (b: string): string => String.fromCharCode(...shortNameField(b, ext));
  if (fits && !used.has(key(base))) {
    used.add(key(base));
    return { short: shortNameField(base, ext), long: name === upper ? null : name };
  }
  // Numeric tail "~n": the basis is shortened so that basis + tail fit in 8 characters.
  const basis = base.length > 0 ? base : '_';
  for (let n = 1; n < 1_000_000; n++) {
    const tail = `~${n}`;
    const candidate = basis.slice(0, 8 - tail.length) + tail;
    if (!used.has(key(candidate))) {
      used.add(key(candidate));
      return { short: shortNameField(candidate, ext), long: name };
    }
  }
  throw new CmTsError('E_INVALIDARG', `too many names like "${name}" in one folder`);
}

/** Number of LFN entries a long name needs. */
export function longEntryCount(long: string | null): number {
  return long === null ? 0 : Math.ceil(long.length / lfnCharsPerEntry);
}

/**
 * Encodes the LFN entries of `long` at `target[offset..]`, in on-disk order (last piece first, its
 * LDIR_Ord ORed with 0x40). The name is NUL-terminated when it does not fill its last entry, then
 * padded with 0xFFFF.
 */
export function encodeLongEntries(long: string, checksum: number, target: Uint8Array, offset: number): number {
  const count = longEntryCount(long);
  const piece = new Uint8Array(26);
  for (let k = count; k >= 1; k--) {
    piece.fill(0xff);
    for (let i = 0; i < lfnCharsPerEntry; i++) {
      const at = (k - 1) * lfnCharsPerEntry + i;
      if (at > long.length) break;
      const c = at < long.length ? long.charCodeAt(at) : 0;
      piece[2 * i] = c & 0xff;
      piece[2 * i + 1] = c >> 8;
    }
    longDirEntry.encode(
      {
        LDIR_Ord: k | (k === count ? lastLongEntry : 0),
        LDIR_Name1: piece.subarray(0, 10),
        LDIR_Chksum: checksum,
        LDIR_Name2: piece.subarray(10, 22),
        LDIR_Name3: piece.subarray(22, 26),
      },
      target,
      offset + (count - k) * longDirEntry.sizeBytes,
    );
  }
  return count * longDirEntry.sizeBytes;
}

/**
 * The volume label (BS_VolLab and the root's ATTR_VOLUME_ID entry): the first 11 characters of the
 * media label, upper-cased; characters outside the short-name alphabet (and not a space) become '_';
 * leading spaces are dropped; an empty result is "NO NAME" (what Windows and mkfs.fat write).
 */
export function fatVolumeLabel(mediaLabel: string): string {
  const label = [...mediaLabel.replace(/^ +/, '').slice(0, 11).toUpperCase()]
    .map((c) => (c === ' ' || isShortChar(c) ? c : '_'))
    .join('')
    .replace(/ +$/, '');
  return label.length > 0 ? label : 'NO NAME';
}
