/**
 * WimReader: opens a WIM (header, blob table, XML), reads an image's metadata resource on demand and
 * streams single files out of it, decompressing only their chunks and checking each blob's SHA-1.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { CmTsError, fromSystemError } from '../../errors/index.js';
import type { FileSource } from '../tree.js';
import {
  blobDescriptorTable, compressionOf, formatGuid, headerTable, parseHeader, reshdrFlagMetadata, reshdrFlagSolid,
  type Reshdr, type WimCompression, type WimHeader,
} from './header.js';
import { parseMetadata, type Dentry } from './metadata.js';
import { ResourceReader, unsupportedCompression } from './resource.js';
import { parseWimXml, type WimImageInfo } from './xml.js';

export interface WimInfo {
  path: string;
  sizeBytes: number;
  /** The header GUID, 8-4-4-4-12 lowercase hex (Windows GUID byte order). */
  guid: string;
  imageCount: number;
  /** 1-based; 0 = none. */
  bootIndex: number;
  compression: WimCompression;
  /** 0 for an uncompressed WIM. */
  chunkSizeBytes: number;
  images: WimImageInfo[];
}

export interface WimEntry {
  /** Backslash path from the image root, e.g. "\\Windows\\Boot\\PCAT\\bootmgr". */
  path: string;
  isDirectory: boolean;
  sizeBytes: number;
  /** SHA-1 (lowercase hex) of the unnamed data stream; absent for folders and empty files. */
  sha1?: string;
}

export interface WimImage {
  readonly info: WimImageInfo;
  /** Case-insensitive (an exact match wins), backslash or slash separators, leading "\" optional. */
  lookup(path: string): WimEntry | undefined;
  /** The entries under `dirPath` (default: the root) in on-disk order; recursive = depth first. */
  list(dirPath?: string, recursive?: boolean): WimEntry[];
  /** Streams a file's unnamed data stream; missing -> CMTSMEDIA_E_WIMNOFILE (detail = the path). */
  source(path: string): FileSource;
}

interface Blob {
  reshdr: Reshdr;
  solid: boolean;
}

/** Caps for resources held in memory, far above real ones (a WinPE metadata resource is a few MiB). */
const maxXmlBytes = 8 << 20;
const maxBlobTableBytes = 256 << 20;
const maxMetadataBytes = 256 << 20;

const sha1Hex = (data: Uint8Array): string => createHash('sha1').update(data).digest('hex');

export class WimReader {
  private readonly images = new Map<number, Promise<WimImage>>();

  private constructor(
    readonly info: WimInfo,
    private readonly handle: FileHandle,
    private readonly resources: ResourceReader,
    private readonly blobs: Map<string, Blob>,
    private readonly metadata: Array<{ reshdr: Reshdr; hash: string }>,
  ) {}

  /** Reads and checks the header, blob table and XML. Typed errors only. */
  static async open(path: string): Promise<WimReader> {
    const handle = await open(path, 'r').catch((err: unknown) => {
      throw fromSystemError(err, path);
    });
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new CmTsError('CMTSMEDIA_E_NOTWIM', path);
      const fileSize = stats.size;
      const first = new Uint8Array(Math.min(fileSize, headerTable.sizeBytes));
      const { bytesRead } = await handle.read(first, 0, first.length, 0);
      const header = parseHeader(first.subarray(0, bytesRead), fileSize, path);
      const compression = compressionOf(header, path);
      const resources = new ResourceReader(handle, fileSize, path, compression, header.chunk_size);
      const { blobs, metadata } = await readBlobTable(resources, header, path);
      const xml = parseWimXml(await resources.readAll(header.xml_data_reshdr, 'XML data', maxXmlBytes), path);
      if (xml.images.length !== header.image_count) throw new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `${path}: the header counts ${header.image_count} images, the XML data ${xml.images.length}`);
      if (metadata.length < header.image_count) throw new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `${path}: the header counts ${header.image_count} images, the blob table has ${metadata.length} metadata resources`);
      const info: WimInfo = {
        path,
        sizeBytes: fileSize,
        guid: formatGuid(header.guid),
        imageCount: header.image_count,
        bootIndex: header.boot_idx,
        compression,
        chunkSizeBytes: compression === 'none' ? 0 : header.chunk_size,
        images: xml.images,
      };
      return new WimReader(info, handle, resources, blobs, metadata);
    } catch (err) {
      await handle.close();
      throw fromSystemError(err, path);
    }
  }

  /** Reads image `index` (default: the boot image, else 1); a missing index is CMTSMEDIA_E_WIMNOIMAGE. */
  image(index?: number): Promise<WimImage> {
    const i = index ?? (this.info.bootIndex || 1);
    const info = this.info.images[i - 1];
    if (!Number.isInteger(i) || !info) return Promise.reject(new CmTsError('CMTSMEDIA_E_WIMNOIMAGE', String(index ?? i), { imageCount: this.info.imageCount }));
    let image = this.images.get(i);
    if (!image) {
      image = this.loadImage(i, info);
      this.images.set(i, image);
      image.catch(() => this.images.delete(i));
    }
    return image;
  }

  private async loadImage(index: number, info: WimImageInfo): Promise<WimImage> {
    const { path } = this.info;
    const md = this.metadata[index - 1]!;
    const what = `metadata resource of image ${index}`;
    const bytes = await this.resources.readAll(md.reshdr, what, maxMetadataBytes);
    if (sha1Hex(bytes) !== md.hash) throw new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `${path}: the ${what} does not match its SHA-1`);
    const root = parseMetadata(bytes, `${path} image ${index}`);
    return new Image(info, root, this.info.path, this.blobs, this.resources);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function readBlobTable(resources: ResourceReader, header: WimHeader, path: string) {
  const raw = await resources.readAll(header.blob_table_reshdr, 'blob table', maxBlobTableBytes);
  const entryBytes = blobDescriptorTable.sizeBytes;
  if (raw.length % entryBytes) throw new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `${path}: the blob table's ${raw.length} bytes are not a whole number of ${entryBytes}-byte entries`);
  const blobs = new Map<string, Blob>();
  const metadata: Array<{ reshdr: Reshdr; hash: string }> = [];
  for (let o = 0; o < raw.length; o += entryBytes) {
    const e = blobDescriptorTable.decode(raw, o);
    const hash = Buffer.from(e.hash).toString('hex');
    const solid = (e.reshdr.flags & reshdrFlagSolid) !== 0;
    // wimlib blob_table.c: zero hashes, other parts and (for metadata) refcount 0 (a WAIK quirk) are skipped;
    // metadata resources belong to images in table order
    if (/^0+$/.test(hash) || e.part_number !== 1) continue;
    if (e.reshdr.flags & reshdrFlagMetadata && !solid) {
      if (e.refcnt !== 0) metadata.push({ reshdr: e.reshdr, hash });
    } else if (!blobs.has(hash)) blobs.set(hash, { reshdr: e.reshdr, solid });
  }
  return { blobs, metadata };
}

const normalize = (p: string): string => {
  const parts = p.split(/[\\/]+/).filter((x) => x.length > 0);
  return '\\' + parts.join('\\');
};

class Image implements WimImage {
  private readonly exact = new Map<string, Dentry>();
  private readonly folded = new Map<string, Dentry>();

  constructor(
    readonly info: WimImageInfo,
    root: Dentry,
    private readonly wimPath: string,
    private readonly blobs: Map<string, Blob>,
    private readonly resources: ResourceReader,
  ) {
    const stack = [root];
    while (stack.length) {
      const d = stack.pop()!;
      this.exact.set(d.path, d);
      const key = d.path.toUpperCase();
      if (!this.folded.has(key)) this.folded.set(key, d);
      for (let i = d.children.length - 1; i >= 0; i--) stack.push(d.children[i]!);
    }
  }

  private find(path: string): Dentry | undefined {
    const p = normalize(path);
    return this.exact.get(p) ?? this.folded.get(p.toUpperCase());
  }

  private entry(d: Dentry): WimEntry {
    const e: WimEntry = { path: d.path, isDirectory: d.isDirectory, sizeBytes: 0 };
    if (d.hash) {
      e.sha1 = d.hash;
      e.sizeBytes = this.blobs.get(d.hash)?.reshdr.uncompressed_size ?? 0;
    }
    return e;
  }

  lookup(path: string): WimEntry | undefined {
    const d = this.find(path);
    return d && this.entry(d);
  }

  list(dirPath = '\\', recursive = false): WimEntry[] {
    const dir = this.find(dirPath);
    if (!dir) throw new CmTsError('CMTSMEDIA_E_WIMNOFILE', normalize(dirPath));
    const out: WimEntry[] = [];
    const visit = (d: Dentry): void => {
      for (const c of d.children) {
        out.push(this.entry(c));
        if (recursive) visit(c);
      }
    };
    visit(dir);
    return out;
  }

  source(path: string): FileSource {
    const d = this.find(path);
    if (!d || d.isDirectory) throw new CmTsError('CMTSMEDIA_E_WIMNOFILE', path);
    const origin = `${this.wimPath}:${d.path}`;
    const hash = d.hash;
    const blob = hash ? this.blobs.get(hash) : undefined;
    if (hash && !blob) throw new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `${origin}: its data (SHA-1 ${hash}) is not in the blob table`);
    if (blob?.solid) throw unsupportedCompression(this.wimPath, `${d.path} in a solid resource`);
    const resources = this.resources;
    return {
      sizeBytes: blob?.reshdr.uncompressed_size ?? 0,
      origin,
      async *open(signal?: AbortSignal) {
        if (!blob || !hash) return;
        const sha1 = createHash('sha1');
        for await (const chunk of resources.chunks(blob.reshdr, `data of ${d.path}`, signal)) {
          sha1.update(chunk);
          yield chunk;
        }
        if (sha1.digest('hex') !== hash) throw new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `${origin} does not match its SHA-1 ${hash}`);
      },
    };
  }
}
