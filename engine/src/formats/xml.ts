/**
 * A small tokenizer for the flat, element-only XML that CmTsMedia reads: the WIM's XML data and a
 * management point's `.sms_aut` replies. Elements, attributes in double quotes, text, and the
 * `<?xml ...?>` declaration; no comments, CDATA, DTDs or namespaces (neither producer writes them).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Raw text (entities not yet decoded; see unescapeXml). */
  text: string;
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
export const unescapeXml = (t: string): string =>
  t.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16) % 0x110000) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1)) % 0x110000) : entities[e]!);

/** The document under a synthetic `#root` element; `fail(what)` makes the error for malformed input. */
export function parseXml(text: string, fail: (what: string) => Error): XmlElement {
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z_][\w.:-]*)([^<>]*?)(\/?)>|<\?[^<>]*\?>|([^<]+)|</g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) top.text += m[5];
    else if (m[0] === '<') throw fail(`stray '<' at character ${m.index}`);
    else if (m[2] === undefined) continue; // the <?xml ...?> declaration
    else if (m[1]) {
      if (top.name !== m[2]) throw fail(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else {
      const el: XmlElement = { name: m[2], attrs: {}, children: [], text: '' };
      for (const a of m[3]!.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) el.attrs[a[1]!] = unescapeXml(a[2]!);
      top.children.push(el);
      if (!m[4]) stack.push(el);
    }
  }
  if (stack.length !== 1) throw fail(`<${stack[stack.length - 1]!.name}> is not closed`);
  return root;
}
