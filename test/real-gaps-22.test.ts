import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

// Gaps left by the real-log rounds, each tested on text written for the test in the format's shape.

describe("a flag given twice: the value argparse keeps (the last)", () => {
  it("a `\\`-continued vllm serve command: the later line's value, whatever the wrapper", async () => {
    const lines = [
      "nohup vllm serve /models/Qwen3-32B \\",
      "  --distributed-executor-backend mp \\",
      "  --tensor-parallel-size 2 \\",
      "  --max-model-len 4096 \\",
      "  --tensor-parallel-size 4 \\",
      "  --gpu-memory-utilization 0.85 \\",
      "  --max_model_len 16384 \\",
      "  > /logs/serve.log 2>&1 &",
      "INFO 03-04 05:06:07 [api_server.py:1090] vLLM API server version 0.9.2",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      expect(r.facts.config.tensorParallelSize).toBe(4);
      expect(r.facts.config.maxModelLen).toBe(16384);
      expect(r.facts.config.model).toBe("/models/Qwen3-32B");
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
      expect(r.facts.config.source).toBe("command");
    }
  });

  it("one line: the last of a flag and of its short form", async () => {
    const r = await analyzeText("$ vllm serve org/m -tp 2 --max-model-len 4096 --tensor-parallel-size 8 --max-model-len=32768 -pp 1 -pp=2\n");
    expect(r.facts.config.tensorParallelSize).toBe(8);
    expect(r.facts.config.maxModelLen).toBe(32768);
    expect(r.facts.config.pipelineParallelSize).toBe(2);
  });

  it("`python -m vllm.entrypoints...` over lines, and the flag lines of a paste that lost its backslashes", async () => {
    const cont = await analyzeText(
      ["python3 -m vllm.entrypoints.openai.api_server --model a/first \\", "    --max-model-len 2048 --model b/second \\", "    --max-model-len 8192"].join("\r\n"),
    );
    expect(cont.facts.config.model).toBe("b/second");
    expect(cont.facts.config.maxModelLen).toBe(8192);
    const flags = await analyzeText(["vllm serve org/m --max-model-len 4096", "--tensor-parallel-size 2", "--max-model-len 12000 --tensor-parallel-size 4"].join("\n"));
    expect(flags.facts.config.maxModelLen).toBe(12000);
    expect(flags.facts.config.tensorParallelSize).toBe(4);
  });

  it("docker run over lines: the image's vLLM arguments, the later one kept", async () => {
    const r = await analyzeText(
      [
        "docker run --gpus all --ipc=host -e NCCL_DEBUG=INFO \\",
        "  vllm/vllm-openai:v0.10.1 \\",
        "  --model meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 \\",
        "  --max-model-len 4096",
      ].join("\n"),
    );
    expect(r.facts.config.model).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(r.facts.config.maxModelLen).toBe(4096);
  });

  it("an argument list (YAML args, a JSON array): the last of a repeated flag", async () => {
    const yaml = await analyzeText(
      ["args:", "  - --model", "  - org/m", "  - --max-model-len", '  - "4096"', "  - --tensor-parallel-size", "  - \"2\"", "  - --max-model-len", '  - "65536"'].join("\n"),
    );
    expect(yaml.facts.config.maxModelLen).toBe(65536);
    expect(yaml.facts.config.tensorParallelSize).toBe(2);
    const json = await analyzeText('command: ["vllm", "serve", "org/m", "--max-model-len", "1024", "--max-model-len", "2048"]\n');
    expect(json.facts.config.maxModelLen).toBe(2048);
  });

  it("statements that outrank a later flag: serve's positional model, FastChat's --num-gpus", async () => {
    const serve = await analyzeText(["vllm serve org/positional \\", "  --model org/flag \\", "  --max-model-len 4096"].join("\n"));
    expect(serve.facts.config.model).toBe("org/positional");
    const fastchat = await analyzeText(["python3 -m fastchat.serve.vllm_worker --model-path lmsys/vicuna-7b-v1.5 \\", "  --num-gpus 2 \\", "  --tensor-parallel-size 4"].join("\n"));
    expect(fastchat.facts.config.model).toBe("lmsys/vicuna-7b-v1.5");
    expect(fastchat.facts.config.tensorParallelSize).toBe(2);
  });

  it("two separate commands: the first still counts; the engine's own statement outranks any command", async () => {
    const two = await analyzeText(["vllm serve org/m --max-model-len 4096", "some output", "vllm serve org/m --max-model-len 8192"].join("\n"));
    expect(two.facts.config.maxModelLen).toBe(4096);
    const withArgs = await analyzeText(
      [
        "vllm serve org/m \\",
        "  --max-model-len 4096 \\",
        "  --max-model-len 8192",
        "(APIServer pid=11) INFO 03-04 05:06:07 [utils.py:326] non-default args: {'model_tag': 'org/m', 'model': 'org/m', 'max_model_len': 10240}",
      ].join("\n"),
    );
    expect(withArgs.facts.config.maxModelLen).toBe(10240);
    expect(withArgs.facts.config.source).toBe("non-default-args");
  });
});
