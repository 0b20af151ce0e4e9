/**
 * Which volume is mounted at a path, as a string that survives a remount of the same volume and
 * differs for another volume mounted at the same place: the file system's own serial number or
 * UUID from its boot sector (FAT BS_VolID, NTFS and exFAT volume serial, ext s_uuid), read from the
 * mount's source device or image. Where the source cannot be read (fusefat, no permission), the
 * mount's device number and source; on Windows, the volume serial number (stat's dev).
 * A UFD undo journal records it, and the sweep replays the journal only onto that volume
 * (docs/operations.md "Crash recovery").
 */
import { closeSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { mountOf, parseMountInfo } from './mounts.js';
import { fileSystemFromBootSector, probeBytes } from './volume.js';

function readHeadSync(path: string): Uint8Array | null {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(probeBytes);
      return head.subarray(0, readSync(fd, head, 0, probeBytes, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The serial or UUID a boot sector (or ext superblock) carries, with its file system; null if none. */
export function volumeSerial(head: Uint8Array): string | null {
  const fs = fileSystemFromBootSector(head);
  switch (fs) {
    case 'FAT32':
      return `FAT32:${hex(head.subarray(67, 71))}`; // BS_VolID, fatgen103 offset 67 (FAT32)
    case 'FAT12':
    case 'FAT16':
      return `${fs}:${hex(head.subarray(39, 43))}`; // BS_VolID, offset 39 (FAT12/16)
    case 'NTFS':
      return `NTFS:${hex(head.subarray(0x48, 0x50))}`; // volume serial number
    case 'exFAT':
      return `exFAT:${hex(head.subarray(100, 104))}`; // VolumeSerialNumber, exFAT spec 3.1.11
    case 'ext':
      return `ext:${hex(head.subarray(1024 + 104, 1024 + 120))}`; // s_uuid
    default:
      return null;
  }
}

/** The identity of the volume mounted at `path`, or null when there is nothing there. */
export function volumeIdentity(path: string): string | null {
  let dev: number;
  try {
    dev = statSync(path).dev;
  } catch {
    return null;
  }
  if (process.platform !== 'linux') return `dev:${dev}`;
  let source = '';
  try {
    const mount = mountOf(realpathSync(path), parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')));
    source = mount?.source ?? '';
  } catch {
    // no mount table: the device number alone
  }
  const head = source.startsWith('/') ? readHeadSync(source) : null;
  return (head && volumeSerial(head)) ?? `dev:${dev}:${source}`;
}
