/**
 * JSON files a user gives (configuration, model config, reports): a UTF-8 BOM is dropped, and a syntax error
 * becomes a short message with its line and column, never Node's own text (which quotes the file's bytes,
 * control characters and all).
 */
export function parseJsonFile(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new SyntaxError(jsonErrorWhere(body, (e as Error).message));
  }
}

function jsonErrorWhere(text: string, message: string): string {
  if (text.trim() === "") return "empty, not JSON";
  const m = /position (\d+)/.exec(message);
  if (!m) {
    if (/end of (?:JSON|data) input/i.test(message)) return "not valid JSON: it ends too soon";
    const tok = /^Unexpected token '(.)'/su.exec(message);
    return tok ? `not valid JSON: unexpected ${JSON.stringify(tok[1]).replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}` : "not valid JSON";
  }
  const at = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  return `not valid JSON: unexpected text at line ${line}, column ${column}`;
}
