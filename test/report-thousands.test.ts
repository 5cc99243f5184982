import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { renderText } from "../src/report/text.js";
import { renderMarkdown } from "../src/report/markdown.js";

// A big job's counts in the reports a person reads carry thousands separators, as every other number there does
// (`11928 Init COMPLETE`, `P2P/IPC ×667968` and `6 × 2048 ranks` stood beside `2,048 ranks on 256 nodes`).
describe("counts of thousands in the text and Markdown reports", () => {
  it("Init COMPLETE lines, connections by transport, and communicators by shape", async () => {
    const lines: string[] = [];
    const ranks = 1200;
    for (let r = 0; r < ranks; r++) {
      const host = `node-${String(r >> 3).padStart(3, "0")}`;
      const p = `${host}:${1000 + r}:${1000 + r} [${r & 7}] NCCL INFO`;
      lines.push(`${p} ncclCommInitRank comm 0x7f00${r.toString(16)}0 rank ${r} nranks ${ranks} cudaDev ${r & 7} nvmlDev ${r & 7} busId ${(0x18 + (r & 7) * 0x10).toString(16)}000 commId 0x5a5a - Init START`);
      lines.push(`${p} Channel 00/0 : ${r}[${r & 7}] -> ${(r + 1) % ranks}[${(r + 1) & 7}] via P2P/IPC`);
      lines.push(`${p} ncclCommInitRank comm 0x7f00${r.toString(16)}0 rank ${r} nranks ${ranks} cudaDev ${r & 7} nvmlDev ${r & 7} busId ${(0x18 + (r & 7) * 0x10).toString(16)}000 commId 0x5a5a - Init COMPLETE`);
    }
    const r = await analyzeText(lines.join("\n") + "\n");
    const text = renderText(r, { color: false, width: 200 });
    expect(text).toContain("1,200 Init COMPLETE");
    expect(text).toMatch(/connections +P2P\/IPC ×1,200\b/);
    expect(text).toMatch(/communicators +1 × 1,200 ranks across 150 nodes/);
    const md = renderMarkdown(r);
    expect(md).toContain("| Init COMPLETE lines | 1,200 |");
    expect(md).toContain("P2P/IPC ×1,200");
  });
});
