/**
 * What every reader gives back (docs/readback.md): the files of a volume with where their bytes
 * are, so one streaming hasher serves ISO 9660, FAT32 and raw disks alike.
 */
import { CmTsError } from '../../errors/index.js';
import { unreadable } from './image.js';

/** A run of a file's bytes at a byte position of the image. */
export interface Extent {
  readonly position: number;
  readonly length: number;
}

export interface ReadFile {
  /** Backslash-separated, as Windows shows it (`sources\boot.wim`). */
  readonly path: string;
  readonly sizeBytes: number;
  readonly extents: readonly Extent[];
}

export interface ReadVolume {
  /** `ISO 9660 + Joliet`, `ISO 9660`, `FAT32`. */
  readonly fileSystem: string;
  readonly label: string;
  readonly files: readonly ReadFile[];
}

/** Limits that keep a hostile image from making a reader run long or hold much memory. */
export const readLimits = { maxEntries: 1_000_000, maxDepth: 64, maxDirectoryBytes: 16 << 20 } as const;

/**
 * Decodes with a field table; a table's own consistency errors (a both-endian field whose halves
 * differ) mean damaged media here, not a defect of the engine.
 */
export function decodeOrUnreadable<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof CmTsError && err.code === 'E_UNEXPECTED') throw unreadable(`${what}: ${err.detail}`);
    throw err;
  }
}

/** Counts entries and depth while a reader walks a tree. */
export class WalkBudget {
  private entries = 0;
  constructor(private readonly where: string) {}

  entry(depth: number): void {
    if (++this.entries > readLimits.maxEntries) throw unreadable(`${this.where}: more than ${readLimits.maxEntries} directory entries`);
    if (depth > readLimits.maxDepth) throw unreadable(`${this.where}: folders nested deeper than ${readLimits.maxDepth}`);
  }
}
