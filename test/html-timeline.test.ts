import { describe, expect, it } from "vitest";
import { renderHtml } from "../src/report/html.js";
import { analyzeText } from "./rules/analyze-text.js";

describe("HTML timeline", () => {
  it("stacks the labels of a host's events on one line (its first warning is its first error) instead of drawing them over each other", async () => {
    const r = await analyzeText(
      [
        "gpu-a:301:301 [0] NCCL INFO Bootstrap : Using eth0:10.1.2.3<0>",
        "gpu-a:301:301 [0] misc/cudawrap.cc:196 NCCL WARN CUDA some PFN functions not found in the library",
        "gpu-b:402:402 [1] NCCL INFO Bootstrap : Using eth0:10.1.2.4<0>",
        "gpu-b:402:402 [1] NCCL INFO comm 0x7f00 rank 1 nranks 2 cudaDev 1 busId 2000 - Init COMPLETE",
        "",
      ].join("\n"),
    );
    const html = renderHtml(r);
    const svg = html.slice(html.indexOf('<svg id="timeline"'), html.indexOf("</svg>", html.indexOf('<svg id="timeline"')));
    const label = (kind: string) => new RegExp(`data-kind="${kind}"><circle cx="([\\d.]+)" cy="(\\d+)"[^]*?<text x="[\\d.]+" y="(\\d+)"[^>]*>([^<]+)</text>`).exec(svg);
    const warn = label("firstWarning");
    const err = label("firstError");
    expect(warn?.[4]).toBe("first warning");
    expect(err?.[4]).toBe("first error");
    // (the same point: one host, one line)
    expect([err?.[1], err?.[2]]).toEqual([warn?.[1], warn?.[2]]);
    expect(Number(err?.[3]) - Number(warn?.[3])).toBe(12);
    // and the line's number drawn once above it
    expect(svg.match(/>line 2</g)).toHaveLength(1);
  });
});
