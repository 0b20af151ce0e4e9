/** Shared by the FAT and USB tests: external tools, a deterministic media-like tree, scratch folders. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { TreeDir } from '../../../engine/src/formats/tree.js';

export const isRoot = process.getuid?.() === 0;

/** Runs a tool; throws with its stderr on failure. */
export function sh(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
}

/** Exit status and output, never throws. */
export function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export function have(...tools: string[]): boolean {
  return tools.every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
}

export function scratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bytes that differ per file and offset (so a misplaced cluster shows). */
export function pattern(sizeBytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(sizeBytes);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < sizeBytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const bootx64 = (): Uint8Array => readFileSync(new URL('../../fixtures/boot/bootx64.efi', import.meta.url));

/** The media layout (docs/media.md) with stand-in bytes, long and odd names, an empty file and folder. */
export function mediaTree(options: { asciiNames?: boolean } = {}): { tree: TreeDir; files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>([
    ['EFI/BOOT/BOOTX64.EFI', bootx64()],
    ['bootmgr', pattern(4096, 1)],
    ['bootmgr.efi', pattern(70_001, 2)],
    ['boot/BCD', pattern(16_384, 3)],
    ['boot/boot.sdi', pattern(3_170_304, 4)],
    ['boot/fonts/segmono_boot.ttf', pattern(93_000, 5)],
    ['EFI/Microsoft/Boot/BCD', pattern(16_384, 6)],
    ['sources/boot.wim', pattern(5_000_000, 7)],
    ['SMS/data/Variables.dat', pattern(3_000, 8)],
    ['SMS/data/TsmBootstrap.ini', new TextEncoder().encode('[MediaInfo]\r\nMediaType=BootMedia\r\n')],
    ['MediaLabel.txt', new TextEncoder().encode('label=Configuration Manager\r\n')],
    ['A file name longer than thirteen characters, with spaces + commas; and ünïcödé.txt', pattern(1, 9)],
    ['same prefix number one.txt', pattern(10, 10)],
    ['same prefix number two.txt', pattern(20, 11)],
    ['zero.bin', new Uint8Array(0)],
  ]);
  // fusefat refuses to create names outside ASCII (EPERM); the tests that write through it skip them
  if (options.asciiNames) for (const p of [...files.keys()]) if (/[^\x20-\x7e]/.test(p)) files.delete(p);
  const entries: Array<[string, ReturnType<typeof bufferSource> | null]> = [...files].map(([p, b]) => [p, bufferSource(b, p)]);
  entries.push(['empty folder/', null]);
  // many entries in one folder: the directory spans several clusters
  for (let i = 0; i < 40; i++) {
    const p = `many/file with a long name ${String(i).padStart(3, '0')}.dat`;
    const b = pattern(100 + i, 100 + i);
    files.set(p, b);
    entries.push([p, bufferSource(b, p)]);
  }
  return { tree: treeFromPaths(entries, new Date(Date.UTC(2024, 4, 17, 12, 34, 56))), files };
}
