import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { JsonDigester, digestJsonStream } from "../src/input/json-digest.js";

const enc = (s: string) => Buffer.from(s, "utf8");
function digest(text: string, chunk = 1 << 20, opts = {}): string {
  const d = new JsonDigester(opts);
  const bytes = enc(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(Buffer.from(d.push(bytes.subarray(i, i + chunk))));
  return Buffer.concat(out).toString("utf8");
}

describe("JSON digest (src/input/json-digest)", () => {
  it("passes text that does not start with { or [ through byte for byte", () => {
    const log = 'INFO 05-02 11:20:31 [core.py:61] {"a": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18]}\n';
    expect(digest(log, 7, { keep: 2 })).toBe(log);
  });

  it("shortens long arrays to valid JSON with a summary and cuts long strings in arrays", () => {
    const doc = { completed: 3, errors: ["", "boom", "", "late failure", ""], ttfts: Array.from({ length: 40 }, (_, i) => i / 10), texts: ["x".repeat(1000)] };
    const out = JSON.parse(digest(JSON.stringify(doc), 1 << 20, { keep: 2, maxString: 8 }));
    expect(out.completed).toBe(3);
    expect(out.errors).toEqual(["", "boom", { $elided: 3, $length: 5, $nonEmptyStrings: 2 }]);
    expect(out.ttfts).toEqual([0, 0.1, { $elided: 38, $length: 40, $nonEmptyStrings: 0 }]);
    expect(out.texts).toEqual(["xxxxxxxx…"]);
  });

  it("never shortens objects or arrays of objects (nccl-tests -J rows)", () => {
    const doc = { results: Array.from({ length: 30 }, (_, i) => ({ size: 8 << i })), env: { A: "y".repeat(600) } };
    expect(JSON.parse(digest(JSON.stringify(doc), 1 << 20, { keep: 2, maxString: 8 }))).toEqual(doc);
  });

  it("gives the same bytes whatever the chunk size, and never cuts inside an escape or a UTF-8 sequence", () => {
    const doc = JSON.stringify({ t: ["é€\\n\\u00e9\"ab".repeat(20), "ok"], n: [1, [2, 3, [4, 5, 6]], "s", 7, 8, 9] });
    const whole = digest(doc, 1 << 20, { keep: 3, maxString: 11 });
    for (const chunk of [1, 2, 3, 5, 13]) expect(digest(doc, chunk, { keep: 3, maxString: 11 })).toBe(whole);
    for (let max = 1; max < 30; max++) expect(() => JSON.parse(digest(doc, 4, { keep: 3, maxString: max }))).not.toThrow();
  });

  it("keeps every newline, so line numbers of indented JSON stay those of the file", () => {
    const doc = JSON.stringify({ avg_latency: 1, latencies: Array.from({ length: 30 }, () => 0.5) }, null, 4);
    const out = digest(doc, 1 << 20, { keep: 2 });
    expect(out.split("\n").length).toBe(doc.split("\n").length);
    expect(JSON.parse(out).latencies[2]).toEqual({ $elided: 28, $length: 30, $nonEmptyStrings: 0 });
  });

  it("recovers after a line that is not JSON in a JSON-lines stream", () => {
    const out = digest('{"a":[1,2,3]}\nplain "quote line\n{"b":[1,2,3]}\n', 1 << 20, { keep: 1 });
    expect(out.split("\n")[1]).toBe('plain "quote line');
    expect(JSON.parse(out.split("\n")[2]).b).toEqual([1, { $elided: 2, $length: 3, $nonEmptyStrings: 0 }]);
  });

  it("reads a log whose lines start with a bracket as text, whatever the chunk size (DeepSpeed's records, torchrun's [rankN]:)", () => {
    const argv = Array.from({ length: 30 }, (_, i) => `'--flag${i}'`).join(", ");
    const log = `[2026-03-20 20:31:29,269] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python3', ${argv}] exits with return code = 1\n[rank0]: x = [1, 2, 3]\n`;
    for (const chunk of [1, 2, 7, 1 << 20]) expect(digest(log, chunk, { keep: 2 })).toBe(log);
    // (a JSON-lines stream keeps such a line as written too)
    const mixed = `{"a":[1,2,3]}\n[2026-03-20 20:31:29,269] [INFO] [config.py:9:print] betas ..... [0.9, 0.95]\n`;
    expect(digest(mixed, 3, { keep: 1 }).split("\n")[1]).toBe("[2026-03-20 20:31:29,269] [INFO] [config.py:9:print] betas ..... [0.9, 0.95]");
  });

  it("still digests an array that opens a document, pretty-printed or not", () => {
    const doc = JSON.stringify([{ ttfts: Array.from({ length: 30 }, () => 1) }], null, 2);
    expect(JSON.parse(digest(doc, 5, { keep: 2 }))[0].ttfts[2]).toEqual({ $elided: 28, $length: 30, $nonEmptyStrings: 0 });
    expect(JSON.parse(digest('["a","b","c"]', 1, { keep: 1 }))).toEqual(["a", { $elided: 2, $length: 3, $nonEmptyStrings: 3 }]);
  });

  it("gives back a bracket held at the end of the stream", () => {
    const d = new JsonDigester();
    expect(Buffer.from(d.push(enc("[ "))).toString()).toBe("");
    expect(Buffer.from(d.finish()).toString()).toBe("[ ");
  });

  it("as a stream: a 2 MB one-line result comes out as one short line", async () => {
    const doc = JSON.stringify({ completed: 1000, generated_texts: Array.from({ length: 1000 }, () => "token ".repeat(300)) });
    expect(doc.length).toBeGreaterThan(1 << 20);
    const chunks: Buffer[] = [];
    for await (const c of digestJsonStream(Readable.from([enc(doc)]))) chunks.push(c as Buffer);
    const out = Buffer.concat(chunks).toString("utf8");
    expect(out.length).toBeLessThan(8000);
    expect(JSON.parse(out).generated_texts.at(-1)).toEqual({ $elided: 984, $length: 1000, $nonEmptyStrings: 1000 });
  });
});
