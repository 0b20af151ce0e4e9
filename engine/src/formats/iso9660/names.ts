/**
 * Names for the ISO 9660 tree (ECMA-119 7.4-7.6): d-characters, deterministic and collision-free.
 * The mapping is documented in docs/iso.md; change both together.
 */
import { dCharacters } from '../binary/index.js';

/** A name split the ECMA-119 9.3 way: the part before the last dot and the extension. */
export interface SplitName {
  stem: string;
  ext: string;
}

export function splitAtLastDot(name: string): SplitName {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? { stem: name, ext: '' } : { stem: name.slice(0, dot), ext: name.slice(dot + 1) };
}

/** ECMA-119 9.3 order: by name, then extension (the shorter padded with spaces), code unit by code unit. */
export function compareSplitNames(a: SplitName, b: SplitName): number {
  return comparePadded(a.stem, b.stem) || comparePadded(a.ext, b.ext);
}

function comparePadded(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a.charCodeAt(i) : 0x20;
    const y = i < b.length ? b.charCodeAt(i) : 0x20;
    if (x !== y) return x - y;
  }
  return 0;
}

/** Upper case, accents dropped (NFKD), every other non-d-character becomes `_`. */
export function toDCharacters(text: string): string {
  // ASCII needs no decomposition (and the first normalize() call loads ICU data: ~10 ms)
  const folded = /^[\x00-\x7f]*$/.test(text) ? text.toUpperCase() : text.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase();
  let out = '';
  for (const c of folded) out += dCharacters.includes(c) ? c : '_';
  return out;
}

/** ECMA-119 7.5.1: file name + extension at most 30 characters (levels 2 and 3); 7.6.3: directory identifier at most 31. */
export const maxFileNameAndExtension = 30;
export const maxExtension = 8;
export const maxDirectoryIdentifier = 31;
/** ECMA-119 8.4.12: the volume identifier field holds 32 d-characters. */
export const maxVolumeIdentifier = 32;

export function isoVolumeIdentifier(label: string): string {
  return toDCharacters(label).slice(0, maxVolumeIdentifier);
}

/**
 * Gives every entry of one directory a unique name. `proposals` come in a deterministic order
 * (the caller sorts by the original name); a name already taken gets the suffix `<sep>1`, `<sep>2`, ...
 * at the end of its stem, the stem shortened so the limit still holds. `key` decides what counts as
 * the same name (upper-cased, as Windows compares).
 */
export function assignUnique(
  proposals: ReadonlyArray<SplitName & { maxStem: number }>,
  separator: string,
): SplitName[] {
  const taken = new Set<string>();
  const key = (n: SplitName): string => (n.ext ? `${n.stem}.${n.ext}` : n.stem).toUpperCase();
  return proposals.map((p) => {
    let name: SplitName = { stem: p.stem.slice(0, p.maxStem), ext: p.ext };
    for (let n = 1; taken.has(key(name)); n++) {
      const suffix = `${separator}${n}`;
      name = { stem: p.stem.slice(0, Math.max(0, p.maxStem - suffix.length)) + suffix, ext: p.ext };
    }
    taken.add(key(name));
    return name;
  });
}

/** ECMA-119 d-character proposal for one entry (before collisions are resolved). */
export function isoNameProposal(name: string, isDirectory: boolean): SplitName & { maxStem: number } {
  if (isDirectory) return { stem: toDCharacters(name) || '_', ext: '', maxStem: maxDirectoryIdentifier };
  const split = splitAtLastDot(name);
  const ext = toDCharacters(split.ext).slice(0, maxExtension);
  const stem = toDCharacters(split.stem) || (ext ? '' : '_');
  return { stem, ext, maxStem: maxFileNameAndExtension - ext.length };
}

/** ECMA-119 7.5.1: a file identifier always carries the separator and the version: `NAME.EXT;1`, `NAME.;1`. */
export function isoFileIdentifier(name: SplitName, isDirectory: boolean): string {
  return isDirectory ? name.stem : `${name.stem}.${name.ext};1`;
}
