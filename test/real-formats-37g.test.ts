import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * Round 37g: logs and commands pasted outside GitHub (blogs, forum posts, their mirrors). A blog's editor that joins
 * the lines of a command continued with `\` leaves each continuation's backslash glued to the word after it
 * (`--name c \--ipc=host \-v /a:/m \vllm/vllm-openai:latest \--model /m \--tensor-parallel-size 2`). To the shell a
 * backslash before an ordinary character is that character (`\-` is `-`), so the command still says what it said:
 * its flags, the image and vLLM's arguments after it are read as on separate lines. Every text is written for the
 * test in the printed layout.
 */

const joinedDockerRun = [
  "4. start the container",
  "docker run --gpus all -d -p 8000:8000 --name qwen-vl \\--ipc=host \\--pids-limit -1 \\-v /data/models/Qwen2-VL-7B-AWQ:/model \\-e HF_HUB_OFFLINE=1 \\-e OMP_NUM_THREADS=8 \\vllm/vllm-openai:latest \\--model /model \\--tensor-parallel-size 2 \\--max-model-len 16384 \\--gpu-memory-utilization 0.9 \\--trust-remote-code",
  "- what the flags mean",
].join("\n");

describe("real formats 37g: a continued command whose line breaks an editor took out", () => {
  for (const [name, text] of [
    ["bare", joinedDockerRun],
    ["CRLF", joinedDockerRun.replace(/\n/g, "\r\n")],
  ] as const) {
    it(`reads vLLM's arguments after the image of a joined docker run, ${name}`, async () => {
      const r = await analyzeText(text + "\n");
      expect(r.facts.config).toMatchObject({ model: "/model", tensorParallelSize: 2, maxModelLen: 16384, gpuMemoryUtilization: 0.9 });
      expect(r.facts.firstError).toBeNull();
      expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    });
  }

  it("reads a joined `vllm serve` and a joined `python -m vllm.entrypoints...` alike", async () => {
    const serve = await analyzeText("vllm serve /srv/models/Llama-3.1-70B-Instruct \\--tensor-parallel-size 4 \\--max-model-len 8192 \\--gpu-memory-utilization 0.85\n");
    expect(serve.facts.config).toMatchObject({ model: "/srv/models/Llama-3.1-70B-Instruct", tensorParallelSize: 4, maxModelLen: 8192, gpuMemoryUtilization: 0.85 });
    const module = await analyzeText("python3 -m vllm.entrypoints.openai.api_server \\--model /srv/models/m \\-tp 8 \\--max-model-len 32768\n");
    expect(module.facts.config).toMatchObject({ model: "/srv/models/m", tensorParallelSize: 8, maxModelLen: 32768 });
  });

  it("keeps a path that opens with two backslashes (a Windows share) as written", async () => {
    const r = await analyzeText("python -m vllm.entrypoints.openai.api_server --model \\\\nas01\\models\\qwen2-7b --max-model-len 4096\n");
    expect(r.facts.config.model).toBe("\\\\nas01\\models\\qwen2-7b");
    expect(r.facts.config.maxModelLen).toBe(4096);
  });
});
