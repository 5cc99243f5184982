import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/kv-transfer-failed.js";
import { run } from "../helpers.js";

describe("vllm/kv-transfer-failed", () => {
  it("names the connector's failure type and the remote engine, and points at the side channel", () => {
    const f = run(rule, {
      lines: ["(Worker_TP0 pid=411) ERROR 06-02 11:40:12 [worker.py:812] NIXL transfer failure: handshake_failed | Context: {'failure_type': 'handshake_failed', 'request_id': 'cmpl-9f', 'engine_id': 'dec-0', 'remote_engine_id': 'pre-3'}"],
    });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("the handshake with the remote engine failed (remote engine pre-3)");
    expect(f[0].remediation[0]).toContain("VLLM_NIXL_SIDE_CHANNEL_HOST");
    expect(f[0].remediation.at(-1)).toContain("kv_load_failure_policy");
  });
  it("reads the older handshake line and NIXL missing from the environment", () => {
    const old = run(rule, { lines: ["ERROR 03-14 08:01:09 [nixl_connector.py:540] Handshake with 5a1f2c3d-0e9b-4c7a-8d6e-1f2a3b4c5d6e failed"] });
    expect(old[0].message).toContain("NIXL handshake with the remote engine 5a1f2c3d-0e9b-4c7a-8d6e-1f2a3b4c5d6e failed");
    const missing = run(rule, { lines: ["(EngineCore_DP0 pid=90) ERROR 03-14 08:01:09 [nixl_connector.py:430] NIXL is not available"] });
    expect(missing[0].message).toContain("could not load NIXL");
    expect(missing[0].remediation[0]).toContain("import nixl");
    const code = run(rule, { lines: ["nixl._bindings.nixlBackendError: NIXL_ERR_BACKEND"] });
    expect(code[0].message).toContain("NIXL returned NIXL_ERR_BACKEND");
  });
  it("stays quiet on the connector's start-up lines and on other programs' handshakes", () => {
    expect(run(rule, { lines: ["(EngineCore_DP0 pid=5) INFO 06-02 11:39:01 [nixl_connector.py:802] Initializing NIXL worker 3c2b1a09-8f7e-4d6c-9b5a-0e1d2c3b4a59"] })).toEqual([]);
    expect(run(rule, { lines: ["ERROR 06-02 11:40:12 [session.py:91] Handshake with upstream failed"] })).toEqual([]);
  });
});
