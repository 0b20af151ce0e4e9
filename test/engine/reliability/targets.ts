/**
 * The media a fault case writes. Every crash, fault and cancellation case runs once per entry of
 * `mediaTargets`; a new media type joins the matrix by adding an entry here.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './harness.js';

export interface MediaTarget {
  readonly mediaType: 'CD' | 'UFD+FORMAT';
  /** A destination in `folder` (which the case owns) that does not exist yet. */
  destination(folder: string, name: string): string;
  /** createBootMedia parameters this target needs beyond the common ones. */
  readonly params: Record<string, unknown>;
  /**
   * Null when `path` holds complete media whose boot image is `wim` (size compared; the bytes too
   * when `deep`), else what is wrong. Checked with an independent reader.
   */
  verify(path: string, wim: string, deep?: boolean): string | null;
}

/** Size of /sources/boot.wim in an ISO, read by xorriso; null when xorriso cannot read the image. */
function isoFileSize(iso: string, path: string): number | null {
  try {
    const out = execFileSync('xorriso', ['-indev', iso, '-find', path, '-exec', 'lsdl'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const match = /^-\S+\s+\d+\s+\S+\s+\S+\s+(\d+)\s/m.exec(out);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const cd: MediaTarget = {
  mediaType: 'CD',
  destination: (folder, name) => join(folder, `${name}.iso`),
  params: {},
  verify(iso, wim, deep = false) {
    const wimBytes = statSync(wim).size;
    const size = isoFileSize(iso, '/sources/boot.wim');
    if (size === null) return `${iso} is not a readable ISO with /sources/boot.wim`;
    if (size !== wimBytes) return `${iso}: /sources/boot.wim has ${size} bytes, the boot image ${wimBytes}`;
    if (isoFileSize(iso, '/SMS/data/Variables.dat') === null) return `${iso} has no /SMS/data/Variables.dat`;
    if (deep) {
      const copy = `${iso}.boot.wim`;
      try {
        execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/sources/boot.wim', copy], { stdio: 'ignore' });
        if (sha256(copy) !== sha256(wim)) return `${iso}: /sources/boot.wim differs from the boot image`;
      } finally {
        rmSync(copy, { force: true });
      }
    }
    return null;
  },
};

// 'UFD+FORMAT' (its image files already go through ops/atomic-output.ts with onTemporaryFile)
// joins here next: destination `${name}.img`, params { imageSizeBytes }, verify with
// `fsck.fat -n` on the partition and an mtools listing of \sources\boot.wim.
export const mediaTargets: readonly MediaTarget[] = [cd];
