import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fastHeader, fastNcclHeader } from "../src/events/nccl-fast-counter.js";
import { FAST_KEY } from "../src/events/nccl-fast-line.js";
import { parseNcclHeader } from "../grammars/nccl.js";

/**
 * The fast counter reads a header with a regular expression instead of the NCCL header grammar (so that a worker
 * thread that only counts loads no grammar): it must name the same host, pid and device, or leave the header alone;
 * and the NCCL reader takes a header of that shape so too (fastNcclHeader): the grammar's whole reading of it.
 */

const hosts = ["gpu-node-a", "ip-10-0-0-1", "node1.cluster.local", "a", "A_b", "x.y-z", "123abc", "h100-sxm-7", "12345", "10.0.0.1", "_x", "-x", "a:b"];
const numbers = ["0", "1", "007", "41000", "4294967295"];
const devs = ["0", "7", "15", "0012"];

function grammarWho(h: string) {
  const p = parseNcclHeader(h);
  return p ? { host: p.host, pid: p.pid, dev: p.dev } : null;
}

describe("fastHeader reads a header as the grammar does", () => {
  it("on generated headers of every shape: the grammar's host, pid and device, or null", () => {
    let read = 0;
    for (const host of hosts) {
      for (const pid of numbers) {
        for (const dev of devs) {
          for (const h of [`${host}:${pid}:${pid} [${dev}]`, `${host}:${pid}:9 [${dev}]`, `${host}:${pid} [${dev}]`, ` ${host}:${pid}:${pid} [${dev}]`, `${host}:${pid}:${pid} [${dev}] `]) {
            const fast = fastHeader(h);
            if (fast === null) continue;
            read++;
            expect(FAST_KEY.test(h), h).toBe(true);
            expect(fast, h).toEqual(grammarWho(h));
            expect(fastNcclHeader(h), h).toEqual(parseNcclHeader(h));
          }
        }
      }
    }
    expect(read).toBeGreaterThan(300);
    // a host without a letter is left to the grammar
    expect(fastHeader("12345:1:2 [0]")).toBeNull();
    expect(fastHeader("10.0.0.1:1:2 [0]")).toBeNull();
  });

  const corpus = join(__dirname, "..", "..", "shared", "corpus", "nccl");
  it.skipIf(!existsSync(corpus))("on every header of the NCCL corpus", () => {
    let read = 0;
    for (const f of readdirSync(corpus).filter((n) => n.endsWith(".log"))) {
      for (const line of readFileSync(join(corpus, f), "latin1").split("\n")) {
        const m = /^(\S+:\d+:\d+ \[\d+\])/.exec(line);
        if (!m) continue;
        const fast = fastHeader(m[1]);
        if (fast === null) continue;
        read++;
        expect(fast, `${f}: ${m[1]}`).toEqual(grammarWho(m[1]));
        expect(fastNcclHeader(m[1]), `${f}: ${m[1]}`).toEqual(parseNcclHeader(m[1]));
      }
    }
    expect(read).toBeGreaterThan(300);
  });
});

describe("the counting worker loads no grammar", () => {
  it("no module reachable from src/parallel/range-worker.ts imports a grammar or chevrotain (only the fast path's patterns, grammars/nccl-fast.ts)", () => {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^"]+)";/gms)) {
        const spec = m[1];
        expect(spec, `${file} imports ${spec}`).not.toMatch(/grammars\/(?!nccl-fast\.js$)|chevrotain/);
        if (spec.startsWith(".")) walk(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      }
    };
    walk(join(__dirname, "..", "src", "parallel", "range-worker.ts"));
    expect(seen.size).toBeGreaterThan(5);
  });
});
