import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliHere } from "./helpers/cli.js";

/** two nodes, one PP communicator across them; `via` as NCCL 2.12+ prints it */
const twoNodes = (via: string): string => {
  const l = (host: string, pid: number, msg: string) => `${host}:${pid}:${pid} [0] NCCL INFO ${msg}`;
  return [
    l("gpu-a", 100, "Bootstrap : Using eth0:10.0.0.1<0>"),
    l("gpu-b", 200, "Bootstrap : Using eth0:10.0.0.2<0>"),
    l("gpu-a", 100, "ncclCommInitRank comm 0x1111 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0xabc1 - Init START"),
    l("gpu-b", 200, "ncclCommInitRank comm 0x2222 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0xabc1 - Init START"),
    l("gpu-a", 100, "comm 0x1111 rank 0 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0"),
    l("gpu-b", 200, "comm 0x2222 rank 1 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0"),
    l("gpu-a", 100, `Channel 00/0 : 0[0] -> 1[0] [send] via ${via}`),
    l("gpu-b", 200, `Channel 00/0 : 1[0] -> 0[0] [send] via ${via}`),
    "",
  ].join("\n");
};

describe("check: a transport kind written as NCCL prints it after `via`", () => {
  it("--forbid-transport NET/Socket/0 fails a run over sockets (it used to never match, and passed)", async () => {
    const r = await runCliHere(["check", "-", "--forbid-transport", "NET/Socket/0"], { input: twoNodes("NET/Socket/0") });
    expect(r.stdout).toContain("FAIL  forbid-transport NET/Socket: inter-node connections use NET/Socket ×2, between 1 node pair: gpu-a ↔ gpu-b");
    expect(r.status).toBe(1);
  });
  it("--require-transport NET/IBext_v8/1/GDRDMA is NET/IB/GDRDMA", async () => {
    const r = await runCliHere(["check", "-", "--require-transport", "NET/IBext_v8/1/GDRDMA"], { input: twoNodes("NET/IBext_v8/0/GDRDMA") });
    expect(r.stdout).toContain("pass  require-transport NET/IB/GDRDMA: every inter-node connection uses NET/IB/GDRDMA (NET/IB/GDRDMA ×2)");
    expect(r.status).toBe(0);
  });
  it("a kind no connection can have is a usage error: NET/OFI/GDRDMA, NET/IB/read", async () => {
    const ofi = await runCliHere(["check", "-", "--require-transport", "NET/OFI/GDRDMA"], { input: twoNodes("NET/OFI/0/GDRDMA") });
    expect(ofi.status).toBe(2);
    expect(ofi.stderr.trim()).toBe("vllm-doctor: --require-transport 'NET/OFI/GDRDMA': NCCL's OFI connections are all of kind NET/OFI (their /GDRDMA is not split out); name NET/OFI, and require GPUDirect RDMA with --require 'nccl.gdr==true'");
    const bad = await runCliHere(["check", "-", "--forbid-transport", "NET/IB/read"], { input: twoNodes("NET/IB/0") });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--forbid-transport 'NET/IB/read' is not a transport kind");
  });
});

describe("configuration found upward", () => {
  it("a dangling .vllm-doctor.json symlink is exit 2, not the parent folder's configuration", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-cfg-"));
    const sub = join(dir, "job");
    mkdirSync(sub);
    writeFileSync(join(dir, ".vllm-doctor.json"), JSON.stringify({ rules: { "nccl/socket-fallback": "off" } }));
    symlinkSync(join(dir, "missing.json"), join(sub, ".vllm-doctor.json"));
    const r = await runCliHere(["check", "-", "--forbid-transport", "NET/Socket"], { input: twoNodes("NET/Socket/0"), cwd: sub });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`vllm-doctor: cannot read configuration: no such file or directory (${join(sub, ".vllm-doctor.json")})`);
  });
});
