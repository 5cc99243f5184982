import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 37a: the configuration a vLLM log states, in every form. The quantization method vLLM runs is stated by lines
 * of its own besides the config dumps: ModelConfig's check (`gptq quantization is not fully optimized yet. ...`, a
 * WARNING from 0.2 on, printed after any kernel override) and the GPTQ/AWQ kernel override (`The model is convertible
 * to awq_marlin during runtime. Using awq_marlin kernel.`, or `Detected that the model can run with gptq_marlin,
 * however you specified quantization=gptq explicitly, so forcing gptq. ...`). A start-up whose `non-default args` or
 * command did not name --quantization showed the method only there. Every text is written for the test in the printed
 * layout.
 */

const nonDefault = (model: string) =>
  `INFO 03-02 09:14:20 [cli_args.py:325] non-default args: {'model': '${model}', 'dtype': 'float16', 'max_model_len': 12288, 'gpu_memory_utilization': 0.88}`;
const notOptimized = (method: string, where = "config.py:960") =>
  `WARNING 03-02 09:14:31 [${where}] ${method} quantization is not fully optimized yet. The speed can be slower than non-quantized models.`;

describe("real formats 37a: the quantization method stated by vLLM's own lines", () => {
  for (const [wrap, wrapText] of WRAPS) {
    it(`reads the method from ModelConfig's check, ${wrap}`, async () => {
      const text = [
        "INFO 03-02 09:14:18 [__init__.py:244] Automatically detected platform cuda.",
        nonDefault("/srv/models/Mixtral-8x7B-Instruct-int4-gptq"),
        "INFO 03-02 09:14:31 [config.py:1472] Using max model len 12288",
        notOptimized("gptq"),
      ].join("\n");
      const r = await analyzeText(wrapText(text) + "\n");
      const c = r.facts.config;
      expect(c.quantization).toBe("gptq");
      expect(c.model).toBe("/srv/models/Mixtral-8x7B-Instruct-int4-gptq");
      expect(c.maxModelLen).toBe(12288);
      expect(c.gpuMemoryUtilization).toBe(0.88);
      // a warning of a slow kernel is no failure
      expect(r.facts.firstError).toBeNull();
      expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    });
  }

  it("reads every method name vLLM prints (hyphens, underscores, digits), in the old layout too", async () => {
    for (const method of ["awq", "compressed-tensors", "fbgemm_fp8", "mxfp4", "bitsandbytes", "ascend"]) {
      const r = await analyzeText(`WARNING 11-08 21:40:02 config.py:140] ${method} quantization is not fully optimized yet. The speed can be slower than non-quantized models.\n`);
      expect(r.facts.config.quantization, method).toBe(method);
    }
  });

  it("takes the kernel vLLM switched to, and the one a user forced", async () => {
    const converted = await analyzeText([
      nonDefault("/srv/models/Qwen2.5-32B-Instruct-AWQ"),
      "INFO 03-02 09:14:30 [awq_marlin.py:114] The model is convertible to awq_marlin during runtime. Using awq_marlin kernel.",
    ].join("\n") + "\n");
    expect(converted.facts.config.quantization).toBe("awq_marlin");
    const forced = await analyzeText([
      "INFO 07-19 08:02:51 gptq_marlin.py:112] Detected that the model can run with gptq_marlin, however you specified quantization=gptq explicitly, so forcing gptq. Use quantization=gptq_marlin for faster inference",
      notOptimized("gptq", "config.py:335"),
    ].join("\n") + "\n");
    expect(forced.facts.config.quantization).toBe("gptq");
  });

  it("lets the engine's banner outrank the lines, and leaves prose and other engines' lines alone", async () => {
    const banner = await analyzeText([
      notOptimized("awq"),
      "INFO 03-02 09:14:33 [llm_engine.py:240] Initializing a V0 LLM engine (v0.8.5) with config: model='/srv/models/Qwen2.5-7B-AWQ', speculative_config=None, tokenizer='/srv/models/Qwen2.5-7B-AWQ', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.float16, max_seq_len=8192, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=1, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=awq_marlin, enforce_eager=False, kv_cache_dtype=auto, seed=0, served_model_name=qwen, use_cached_outputs=False, ",
    ].join("\n") + "\n");
    expect(banner.facts.config.quantization).toBe("awq_marlin");
    const prose = await analyzeText("the docs say awq quantization is not fully optimized yet on this card\n");
    expect(prose.facts.config.quantization).toBeNull();
    const other = await analyzeText([
      "[2026-03-02 09:14:30] server_args=ServerArgs(model_path='openai/gpt-oss-20b', tp_size=1)",
      "[2026-03-02 09:14:31 TP0] mxfp4 quantization is not fully optimized yet. The speed can be slower than non-quantized models.",
    ].join("\n") + "\n");
    expect(other.facts.config.quantization).toBeNull();
  });
});
