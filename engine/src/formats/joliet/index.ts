/**
 * Joliet (Microsoft, 1995-05-22): a supplementary volume descriptor whose identifiers and names are
 * UCS-2 big-endian, with its own directories and path tables pointing at the same file extents.
 */
import { ucs2be } from '../binary/index.js';
import { assignUnique, splitAtLastDot, type SplitName } from '../iso9660/names.js';
import { volumeDescriptorTable } from '../iso9660/structures.js';

export const supplementaryVolumeDescriptor = volumeDescriptorTable({ a: ucs2be, d: ucs2be });

/** Joliet 5.x: escape sequence `%/E` = UCS-2 level 3 (what Windows, xorriso and genisoimage write). */
export const jolietLevel3Escape = new Uint8Array([0x25, 0x2f, 0x45]);

/** Joliet: names up to 64 UCS-2 characters; the volume identifier field holds 16. */
export const maxJolietName = 64;
export const maxJolietVolumeIdentifier = 16;

/** Not allowed in Joliet names: U+0000-U+001F and * / : ; ? \ ; characters beyond UCS-2 cannot be stored. */
function toJolietCharacters(text: string): string {
  return text.replace(/[\u0000-\u001f*/:;?\\]|[\u{10000}-\u{10ffff}]|[\ud800-\udfff]/gu, '_');
}

export function jolietVolumeIdentifier(label: string): string {
  return toJolietCharacters(label).slice(0, maxJolietVolumeIdentifier);
}

/**
 * Joliet names of one directory's entries, in the given order: forbidden characters become `_`,
 * names over 64 characters are shortened in the stem (an extension of up to 16 characters is kept),
 * a trailing dot is dropped (Windows does the same), and names that then collide (case-insensitively,
 * as Windows compares) get `~1`, `~2`, ... at the end of the stem.
 */
export function jolietNames(entries: ReadonlyArray<{ name: string; isDirectory: boolean }>): string[] {
  const proposals = entries.map(({ name, isDirectory }) => {
    const mapped = toJolietCharacters(name);
    const split: SplitName = isDirectory ? { stem: mapped, ext: '' } : splitAtLastDot(mapped);
    if (split.ext.length > 16) return { stem: mapped, ext: '', maxStem: maxJolietName };
    return { ...split, maxStem: maxJolietName - (split.ext ? split.ext.length + 1 : 0) };
  });
  return assignUnique(proposals, '~').map((n) => (n.ext ? `${n.stem}.${n.ext}` : n.stem));
}
