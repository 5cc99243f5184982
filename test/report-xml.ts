/**
 * A small XML 1.0 well-formedness check (no DTDs): legal characters, balanced tags, one root, quoted
 * attributes, only the predefined or numeric entities. Returns the problem, or null when well formed.
 */
export function xmlProblem(xml: string): string | null {
  if (/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)) return "character not allowed in XML";
  const NAME = "[A-Za-z_:][\\w.:-]*";
  const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/;
  let s = xml.replace(/^\uFEFF?<\?xml[^?]*\?>/, "");
  const stack: string[] = [];
  let roots = 0;
  const tag = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
  while (s.length) {
    const lt = s.indexOf("<");
    const text = lt < 0 ? s : s.slice(0, lt);
    if (ENTITY.test(text)) return `bad & in text near ${JSON.stringify(text.slice(0, 40))}`;
    if (text.includes("]]>")) return "]]> in text";
    if (text.trim() && stack.length === 0) return "text outside the root element";
    if (lt < 0) break;
    s = s.slice(lt);
    if (s.startsWith("<!--")) {
      const end = s.indexOf("-->");
      if (end < 0) return "unclosed comment";
      s = s.slice(end + 3);
      continue;
    }
    if (s.startsWith("<![CDATA[")) {
      const end = s.indexOf("]]>");
      if (end < 0 || stack.length === 0) return "bad CDATA";
      s = s.slice(end + 3);
      continue;
    }
    const m = tag.exec(s);
    if (!m) return `malformed tag near ${JSON.stringify(s.slice(0, 60))}`;
    const [whole, close, name, attrs, selfClose] = m;
    if (ENTITY.test(attrs)) return `bad & in attribute of <${name}>`;
    const names = [...attrs.matchAll(new RegExp(`(${NAME})\\s*=`, "g"))].map((a) => a[1]);
    if (new Set(names).size !== names.length) return `duplicate attribute in <${name}>`;
    if (close) {
      if (attrs.trim() || selfClose) return `bad closing tag </${name}>`;
      if (stack.pop() !== name) return `mismatched </${name}>`;
    } else {
      if (stack.length === 0) roots++;
      if (roots > 1) return "more than one root element";
      if (!selfClose) stack.push(name);
    }
    s = s.slice(whole.length);
  }
  if (stack.length) return `unclosed <${stack[stack.length - 1]}>`;
  if (roots !== 1) return "no root element";
  return null;
}
