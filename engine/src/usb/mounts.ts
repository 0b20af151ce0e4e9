/**
 * Linux mount table (/proc/self/mountinfo, proc(5)): which file system a path lives on, and what is
 * mounted from which device.
 */
import { readFile } from 'node:fs/promises';

export interface MountEntry {
  /** major:minor of the mounted file system (st_dev). */
  readonly majorMinor: string;
  readonly mountPoint: string;
  /** e.g. ext4, vfat, fuseblk, fuse.fusefat */
  readonly fsType: string;
  /** The mount source as the file system names it: a device, an image path, or a free text (fusefat by default). */
  readonly source: string;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** proc(5): `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    entries.push({ majorMinor: fields[2]!, mountPoint: unescape(fields[4]!), fsType: fields[dash + 1]!, source: unescape(fields[dash + 2]!) });
  }
  return entries;
}

export async function readMounts(): Promise<MountEntry[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** The mount whose mount point is the longest prefix of `path` (an absolute, resolved path). */
export function mountOf(path: string, mounts: readonly MountEntry[]): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    const inside = m.mountPoint === '/' || path === m.mountPoint || path.startsWith(m.mountPoint + '/');
    // later lines are later mounts: on equal mount points the last one is the visible one
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}
