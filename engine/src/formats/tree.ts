/**
 * The file tree that image writers (ISO, FAT, a mounted volume) lay out. Producers: the media
 * planner (generated files), the file system (files on disk) and the WIM reader (extracted files).
 */

/** Where a file's bytes come from. The writer checks that exactly `sizeBytes` bytes arrive. */
export interface FileSource {
  readonly sizeBytes: number;
  /** Streams the bytes in order. Chunks may be reused by the producer after the consumer's next pull. */
  open(signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** A human-readable origin for error messages ("/dp/boot.wim", "boot.wim:\\Windows\\Boot\\PCAT\\bootmgr"). */
  readonly origin: string;
}

export interface TreeFile {
  readonly kind: 'file';
  readonly name: string;
  readonly source: FileSource;
  readonly modified?: Date;
}

export interface TreeDir {
  readonly kind: 'dir';
  readonly name: string;
  readonly children: readonly TreeNode[];
  readonly modified?: Date;
}

export type TreeNode = TreeFile | TreeDir;
