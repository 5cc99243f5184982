import { describe, expect, it } from "vitest";
import { hostileLog, htmlOf, ringLog } from "./helpers/html-logs.js";

/*
 * The HTML post-mortem as an SRE reads it, on log text run through the whole pipeline: what a big job, long host
 * names and long lines do to the page.
 */

const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("HTML report of a job of many hosts", () => {
  it("says where the hosts the pictures leave out are, and counts every host the log names", async () => {
    // 70 hosts: past the 12 the pictures draw, the 48 the matrix draws and the 64 the timeline keeps
    const html = await htmlOf(ringLog(70));
    expect(html).not.toContain('id="transport-matrix"');
    expect(html).toContain('id="node-pair-groups"');
    expect(text(html)).toContain("The first 12 of 70 hosts are drawn; the table of node pairs below groups them all by transport.");
    expect(text(html)).not.toContain("the matrix below has them all");
    // the timeline's lanes are cut at 12 of the 70 hosts, not of the 64 its facts keep
    expect(text(html)).toContain("The first 12 of 70 hosts are drawn.");
    expect(text(html)).not.toContain("of 64 hosts");
    // up to 48 hosts the matrix is drawn and has them all
    const small = await htmlOf(ringLog(20));
    expect(small).toContain('id="transport-matrix"');
    expect(text(small)).toContain("The first 12 of 20 hosts are drawn; the transport matrix below has them all.");
  });
});

describe("HTML report of hostile log text", () => {
  it("cuts a 3,000-character log line in the evidence and the summary, saying how much more the log has, all of it escaped", async () => {
    const html = await htmlOf(hostileLog());
    const oom = /<div class="finding error">[\s\S]*?vllm\/cuda-oom[\s\S]*?<pre>([\s\S]*?)<\/pre>/.exec(html)![1];
    const line = oom.split("\n").find((l) => /run\.log:8: /.test(l))!;
    expect(line).toMatch(/A{100}<span class="muted">… \(2,\d{3} more characters in the log\)<\/span>$/);
    expect(line.match(/A/g)!.length).toBeLessThan(600);
    expect(line).toContain("&#60;b&#62;bold&#60;/b&#62;");
    const first = /<li>First error at [^<]*run\.log:8: <code>([\s\S]*?)<\/code>/.exec(html)![1];
    expect(text(first)).toMatch(/^\(EngineCore_0 pid=42010\) ERROR .{150,200}… \(3,\d{3} more characters in the log\)$/);
    // nowhere does the page hold the line whole
    expect(html).not.toMatch(/A{700}/);
    expect(html).not.toMatch(/<script|<b>|\u001b|\u202e/);
  });
});
