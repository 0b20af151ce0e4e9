/** Declares a vitest suite that runs fault cases (faults.ts) once per media target, on its own rig. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProblems, type FaultCase, type Rig } from './faults.js';
import { buildEngine, hasTool, makeBigSite, scratchDir } from './harness.js';
import { mediaTargets } from './targets.js';

/** The boot image's extra bytes: enough that writing a CD takes about a second. */
export const bulkBytes = 160 << 20;

export function faultSuite(title: string, cases: readonly FaultCase[], points: number, options: { bulkBytes?: number; timeoutMs?: number } = {}): void {
  const scratch = scratchDir(title.replace(/\W+/g, '-').toLowerCase());
  const rigs: Rig[] = [];
  beforeAll(async () => {
    const engine = await buildEngine(scratch.dir);
    const { catalog, wim } = makeBigSite(scratch.dir, options.bulkBytes ?? bulkBytes);
    for (const target of mediaTargets) rigs.push({ engine, dir: scratch.dir, catalog, wim, target, seed: 0x5eed });
  });
  afterAll(() => scratch.cleanup());

  describe.runIf(hasTool('wimcapture'))(title, () => {
    for (const [t, target] of mediaTargets.entries()) {
      const missing = target.tools.filter((tool) => !hasTool(tool));
      for (const fault of cases) {
        const why = missing.length > 0 ? `needs ${missing.join(', ')}` : fault.unavailable?.();
        it.skipIf(why !== undefined)(`${target.mediaType}: ${fault.name}${why ? ` (skipped: ${why})` : ''}`, async () => {
          const result = await fault.run(rigs[t]!, points);
          expect(result.problems, describeProblems(result)).toEqual([]);
          expect(result.dataLost).toBe(0);
          expect(result.survived).toBe(result.tried);
          expect(result.tried).toBeGreaterThan(0);
        }, options.timeoutMs ?? 240_000);
      }
    }
  });
}
