import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCliHere } from "./helpers/cli.js";

/*
 * Runs the README's benchmark-gate examples exactly as written: every ```console block of the section
 * "Gating benchmark runs" holds `$ vllm-doctor ...` (with `\` continuations), the output it ends with after
 * a `…` line, and `$ echo $?` with the exit code.
 */

interface Example {
  command: string;
  args: string[];
  tail: string[];
  exitCode: number;
}

/** Splits a shell command line into words: plain words and '...' quoting, which is all the README uses. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2]);
  return words;
}

function examples(readme: string): Example[] {
  const start = readme.indexOf("## Gating benchmark runs");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```console\n([\s\S]*?)```/g)].map((block) => {
    const lines = block[1].trimEnd().split("\n");
    let i = 0;
    let command = lines[i].replace(/^\$ /, "");
    while (command.endsWith("\\")) command = command.slice(0, -1).trimEnd() + " " + lines[++i].trim();
    const echo = lines.indexOf("$ echo $?");
    const shown = lines.slice(i + 1, echo);
    const words = shellWords(command);
    expect(words[0]).toBe("vllm-doctor");
    expect(shown[0]).toBe("…");
    return { command, args: words.slice(1), tail: shown.slice(1), exitCode: Number(lines[echo + 1]) };
  });
}

describe("README: gating benchmark runs", () => {
  const list = examples(readFileSync(join(ROOT, "README.md"), "utf8"));

  it("has the serve example and the nccl-tests examples, each against a baseline", async () => {
    expect(list.map((e) => e.args.slice(0, 4))).toEqual([
      ["check", "samples/bench-serve-today.txt", "--baseline", "samples/bench-serve-yesterday.json"],
      ["check", "samples/bench-nccl-today.txt", "--baseline", "samples/bench-nccl-baseline.txt"],
      ["check", "samples/bench-nccl-socket.txt", "--baseline", "samples/bench-nccl-baseline.txt"],
    ]);
    expect(list.map((e) => e.exitCode)).toEqual([1, 0, 1]);
  });

  for (const [i, e] of list.entries()) {
    it(`example ${i + 1}: ${e.command}`, async () => {
      const r = await runCliHere(e.args);
      expect(r.status).toBe(e.exitCode);
      const out = r.stdout.trimEnd().split("\n");
      expect(out.slice(-e.tail.length)).toEqual(e.tail);
      expect(r.stderr).toBe("");
    });
  }

  it("reads quoted words the way a shell does", async () => {
    expect(shellWords("check a.txt --require 'bench.serve.p99TtftMs<=800' --max-regression 'x=5%'")).toEqual(["check", "a.txt", "--require", "bench.serve.p99TtftMs<=800", "--max-regression", "x=5%"]);
  });
});
