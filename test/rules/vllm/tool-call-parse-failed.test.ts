import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/tool-call-parse-failed.js";
import { run } from "../helpers.js";

describe("vllm/tool-call-parse-failed", () => {
  it("names the parser from the record's file and counts whole responses and streamed chunks", () => {
    const f = run(rule, { lines: [
      "(APIServer pid=7) ERROR 03-04 05:06:07 [pythonic_tool_parser.py:120] Error in extracting tool call from response.",
      "(APIServer pid=7) ERROR 03-04 05:06:09 [pythonic_tool_parser.py:210] Error trying to handle streaming tool call.",
    ] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("The `pythonic` tool-call parser could not read the tool call in the model's output (2 times, in responses and streamed chunks)");
  });
  it("stays quiet on the debug line that follows a skipped chunk and on the auto tool choice notice", () => {
    expect(run(rule, { lines: [
      "DEBUG 03-04 05:06:09 [hermes_tool_parser.py:300] Skipping chunk as a result of tool streaming extraction error",
      "INFO 03-04 05:06:00 [serving_chat.py:110] \"auto\" tool choice has been enabled please note that while the parallel_tool_calls client option is preset for compatibility reasons, it will be ignored.",
    ] })).toEqual([]);
  });
});
