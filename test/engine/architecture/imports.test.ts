/**
 * The engine's import graph (docs/architecture.md): no cycles between files, and the layers import
 * only downwards. Read from the sources with the TypeScript parser, so `import type` and re-exports
 * count as well.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../../engine/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** file (relative to engine/src) -> the engine files it imports, by module specifiers that start with a dot. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const targets: string[] = [];
    const visit = (node: ts.Node): void => {
      const specifier =
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)
          ? node.moduleSpecifier.text
          : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])
            ? node.arguments[0].text
            : undefined;
      if (specifier?.startsWith('.') && !specifier.endsWith('.json')) targets.push(relative(src, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))));
      ts.forEachChild(node, visit);
    };
    visit(source);
    graph.set(relative(src, file), targets);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

const layer = (file: string): string => file.split('/')[0]!;

/** Imports of `from`'s files into the folders named. */
function importsInto(graph: Map<string, string[]>, from: string, into: readonly string[]): string[] {
  return [...graph].flatMap(([file, targets]) => (layer(file) === from ? targets.filter((t) => into.includes(layer(t))).map((t) => `${file} -> ${t}`) : []));
}

describe('the engine import graph', () => {
  const graph = importGraph();

  it('reads every source file and resolves every relative import to one', () => {
    expect(graph.size).toBeGreaterThan(100);
    const unresolved = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${file} -> ${t}`));
    expect(unresolved).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const planted = new Map(graph);
    planted.set('formats/iso/plan.ts', [...graph.get('formats/iso/plan.ts')!, 'formats/iso/write.ts']);
    expect(cycles(planted).flat()).toContain('formats/iso/plan.ts');
  });

  it('keeps formats free of files, devices, locks, child processes and the protocol', () => {
    expect(importsInto(graph, 'formats', ['ops', 'output', 'media', 'usb', 'protocol', 'site', 'certs'])).toEqual([]);
    const processes = [...graph.keys()].filter((file) => layer(file) === 'formats' && /node:child_process/.test(readFileSync(join(src, file), 'utf8')));
    expect(processes).toEqual([]);
  });

  it('keeps the media layer on domain types: it imports nothing from the protocol', () => {
    expect(importsInto(graph, 'media', ['protocol'])).toEqual([]);
  });

  it('keeps the lower layers below the media and the protocol', () => {
    for (const lower of ['output', 'ops', 'usb', 'site', 'certs', 'errors']) {
      expect(importsInto(graph, lower, ['media', 'protocol']), lower).toEqual([]);
    }
  });
});
