import { describe, expect, it } from "vitest";
import { analyzeText, eolsFor } from "./rules/analyze-text.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { renderText } from "../src/report/text.js";
import type { Report } from "../src/facts/schema.js";

/**
 * `gpu.platform`: the device platform vLLM names when it is imported (vllm/platforms: `Automatically detected platform
 * X.` for a built-in one, `Platform plugin X is activated` for an out-of-tree plugin, ≈v0.6.5 on), or the banner's
 * `device_config` other than cuda. Read through the whole pipeline, behind the wrappers users' collectors write.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T16:20:01.204117893Z ${l}`],
  ["docker compose", (l) => `vllm-tpu-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=5121, ip=10.4.0.7) ${l}`],
];

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(lines.map(wrap).join(eol) + eol), `${name} ${JSON.stringify(eol)}`);
}

const banner = (version: string, tp: number, device: string) =>
  `INFO 12-06 16:20:05 llm_engine.py:237] Initializing an LLM engine (v${version}) with config: model='org/chat-70b', speculative_config=None, tokenizer='org/chat-70b', dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=${tp}, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto, device_config=${device}, seed=0, served_model_name=org/chat-70b`;

describe("the platform vLLM names", () => {
  it("reads the built-in platform of every era's prefix", async () => {
    const lines: [string, string][] = [
      ["INFO 01-20 09:14:02 __init__.py:183] Automatically detected platform rocm.", "rocm"],
      ["INFO 05-20 20:12:25 [__init__.py:239] Automatically detected platform cuda.", "cuda"],
      ["(APIServer pid=88) INFO 11-02 08:00:01 [__init__.py:216] Automatically detected platform tpu.", "tpu"],
      ["(EngineCore_DP0 pid=301) INFO 11-02 08:00:09 [__init__.py:216] Automatically detected platform xpu.", "xpu"],
    ];
    for (const [line, platform] of lines)
      await eachWrap([line], (r, at) => {
        expect(r.facts.gpu.platform, `${line} ${at}`).toBe(platform);
        expect(r.facts.sources["gpu.platform"]?.text, at).toContain("Automatically detected platform");
      });
  });

  it("an out-of-tree plugin's name, which outranks a detected platform and a banner", async () => {
    await eachWrap(
      [
        "INFO 06-11 03:12:40 [__init__.py:30] Available plugins for group vllm.platform_plugins:",
        "INFO 06-11 03:12:40 [__init__.py:32] - ascend -> vllm_ascend:register",
        "INFO 06-11 03:12:40 [__init__.py:44] Platform plugin ascend is activated",
        "INFO 06-11 03:12:41 [__init__.py:239] Automatically detected platform cpu.",
        banner("0.9.1", 4, "npu"),
      ],
      (r, at) => expect(r.facts.gpu.platform, at).toBe("ascend"),
    );
  });

  it("a banner's device other than cuda, when no line names the platform; cuda and auto say nothing", async () => {
    await eachWrap([banner("0.5.4", 2, "neuron")], (r, at) => expect(r.facts.gpu.platform, at).toBe("neuron"));
    expect((await analyzeText(banner("0.5.4", 2, "cpu") + "\n")).facts.gpu.platform).toBe("cpu");
    // (ROCm builds printed `device_config=cuda` too: a CUDA-alike device, not a platform)
    expect((await analyzeText(banner("0.6.3", 2, "cuda") + "\n")).facts.gpu.platform).toBeNull();
    expect((await analyzeText(banner("0.6.3", 2, "auto") + "\n")).facts.gpu.platform).toBeNull();
  });

  it("near misses name no platform: DEBUG probes, prose, an unspecified platform", async () => {
    const r = await analyzeText(
      [
        "DEBUG 05-20 20:12:25 [__init__.py:35] Checking if TPU platform is available.",
        "DEBUG 05-20 20:12:25 [__init__.py:52] TPU platform is not available because: No module named 'libtpu'",
        "INFO 05-20 20:12:25 [__init__.py:253] No platform detected, vLLM is running on UnspecifiedPlatform",
        "INFO 05-20 20:12:26 [api_server.py:1043] Automatically detected platform cuda is what the user said earlier",
      ].join("\n") + "\n",
    );
    expect(r.facts.gpu.platform).toBeNull();
    expect(r.facts.missing.some((m) => m.fact === "gpu.platform")).toBe(true);
  });

  it("shows in the text and Markdown reports", async () => {
    const r = await analyzeText(["INFO 05-20 20:12:25 [__init__.py:239] Automatically detected platform tpu.", banner("0.8.5", 8, "tpu")].join("\n") + "\n");
    expect(renderMarkdown(r)).toMatch(/\| platform \| tpu \|/);
    expect(renderText(r, { color: false })).toMatch(/\n {2}platform +tpu\n/);
  });
});

describe("advice that depends on the platform", () => {
  const tp16 = (platform: string | null) =>
    [...(platform ? [`INFO 05-20 20:12:25 [__init__.py:239] Automatically detected platform ${platform}.`] : []), banner("0.8.5", 16, platform === "tpu" ? "tpu" : "cuda")].join("\n") + "\n";
  const finding = (r: Report) => r.findings.find((f) => f.ruleId === "vllm/tp-spans-nodes");

  it("vllm/tp-spans-nodes: NVLink and NCCL's InfiniBand advice on CUDA or no platform named", async () => {
    for (const p of [null, "cuda"]) {
      const f = finding(await analyzeText(tp16(p)));
      expect(f?.message, String(p)).toContain("far slower than NVLink inside a node");
      expect(f?.remediation.at(-1), String(p)).toContain("make sure NCCL uses InfiniBand with GPU Direct RDMA");
    }
  });

  it("vllm/tp-spans-nodes: xGMI on ROCm; HCCS and no NCCL advice on Ascend", async () => {
    expect(finding(await analyzeText(tp16("rocm")))?.message).toContain("far slower than Infinity Fabric (xGMI) inside a node");
    const ascend = finding(await analyzeText(tp16("ascend").replace("Automatically detected platform ascend.", "Platform plugin ascend is activated")));
    expect(ascend?.message).toContain("far slower than HCCS inside a node");
    expect(ascend?.remediation.join("\n")).not.toContain("NCCL");
  });

  it("vllm/tp-spans-nodes: quiet on TPU, whose slice joins its hosts' chips by ICI", async () => {
    await eachWrap(tp16("tpu").trimEnd().split("\n"), (r, at) => {
      expect(r.facts.config.tensorParallelSize, at).toBe(16);
      expect(finding(r), at).toBeUndefined();
    });
  });
});
