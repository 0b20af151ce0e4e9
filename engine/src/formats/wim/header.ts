/**
 * The WIM header and resource headers (wimlib include/wimlib/header.h and resource.h, field names
 * as there; Microsoft "Windows Imaging File Format", 2007). All little-endian.
 */
import { CmTsError } from '../../errors/index.js';
import { bytes, reserved, table, u16le, u32le, u64le, u8, type Codec } from '../binary/index.js';

/** 7-byte little-endian size (`size_in_wim` of a reshdr). */
const u56le: Codec<number> = {
  sizeBytes: 7,
  encode(t, o, v) {
    for (let i = 0; i < 7; i++) t[o + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
  },
  decode(s, o) {
    let v = 0;
    for (let i = 6; i >= 0; i--) v = v * 256 + s[o + i]!;
    return v;
  },
};

/** struct wim_reshdr_disk: where a resource lies and how big it is. */
export const reshdrTable = table('wim_reshdr_disk', 24, {
  size_in_wim: [0, u56le],
  flags: [7, u8],
  offset_in_wim: [8, u64le],
  uncompressed_size: [16, u64le],
});
export type Reshdr = ReturnType<typeof reshdrTable.decode>;

const reshdr: Codec<Reshdr> = {
  sizeBytes: reshdrTable.sizeBytes,
  encode: (t, o, v) => reshdrTable.encode(v, t, o),
  decode: (s, o) => reshdrTable.decode(s, o),
};

/** reshdr flags */
export const reshdrFlagMetadata = 0x02;
export const reshdrFlagCompressed = 0x04;
export const reshdrFlagSolid = 0x10;

/** struct wim_header_disk (208 bytes). */
export const headerTable = table('wim_header_disk', 208, {
  magic: [0x00, bytes(8)],
  hdr_size: [0x08, u32le],
  wim_version: [0x0c, u32le],
  wim_flags: [0x10, u32le],
  chunk_size: [0x14, u32le],
  guid: [0x18, bytes(16)],
  part_number: [0x28, u16le],
  total_parts: [0x2a, u16le],
  image_count: [0x2c, u32le],
  blob_table_reshdr: [0x30, reshdr],
  xml_data_reshdr: [0x48, reshdr],
  boot_metadata_reshdr: [0x60, reshdr],
  boot_idx: [0x78, u32le],
  integrity_table_reshdr: [0x7c, reshdr],
  unused: [0x94, reserved(60)],
});
export type WimHeader = ReturnType<typeof headerTable.decode>;

export const wimMagic = 'MSWIM\0\0\0';
/** wimlib's pipable WIM ("wimcapture --pipable"): another layout, not read here. */
export const pipableMagic = 'WLPWM\0\0\0';
export const versionDefault = 0x10d00;
/** Windows 8+ "solid" WIMs/ESDs (LZMS solid resources). */
export const versionSolid = 0xe00;

/** wim_flags */
const flagCompression = 0x00000002;
const flagSpanned = 0x00000008;
const flagWriteInProgress = 0x00000040;
const flagCompressXpress = 0x00020000;
const flagCompressLzx = 0x00040000;
const flagCompressLzms = 0x00080000;
const compressMask = 0x002f0000;

export type WimCompression = 'none' | 'xpress' | 'lzx' | 'lzms';

const corrupt = (detail: string): CmTsError => new CmTsError('CMTSMEDIA_E_WIMCORRUPT', detail);

/** The file's compression type from wim_flags, or a typed error. */
export function compressionOf(h: WimHeader, path: string): WimCompression {
  if (!(h.wim_flags & flagCompression)) return 'none';
  switch (h.wim_flags & compressMask) {
    case flagCompressXpress: return 'xpress';
    case flagCompressLzx: return 'lzx';
    case flagCompressLzms: return 'lzms';
    default: throw corrupt(`${path}: unknown compression flags 0x${h.wim_flags.toString(16)} in the header`);
  }
}

/** Chunk sizes wimlib accepts per type (a power of two): XPRESS 4 KiB-64 KiB, LZX 32 KiB-2 MiB, LZMS 32 KiB-1 GiB. */
const chunkLimits: Record<WimCompression, [number, number]> = {
  none: [0, Infinity],
  xpress: [1 << 12, 1 << 16],
  lzx: [1 << 15, 1 << 21],
  lzms: [1 << 15, 1 << 30],
};

/** Checks a reshdr against the file: it must lie inside the file (a hostile size never gets allocated). */
export function checkReshdr(r: Reshdr, fileSize: number, what: string, path: string): void {
  if (r.offset_in_wim > fileSize || r.size_in_wim > fileSize - r.offset_in_wim) {
    throw corrupt(`${path}: the ${what} ends at byte ${r.offset_in_wim + r.size_in_wim} of a ${fileSize}-byte file (truncated?)`);
  }
  if (!(r.flags & reshdrFlagCompressed) && !(r.flags & reshdrFlagSolid) && r.size_in_wim !== r.uncompressed_size) {
    throw corrupt(`${path}: the uncompressed ${what} has ${r.size_in_wim} bytes stored for ${r.uncompressed_size}`);
  }
}

/**
 * Decodes and validates the header. Not a WIM -> CMTSMEDIA_E_NOTWIM; a WIM CmTsMedia cannot read
 * (split, pipable) -> CMTSMEDIA_E_WIMCOMPRESSION; damage -> CMTSMEDIA_E_WIMCORRUPT.
 */
export function parseHeader(bytesRead: Uint8Array, fileSize: number, path: string): WimHeader {
  const magic = Buffer.from(bytesRead.subarray(0, 8)).toString('latin1');
  if (magic === pipableMagic) {
    throw new CmTsError('CMTSMEDIA_E_WIMCOMPRESSION', `${path} is a pipable WIM (wimlib --pipable)`);
  }
  if (bytesRead.length < 8 || magic !== wimMagic) throw new CmTsError('CMTSMEDIA_E_NOTWIM', path);
  if (bytesRead.length < headerTable.sizeBytes) throw corrupt(`${path}: the file ends inside the ${headerTable.sizeBytes}-byte header`);
  const h = headerTable.decode(bytesRead);
  if (h.hdr_size !== headerTable.sizeBytes) throw corrupt(`${path}: header size ${h.hdr_size}, expected 208`);
  if (h.wim_version !== versionDefault && h.wim_version !== versionSolid) {
    throw corrupt(`${path}: unknown WIM version 0x${h.wim_version.toString(16)}`);
  }
  if (h.wim_flags & flagSpanned || h.total_parts !== 1 || h.part_number !== 1) {
    throw new CmTsError('CMTSMEDIA_E_WIMCOMPRESSION', `${path} is part ${h.part_number} of a split WIM of ${h.total_parts} parts (.swm); join them with 'wimlib-imagex export ${path} all joined.wim' or DISM /Export-Image`);
  }
  if (h.wim_flags & flagWriteInProgress) throw corrupt(`${path}: the WIM was not completely written (WRITE_IN_PROGRESS)`);
  const compression = compressionOf(h, path);
  const [minChunk, maxChunk] = chunkLimits[compression];
  const cs = h.chunk_size;
  if (compression !== 'none' && (cs < minChunk || cs > maxChunk || (cs & (cs - 1)) !== 0)) {
    throw corrupt(`${path}: chunk size ${cs} is not valid for ${compression.toUpperCase()}`);
  }
  if (h.boot_idx > h.image_count) throw corrupt(`${path}: boot index ${h.boot_idx} but ${h.image_count} images`);
  if (h.blob_table_reshdr.size_in_wim === 0) throw corrupt(`${path}: no blob table`);
  if (h.xml_data_reshdr.size_in_wim === 0) throw corrupt(`${path}: no XML data`);
  checkReshdr(h.blob_table_reshdr, fileSize, 'blob table', path);
  checkReshdr(h.xml_data_reshdr, fileSize, 'XML data', path);
  return h;
}

/** Header GUID (16 bytes, the Windows GUID layout: Data1-3 little-endian) as 8-4-4-4-12 hex. */
export function formatGuid(g: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = Array.from(g.subarray(from, to), (b) => b.toString(16).padStart(2, '0'));
    return (reverse ? part.reverse() : part).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** struct blob_descriptor_disk: one entry of the blob ("lookup") table. */
export const blobDescriptorTable = table('blob_descriptor_disk', 50, {
  reshdr: [0, reshdr],
  part_number: [24, u16le],
  refcnt: [26, u32le],
  hash: [30, bytes(20)],
});
