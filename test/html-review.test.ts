import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze.js";
import { renderHtml } from "../src/report/html.js";

/*
 * The HTML post-mortem as an SRE reads it, on log text run through the whole pipeline: what a big job, long host
 * names and long lines do to the page.
 */

/** The HTML report of `text` read as one log file. */
export async function htmlOf(text: string, name = "run.log"): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "vd-html-review-")), name);
  writeFileSync(file, text);
  const { report } = await analyze([file]);
  return renderHtml(report);
}

/** An NCCL set-up log of `hosts` nodes of one GPU each, in one ring over IB with GPU Direct RDMA. */
export function ringLog(hosts: number, name = (i: number) => `node-${String(i).padStart(3, "0")}`): string {
  const lines: string[] = [];
  for (let i = 0; i < hosts; i++) {
    const p = `${name(i)}:${1000 + i}:${2000 + i} [0] NCCL INFO`;
    const comm = `comm 0x55d0${(0xa000 + i).toString(16)} rank ${i} nranks ${hosts} cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a3e5c1d9b2f4e60`;
    lines.push(
      `${p} Bootstrap : Using ib0:10.0.${i}.1<0>`,
      `${p} Using network IB`,
      `${p} ncclCommInitRank ${comm} - Init START`,
      `${p} Channel 00/0 : ${i}[0] -> ${(i + 1) % hosts}[0] [send] via NET/IB/0/GDRDMA`,
      `${p} ncclCommInitRank ${comm} - Init COMPLETE`,
    );
  }
  return lines.join("\n") + "\n";
}

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
