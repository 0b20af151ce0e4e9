// The size rule of docs/architecture.md ("Small parts"): a function does one job and reads on one
// screen (at most 80 lines), a source file holds one topic (at most 400 lines). A part over its limit
// is split into named steps; the allow-list names the exceptions and why.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { longFile, longFunctions, sourceFiles } from './sizes.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** `file` or `file#function` -> why it may stay over the limit. */
const ALLOWED: Record<string, string> = {};

describe('engine source sizes', () => {
  const files = sourceFiles(join(ROOT, 'engine', 'src'));

  it('finds the engine sources', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('has no function over 80 lines and no file over 400 lines', () => {
    const over = files.flatMap((path) => [...longFile(path, ROOT), ...longFunctions(path, ROOT)])
      .map((o) => ({ key: o.name ? `${o.file}#${o.name}` : o.file, lines: o.lines }))
      .filter((o) => !(o.key in ALLOWED));
    expect(over).toEqual([]);
  });

  it('allows only parts that are still over their limit', () => {
    const stillOver = new Set(files.flatMap((path) => [...longFile(path, ROOT), ...longFunctions(path, ROOT)])
      .map((o) => (o.name ? `${o.file}#${o.name}` : o.file)));
    expect(Object.keys(ALLOWED).filter((key) => !stillOver.has(key))).toEqual([]);
  });
});
