// Measures the engine's source for the size rule of docs/architecture.md ("Small parts"): no function
// over FUNCTION_LINE_LIMIT lines, no file over FILE_LINE_LIMIT. Used by sizes.test.ts, whose failure
// lists every part over its limit.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const FUNCTION_LINE_LIMIT = 80;
export const FILE_LINE_LIMIT = 400;

export interface Oversize {
  /** Repository-relative path with forward slashes. */
  file: string;
  /** The function's name (`Class.method`, `outer/inner`, or `<anonymous>@line`), or `` for the file. */
  name: string;
  lines: number;
}

/** Every .ts file below `dir`, sorted. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out.sort();
}

function functionName(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
  return `<anonymous>@${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
}

function isFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node);
}

/** Functions longer than `limit` lines (signature to closing brace, nested functions included). */
export function longFunctions(path: string, root: string, limit = FUNCTION_LINE_LIMIT): Oversize[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const file = relative(root, path).split('\\').join('/');
  const found: Oversize[] = [];
  const visit = (node: ts.Node, outer: string): void => {
    let scope = outer;
    if (isFunction(node) && node.body) {
      const name = functionName(node, source);
      scope = outer ? `${outer}/${name}` : name;
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (last - first + 1 > limit) found.push({ file, name: scope, lines: last - first + 1 });
    } else if (ts.isClassDeclaration(node) && node.name) {
      scope = node.name.text;
    }
    ts.forEachChild(node, (child) => visit(child, scope));
  };
  visit(source, '');
  return found;
}

/** The file itself when it has more than `limit` lines. */
export function longFile(path: string, root: string, limit = FILE_LINE_LIMIT): Oversize[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
  return lines > limit ? [{ file: relative(root, path).split('\\').join('/'), name: '', lines }] : [];
}
