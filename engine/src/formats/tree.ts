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
  /**
   * Told the SHA-256 (hex) of the bytes once a writer has streamed them all, before the media are
   * committed (the media manifest hashes every file anyway); throws to fail the creation. A content
   * library's file checks the hash the library records (docs/live-site.md).
   */
  checkSha256?(sha256: string): void;
  /**
   * The SHA-256 (hex) of the bytes, known without reading them (an earlier creation's, for a file
   * that has not changed since): the manifest takes it instead of hashing. Asked once the writer
   * has streamed the file; rejects when the file changed meanwhile.
   */
  knownSha256?(): Promise<string>;
}

export interface TreeFile {
  readonly kind: 'file';
  readonly name: string;
  readonly source: FileSource;
  readonly modified?: Date;
  /**
   * Write this file's data after every other file's (the media manifest, docs/readback.md: its
   * content is the other files' digests, known only once they have streamed). Writers order their
   * data stably with these last.
   */
  readonly writeLast?: boolean;
}

/** A stable order in which files marked writeLast come after all others. */
export function lastFilesLast<T>(items: readonly T[], file: (item: T) => TreeFile): T[] {
  return [...items.filter((i) => !file(i).writeLast), ...items.filter((i) => file(i).writeLast === true)];
}

export interface TreeDir {
  readonly kind: 'dir';
  readonly name: string;
  readonly children: readonly TreeNode[];
  readonly modified?: Date;
}

export type TreeNode = TreeFile | TreeDir;
