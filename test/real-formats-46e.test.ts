import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";

/**
 * Formats found in a forty-sixth round of real logs: the one to ten lines a user quotes alone in an issue (its title, its
 * first comment). Every text here is written for the test in the printed layout, with wrappers the excerpts did not all
 * show (kubectl --timestamps, docker compose, a Ray prefix, CRLF).
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T14:30:00.123456789Z ${l}`],
  ["docker compose", (l) => `llm-api-1  | ${l}`],
  ["Ray prefix", (l) => `(MyActor pid=4242) ${l}`],
];

async function eachWrap(lines: string[], check: (r: Awaited<ReturnType<typeof analyzeText>>, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS) {
    for (const eol of eolsFor(wrap)) {
      check(await analyzeText(lines.map(wrap).join(eol) + eol), `${name} ${JSON.stringify(eol)}`);
    }
  }
}

const NO_BLOCKS = "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.";

describe("an exception line a user's note in CJK script runs into is still the failure", () => {
  for (const note of ["报错", "错误：", "エラー ", "오류"]) {
    it(`\`${note}ValueError: …\` is the first error and names the cause`, async () => {
      await eachWrap([`${note}${NO_BLOCKS}`], (r, at) => {
        expect(r.facts.firstError?.line, at).toBe(1);
        expect(r.facts.firstError?.text, at).toContain("ValueError: No available memory");
        expect(ids(r, "error"), at).toEqual(["vllm/no-kv-cache-memory"]);
      });
    });
  }

  it("a CJK sentence that only mentions an error word is no failure line", async () => {
    const r = await analyzeText("请问这个问题怎么解决: 我的显卡是RTX3090\n");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("a `raise` code line joined to its own exception line (an issue title) reports the exception", () => {
  it("`raise ValueError(\"…\" ValueError: …` is the first error", async () => {
    await eachWrap([`raise ValueError("No available memory for the cache blocks. " ${NO_BLOCKS}`], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r, "error"), at).toEqual(["vllm/no-kv-cache-memory"]);
    });
  });

  it("a dotted class printed after the raise of its short name counts too", async () => {
    const r = await analyzeText('raise EngineDeadError( vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.\n');
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("a raise line whose message merely holds `Name: ` of another class is code, no failure", async () => {
    const r = await analyzeText('raise ValueError("expected key: got " + repr(k))\n');
    expect(r.facts.firstError).toBeNull();
    const r2 = await analyzeText('raise ValueError(f"bad value {x} KeyError: {y}")\n');
    expect(r2.facts.firstError).toBeNull();
  });
});

describe("`Engine core initialization failed` alone shows V1", () => {
  for (const procs of ["{}", "{'EngineCore_0': 1}", "{'EngineCore_DP0': 1, 'EngineCore_DP1': 1}"]) {
    it(`the one line with Failed core proc(s): ${procs} is V1 and the engine failing to start`, async () => {
      await eachWrap([`RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): ${procs}`], (r, at) => {
        expect(r.facts.vllm.engine, at).toBe("v1");
        expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      });
    });
  }

  it("0.8's shorter wording (no proc list) is V1 too", async () => {
    const r = await analyzeText("RuntimeError: Engine core initialization failed. See root cause above.\n");
    expect(r.facts.vllm.engine).toBe("v1");
  });

  it("V0's own start-up failure gives no engine", async () => {
    const r = await analyzeText("RuntimeError: Engine process failed to start. See stack trace for the root cause.\n");
    expect(r.facts.vllm.engine).not.toBe("v1");
  });
});

describe("one or two quoted lines name the cause the catalog knows and invent nothing", () => {
  it("PyTorch's NCCL error line alone: nccl/system-error, the NCCL version, no ranks", async () => {
    await eachWrap(
      ["RuntimeError: NCCL error in: /pytorch/torch/lib/c10d/ProcessGroupNCCL.cpp:517, unhandled system error, NCCL version 2.7.8", "ncclSystemError: System call (socket, malloc, munmap, etc) failed."],
      (r, at) => {
        expect(ids(r, "error"), at).toEqual(["nccl/system-error"]);
        expect(r.facts.nccl.version, at).toBe("2.7.8");
        expect(r.facts.firstError?.line, at).toBe(1);
        expect(r.facts.nccl.nodes, at).toBeNull();
        expect(r.facts.config.model, at).toBeNull();
      },
    );
  });

  it("the KV check's sentence with no `ValueError:` still reads max_model_len and names the cause", async () => {
    const r = await analyzeText(
      "The model's max seq len (8192) is larger than the maximum number of tokens that can be stored in KV cache (2048). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine\n",
    );
    expect(ids(r, "error")).toEqual(["vllm/kv-cache-too-small"]);
    expect(r.facts.config.maxModelLen).toBe(8192);
    expect(r.facts.config.tensorParallelSize).toBeNull();
  });
});

describe("NCCL ≤2.3's WARN (no `NCCL` token) quoted alone is an NCCL failure, and its benign kind stays benign", () => {
  const warn = "include/socket.h:344 WARN Socket creation failed : Address family not supported by protocol";
  for (const [name, line] of [
    ["message part only", warn],
    ["with its host:pid:tid [dev] head", `gpu-b3:5120:5120 [2] ${warn}`],
  ] as const) {
    it(`${name}: nccl/error citing the line, no first NCCL WARN (the legacy form is none)`, async () => {
      await eachWrap([line], (r, at) => {
        expect(ids(r, "error"), at).toEqual(["nccl/error"]);
        expect(r.facts.firstError?.line, at).toBe(1);
        expect(r.facts.nccl.firstWarn, at).toBeNull();
      });
    });
  }

  it("the libibverbs advisory in that form gives no error", async () => {
    const r = await analyzeText("gpu-b3:5120:5120 [0] misc/ibvwrap.cu:61 WARN Failed to open libibverbs.so[.1]\ngpu-b3:5120:5120 [0] INFO Using internal Network Socket\n");
    expect(ids(r, "error")).toEqual([]);
  });

  it("another program's `file.c:N WARN` record is no NCCL line", async () => {
    const r = await analyzeText("src/app/server.c:88 WARN slow client 10.0.0.4\n");
    expect(ids(r)).not.toContain("nccl/error");
  });
});

describe("an exception line quoted in markdown's inline code is the failure it reports", () => {
  const exc = "ValueError: The number of required GPUs exceeds the total number of available GPUs in the placement group.";
  for (const ticks of ["`", "```"]) {
    it(`${ticks}…${ticks} under a bullet: the first error and vllm/ray-insufficient-resources`, async () => {
      await eachWrap(["- error", `  ${ticks}${exc}${ticks}`], (r, at) => {
        expect(r.facts.firstError?.line, at).toBe(2);
        expect(ids(r, "error"), at).toEqual(["vllm/ray-insufficient-resources"]);
      });
    });
  }

  it("inline code naming an exception class in prose is no failure line", async () => {
    const r = await analyzeText("I looked up `ValueError: ` in the docs and `KeyError` too\n");
    expect(r.facts.firstError).toBeNull();
  });
});
