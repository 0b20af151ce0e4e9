/**
 * An image's metadata resource (wimlib src/metadata_resource.c, security.c, dentry.c): security
 * data, then the root directory entry; a directory's children are a list of entries at its
 * `subdir_offset`, ended by an entry whose length is 8 or less. Each entry may be followed by
 * extra stream entries (named streams; an unnamed one can carry the default data stream).
 */
import { CmTsError } from '../../errors/index.js';
import { bytes, reserved, table, u16le, u32le, u64le } from '../binary/index.js';

/** struct wim_security_data_disk: total_length (rounded up to 8; 0 means 8), num_entries, then u64 sizes[]. */
export const securityDataTable = table('wim_security_data_disk', 8, {
  total_length: [0, u32le],
  num_entries: [4, u32le],
});

/** struct wim_dentry_on_disk (102 bytes, then the UTF-16LE name + NUL, short name + NUL, tagged items; padded to 8). */
export const dentryTable = table('wim_dentry_on_disk', 102, {
  length: [0, u64le],
  attributes: [8, u32le],
  security_id: [12, u32le],
  subdir_offset: [16, u64le],
  unused_1: [24, reserved(8)],
  unused_2: [32, reserved(8)],
  // creation, last access, last write FILETIMEs: not needed to extract
  creation_time: [40, reserved(8)],
  last_access_time: [48, reserved(8)],
  last_write_time: [56, reserved(8)],
  default_hash: [64, bytes(20)],
  unknown_0x54: [84, u32le],
  // reparse_tag + rp_unknown_2 + rp_flags, or hard_link_group_id
  reparse_or_hard_link: [88, reserved(8)],
  num_extra_streams: [96, u16le],
  short_name_nbytes: [98, u16le],
  file_name_nbytes: [100, u16le],
});

/** struct wim_extra_stream_entry_on_disk (38 bytes, then the UTF-16LE stream name + NUL; padded to 8). */
export const extraStreamTable = table('wim_extra_stream_entry_on_disk', 38, {
  length: [0, u64le],
  reserved: [8, reserved(8)],
  hash: [16, bytes(20)],
  name_nbytes: [36, u16le],
});

const attributeDirectory = 0x10;
const attributeReparsePoint = 0x400;

export interface Dentry {
  readonly name: string;
  /** Backslash path from the root ("\" for the root). */
  readonly path: string;
  readonly isDirectory: boolean;
  /** SHA-1 (hex) of the unnamed data stream; undefined when the file is empty. */
  readonly hash: string | undefined;
  readonly children: Dentry[];
}

const utf16 = new TextDecoder('utf-16le');
const hexOf = (b: Uint8Array): string | undefined => (b.some((x) => x !== 0) ? Buffer.from(b).toString('hex') : undefined);
const align8 = (n: number): number => n + ((8 - (n % 8)) % 8);

/** Parses the uncompressed metadata resource into the directory tree. */
export function parseMetadata(buf: Uint8Array, where: string): Dentry {
  const corrupt = (what: string): CmTsError => new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `${where}: ${what}`);
  if (buf.length < securityDataTable.sizeBytes) throw corrupt('metadata resource too short');
  const sd = securityDataTable.decode(buf);
  const sdBytes = sd.total_length === 0 ? 8 : align8(sd.total_length);
  if (sdBytes > buf.length || 8 + 8 * sd.num_entries > sdBytes) throw corrupt(`bad security data (${sd.num_entries} descriptors in ${sd.total_length} bytes)`);

  const maxEntries = Math.floor(buf.length / dentryTable.sizeBytes);
  let entries = 0;

  /** Reads the entry at `offset`; null at the end of a list. `next` is where its sibling starts. */
  const read = (offset: number, parentPath: string | null): { d: Dentry; subdir: number; next: number } | null => {
    if (offset + 8 > buf.length) throw corrupt(`directory entry at ${offset} past the end of the metadata`);
    const length = Number(new DataView(buf.buffer, buf.byteOffset + offset, 8).getBigUint64(0, true));
    if (length <= 8) return null;
    if (++entries > maxEntries) throw corrupt('more directory entries than the metadata can hold');
    if (length < dentryTable.sizeBytes || length > buf.length - offset) throw corrupt(`directory entry at ${offset} has length ${length}`);
    const e = dentryTable.decode(buf, offset);
    if (e.file_name_nbytes % 2 || e.short_name_nbytes % 2 || dentryTable.sizeBytes + e.file_name_nbytes + e.short_name_nbytes > length) {
      throw corrupt(`directory entry at ${offset} has bad name lengths`);
    }
    const name = utf16.decode(buf.subarray(offset + 102, offset + 102 + e.file_name_nbytes));
    if (parentPath !== null && (name === '' || name === '.' || name === '..' || /[\\/\0]/.test(name))) {
      throw corrupt(`invalid file name ${JSON.stringify(name)} in ${parentPath || '\\'}`);
    }
    let p = offset + align8(length);
    const unnamed: string[] = [];
    const main = hexOf(e.default_hash);
    if (main) unnamed.push(main);
    for (let i = 0; i < e.num_extra_streams; i++) {
      if (p + extraStreamTable.sizeBytes > buf.length) throw corrupt(`stream entry at ${p} past the end of the metadata`);
      const s = extraStreamTable.decode(buf, p);
      if (s.length < extraStreamTable.sizeBytes || s.length > buf.length - p || extraStreamTable.sizeBytes + s.name_nbytes > s.length) {
        throw corrupt(`stream entry at ${p} has length ${s.length}`);
      }
      const hash = hexOf(s.hash);
      if (s.name_nbytes === 0 && hash) unnamed.push(hash);
      p += align8(s.length);
    }
    const isDirectory = (e.attributes & attributeDirectory) !== 0;
    // a reparse point keeps its reparse data in the first unnamed stream, its contents in the next
    const hash = isDirectory ? undefined : e.attributes & attributeReparsePoint ? unnamed[1] : unnamed[0];
    const path = parentPath === null ? '\\' : `${parentPath}\\${name}`;
    return { d: { name, path, isDirectory, hash, children: [] }, subdir: isDirectory ? e.subdir_offset : 0, next: p };
  };

  const top = read(sdBytes, null);
  if (!top) throw corrupt('no root directory');
  const seen = new Set<number>();
  // iterative walk: a hostile, very deep tree must not overflow the stack
  const pending: Array<{ d: Dentry; subdir: number }> = [top];
  while (pending.length) {
    const { d: dir, subdir } = pending.pop()!;
    if (!subdir) continue;
    if (seen.has(subdir)) throw corrupt(`directory ${dir.path} reuses the children of another (a cycle)`);
    seen.add(subdir);
    const names = new Set<string>();
    const prefix = dir.path === '\\' ? '' : dir.path;
    for (let o = subdir; ; ) {
      const r = read(o, prefix);
      if (!r) break;
      if (names.has(r.d.name)) throw corrupt(`${r.d.path} appears twice`);
      names.add(r.d.name);
      dir.children.push(r.d);
      if (r.subdir) pending.push(r);
      o = r.next;
    }
  }
  return top.d;
}
