// 1,000 random corruptions of the fixtures (fixed seed): truncation, flipped bytes in the header,
// the blob table, the XML and anywhere (mostly chunks), and hostile 64-bit sizes in resource headers.
// Every outcome must be success or a CmTsError; nothing may hang, crash or allocate without bound.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { WimReader } from '../../../engine/src/formats/wim/index.js';
import { fixture, readSource, scratch } from './helpers.js';
import { seededRandom } from '../../helpers/random.js';

const tmp = scratch('fuzz');
afterAll(() => tmp.cleanup());

const names = ['xpress.wim', 'lzx.wim', 'lzx-64k.wim', 'none.wim', 'two.wim', 'integrity.wim', 'lzx-2m.wim'];
const iterations = 1000;

async function exercise(path: string): Promise<void> {
  const w = await WimReader.open(path);
  try {
    for (let index = 1; index <= w.info.imageCount; index++) {
      const image = await w.image(index);
      for (const e of image.list('\\', true)) if (!e.isDirectory) await readSource(image.source(e.path));
    }
  } finally {
    await w.close();
  }
}

function mutate(original: Buffer, r: () => number): { bytes: Buffer; what: string } {
  const b = Buffer.from(original);
  const pick = (from: number, to: number): number => from + Math.floor(r() * Math.max(1, to - from));
  const region = (reshdrAt: number): [number, number] => {
    const offset = Number(b.readBigUInt64LE(reshdrAt + 8));
    return [offset, offset + b.readUIntLE(reshdrAt, 6)];
  };
  const flips = (from: number, to: number, kind: string): { bytes: Buffer; what: string } => {
    const n = 1 + Math.floor(r() * 3);
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = pick(from, Math.min(to, b.length));
      b[p] ^= 1 + Math.floor(r() * 255);
      at.push(p);
    }
    return { bytes: b, what: `${kind} flip at ${at.join(',')}` };
  };
  const kind = r();
  if (kind < 0.15) {
    const size = pick(0, b.length);
    return { bytes: b.subarray(0, size), what: `truncate to ${size}` };
  }
  if (kind < 0.3) return flips(0, 208, 'header');
  if (kind < 0.45) return flips(...region(0x30), 'blob table');
  if (kind < 0.55) return flips(...region(0x48), 'XML');
  if (kind < 0.65) {
    // a hostile 64-bit field in a resource header of the header or of a blob table entry
    const [tableStart, tableEnd] = region(0x30);
    const at = r() < 0.5 ? [0x30, 0x48, 0x60][pick(0, 3)]! + [0, 8, 16][pick(0, 3)]! : tableStart + 50 * pick(0, (tableEnd - tableStart) / 50) + [0, 8, 16][pick(0, 3)]!;
    const value = [2n ** 63n, 2n ** 53n + 1n, BigInt(b.length) * 3n, BigInt(Math.floor(r() * 2 ** 40))][pick(0, 4)]!;
    b.writeBigUInt64LE(value, at);
    return { bytes: b, what: `hostile size ${value} at ${at}` };
  }
  return flips(208, b.length, 'data');
}

describe('corruption fuzz', () => {
  it(`${iterations} random corruptions: only CmTsErrors, no hang`, async () => {
    const r = seededRandom(0xc0ffee);
    const originals = names.map((n) => readFileSync(fixture(n)));
    const path = join(tmp.dir, 'fuzz.wim');
    const outcomes = new Map<string, number>();
    const failures: string[] = [];
    let slowestMs = 0;
    const started = performance.now();
    for (let i = 0; i < iterations; i++) {
      const which = Math.floor(r() * names.length);
      const { bytes, what } = mutate(originals[which]!, r);
      writeFileSync(path, bytes);
      const t0 = performance.now();
      try {
        await exercise(path);
        outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
      } catch (err) {
        if (err instanceof CmTsError) outcomes.set(err.code, (outcomes.get(err.code) ?? 0) + 1);
        else failures.push(`#${i} ${names[which]} ${what}: ${String(err)}`);
      }
      slowestMs = Math.max(slowestMs, performance.now() - t0);
    }
    const totalMs = performance.now() - started;
    process.stderr.write(`wim fuzz: ${JSON.stringify(Object.fromEntries(outcomes))}, slowest ${slowestMs.toFixed(0)} ms, total ${(totalMs / 1000).toFixed(1)} s\n`);
    expect(failures).toEqual([]);
    expect(outcomes.get('CMTSMEDIA_E_WIMCORRUPT') ?? 0).toBeGreaterThan(iterations / 2);
  }, 120_000);
});
