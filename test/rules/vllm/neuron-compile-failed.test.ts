import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/neuron-compile-failed.js";
import { run } from "../helpers.js";

describe("vllm/neuron-compile-failed", () => {
  it("names the graph and the compiler's reason, with the bucket advice for a graph too large", () => {
    const f = run(rule, {
      lines: [
        "2025-02-03 11:04:05.000123:  4410  INFO ||NEURON_CC_WRAPPER||: Call compiler with cmd: neuronx-cc compile --target=inf2 --framework=XLA /tmp/w/9c/model.MODULE_8d1f+3e9a77c1.hlo_module.pb --output /tmp/w/9c/model.MODULE_8d1f+3e9a77c1.neff --verbose=35",
        "2025-02-03 11:09:41.000876:  4410  ERROR ||NEURON_CC_WRAPPER||: Failed compilation with ['neuronx-cc', 'compile', '--target=inf2', '--framework=XLA', '/tmp/w/9c/model.MODULE_8d1f+3e9a77c1.hlo_module.pb', '--output', '/tmp/w/9c/model.MODULE_8d1f+3e9a77c1.neff', '--verbose=35']: 2025-02-03T11:09:41Z Too many instructions after unroll for function sg0001 !",
      ],
    });
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/failed to compile graph MODULE_8d1f\+3e9a77c1: Too many instructions after unroll for function sg0001\. Without/);
    expect(f[0].remediation[0]).toMatch(/--max-model-len and --max-num-seqs/);
    expect(f[0].evidence.map((e) => e.line)).toEqual([2]);
  });
  it("a failure the compile cache kept gets the retry advice", () => {
    const f = run(rule, { lines: ["2023-01-10 08:00:01.000001: ERROR ||NCC_WRAPPER||: There was a compilation error for this graph in the previous run. Returning with the errored graph at /var/tmp/neuron-compile-cache/M1/g.neff ."] });
    expect(f[0].message).toMatch(/kept this graph's failure/);
    expect(f[0].remediation[0]).toMatch(/--retry_failed_compilation/);
  });
  it("the wrapper's INFO records and vLLM's compiler flags are no failure", () => {
    expect(run(rule, {
      lines: [
        "2025-02-03 11:04:05.000123:  4410  INFO ||NEURON_CACHE||: Current remaining items are 0, locked are 1, failed are 0, done are 3, total is 4",
        "(EngineCore_DP0 pid=812) INFO:Neuron:Neuron compiler flags: --auto-cast=none --model-type=transformer --lnc=1 -O1 --verbose=35",
        "Compiler status PASS",
      ],
    })).toEqual([]);
  });
});
