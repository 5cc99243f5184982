import { describe, expect, it } from "vitest";
import { expectEqual, expectSame } from "./helpers/hot-expect.js";
import { matchSignatures, SIGNATURES, signatureFreeAroundNumbers, signaturesWithWords } from "../grammars/signatures.js";
import { rng } from "./helpers/cluster-logs.js";
import { analyzeLines } from "../src/analyze.js";
import { finalizeSignals } from "../src/facts/state.js";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { freeWithRunsAgree } from "./helpers/signature-runs.js";

/** The signature ids a line is read as, through the real reader (records, wrappers, the signature table). */
function readAs(line: string): string[] {
  return Object.keys(finalizeSignals(analyzeLines([line]).state)).sort();
}

describe("the signature table: every entry is checked by its own sample lines", () => {
  for (const s of SIGNATURES) {
    it(`${s.id}: its samples are read as it, its near misses are not`, () => {
      expect(s.samples.length).toBeGreaterThan(0);
      for (const line of s.samples) {
        expect(readAs(line), line).toContain(s.id);
        // the same line as a Ray worker or kubectl wrote it
        expect(readAs(`(RayWorkerWrapper pid=7, ip=10.0.0.2) ${line}`), line).toContain(s.id);
        expect(readAs(`2025-11-20T09:14:02.123456789Z ${line}`), line).toContain(s.id);
      }
      for (const line of s.nearMisses ?? []) expect(readAs(line), line).not.toContain(s.id);
    });
  }
  it("ids are unique and say their dialect", () => {
    expect(new Set(SIGNATURES.map((s) => s.id)).size).toBe(SIGNATURES.length);
    for (const s of SIGNATURES) expect(s.id).toMatch(/^(?:nccl|vllm|torch|slurm|mpi|hf)\.[a-z][A-Za-z0-9]+$/);
  });
  it("no value is named as what every hit carries (`message`: the record's words, `level`): a value of that name would never be read", () => {
    const named = (re: RegExp) => [...re.source.matchAll(/\(\?<([A-Za-z]\w*)>/g)].map((m) => m[1]);
    for (const s of SIGNATURES) for (const re of [s.pattern, ...(s.values ?? [])]) expect(named(re).filter((n) => n === "message" || n === "level"), s.id).toEqual([]);
  });
  it("benign NCCL WARNs are never failures (only notable lines a rule may read)", () => {
    const notable = new Set(SIGNATURES.filter((s) => s.level === "info").map((s) => s.id));
    expect(readAs("node:1:2 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]").filter((id) => !notable.has(id))).toEqual([]);
  });
});

describe("alsoOneOf: a word every line a signature's pattern matches holds", () => {
  it("is in every line the pattern matches, of each alternative, in any case, with words around", () => {
    const random = rng(11);
    const next = () => Math.floor(random() * 1e9);
    // pieces of each alternative of the patterns that have one, and near them: the words the pattern needs, cut or changed
    const pieces: Record<string, string[]> = {
      "nccl.bootstrap": [
        "no socket interface found", "socketStartConnect: Connect to 10.0.0.2<45763> failed", "Call to connect failed", "Connect to 10.1.0.1<43511> failed",
        "connect returned Connection timed out", "connect returned Connection refused", "Bootstrap : timeout", "Bootstrap : time out", "Bootstrap : timedout",
        "Bootstrap : timed out", "Bootstrap : failed", "bootstrapNetAccept error", "bootstrapRecv failed", "bootstrapConnect failed", "bootstrapSend: error",
        "Bootstrap : Using eth0:10.0.0.1<0>", "bootstrap 0.88", "Init timings - ncclCommInitRank: rank 3 nranks 16 total 1.51 (bootstrap 0.88, connections 0.61)",
        "socket interface", "connect to", "timings", "tim", "fai", "err", "refuse", "foun", " ", ": ", "x",
      ],
    };
    let tried = 0;
    for (const s of SIGNATURES.filter((x) => x.alsoOneOf)) {
      const list = pieces[s.id];
      expect(list, s.id).toBeDefined();
      for (const line of s.samples) expect(s.alsoOneOf!.some((w) => line.toLowerCase().includes(w)), line).toBe(true);
      for (let n = 0; n < 20000; n++) {
        let line = "host:1:2 [0] NCCL " + (n % 2 ? "WARN " : "INFO ");
        for (let k = next() % 4; k >= 0; k--) {
          const p = list[next() % list.length];
          line += next() % 3 === 0 ? p.toUpperCase() : next() % 5 === 0 ? p.slice(0, 1 + (next() % p.length)) : p;
          line += next() % 2 ? " " : "";
        }
        if (s.pattern.test(line)) {
          tried++;
          expectSame(s.alsoOneOf!.some((w) => line.toLowerCase().includes(w)), true, () => line);
        }
      }
    }
    expect(tried).toBeGreaterThan(1000);
    // and the signature reads them as before: a line without the words is no failure, one with them is
    expect(matchSignatures("h:1:2 [0] NCCL INFO Init timings - ncclCommInitRank: rank 3 nranks 16 total 1.51 (kernels 0.12, bootstrap 0.88)").map((m) => m.id)).toEqual([]);
    expect(matchSignatures("h:1:2 [0] bootstrap.cc:77 NCCL WARN bootstrapRecv: connection timed out").map((m) => m.id)).toContain("nccl.bootstrap");
  });
});

describe("signaturesWithWords: the signatures a line holds a word of, found in one search", () => {
  it("are those of searching for each word, in samples, near misses and words run into each other", () => {
    const ODD = " :/-._x\u212a\u0130";
    const bySearch = (lower: string) => SIGNATURES.map((s) => (s.anyOf.some((w) => lower.includes(w)) ? 1 : 0));
    const words = [...new Set(SIGNATURES.flatMap((s) => s.anyOf))];
    const lines = SIGNATURES.flatMap((s) => [...s.samples, ...(s.nearMisses ?? [])]);
    const random = rng(7);
    const next = () => Math.floor(random() * 1e9);
    for (let n = 0; n < 3000; n++) {
      // words overlapping, one inside another, cut, between odd characters and cases (`connection timed out`, `timeout`)
      let line = "";
      for (let k = next() % 6; k >= 0; k--) {
        const w = words[next() % words.length];
        line += next() % 3 === 0 ? w.slice(next() % w.length) : next() % 4 === 0 ? w.toUpperCase() : w;
        if (next() % 2) line += ODD[next() % ODD.length];
      }
      lines.push(line);
    }
    for (const line of lines) expectEqual([...signaturesWithWords(line.toLowerCase())], bySearch(line.toLowerCase()), () => line);
    // a line as written: its ASCII letters in either case, as a case-insensitive regex reads them (the Kelvin sign is
    // no `k` to it, nor a dotted capital I an `i`)
    const asciiLower = (l: string) => l.replace(/[A-Z]/g, (c) => c.toLowerCase());
    for (const line of lines) expectEqual([...signaturesWithWords(line)], bySearch(asciiLower(line)), () => line);
  });
});

describe("no cap can hide a finding: 5,000 error lines (fifty times the events kept of a kind, two and a half times what --events keeps) before the lines that matter", () => {
  it("every signature rule still fires, with its evidence line and the count", async () => {
    const noise = Array.from({ length: 5_000 }, (_, i) => `ERROR 08-19 10:03:02 [serving_chat.py:200] Error in request chatcmpl-${i}: client disconnected`);
    const tail = [
      "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)",
      "n:3:4 [3] include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'",
      "h:1:1 [0] misc/shmutils.cc:114 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-x (size 9637888)",
      "node:1:2 [0] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<55921> with status=12 opcode=1 len=0 vendor err 129",
      "RuntimeError: CUDA error: out of memory",
    ];
    const r = await analyzeText([...noise, ...tail].join("\n") + "\n");
    for (const id of ["nccl/system-error", "nccl/cuda-error", "nccl/shm-too-small", "nccl/ib-error", "vllm/cuda-oom"]) expect(ids(r)).toContain(id);
    const oom = r.findings.find((f) => f.ruleId === "vllm/cuda-oom")!;
    expect(oom.evidence.map((e) => e.line)).toEqual([5_005]);
    expect(r.findings.find((f) => f.ruleId === "nccl/system-error")!.evidence[0].line).toBe(5_001);
  }, 120_000);
});

describe("signatureFreeAroundNumbers: no signature, whatever numbers stand between the parts", () => {
  const stats = "INFO 08-19 10:02:00 [loggers.py:123] Engine 000: Avg prompt throughput: 812.0 tokens/s, Running: 21 reqs, GPU KV cache usage: 40.0%";
  it("a stats line's parts are free of signatures, and so is every line made of them", () => {
    const parts = stats.split(/[0-9.]+/);
    expect(signatureFreeAroundNumbers(parts)).toBe(true);
    for (const n of ["0", "9", "0.0", "12345.67", "1.", "99999999999"]) expect(matchSignatures(parts.join(n))).toEqual([]);
  });
  it("a part holding a word, or parts a number may complete into one, are not", () => {
    expect(signatureFreeAroundNumbers([stats.split(/[0-9.]+/)[0], ", then Connection refused"])).toBe(false);
    // `.cc:`, `ib_plugin.c`, `gdr 0`, `p2p is`: a number's dot or digit would complete the word
    expect(signatureFreeAroundNumbers(["see misc/socket", "cc: y"])).toBe(false);
    expect(signatureFreeAroundNumbers(["transport/ib_plugin", "c: x"])).toBe(false);
    expect(signatureFreeAroundNumbers(["NET/IB : Using mlx5_ GDR ", " reqs"])).toBe(false);
    expect(signatureFreeAroundNumbers(["P", "P is not supported"])).toBe(false);
    // the same words with text that no number completes
    expect(signatureFreeAroundNumbers(["see misc/socket", " y"])).toBe(true);
    expect(signatureFreeAroundNumbers(["Using GDR", " reqs"])).toBe(true);
  });
});

// (test/helpers/signature-runs.ts; 3,000 cases in test/scale/signatures.test.ts)
freeWithRunsAgree(1000);
