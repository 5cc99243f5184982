import { signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/hccl-error",
  defaultSeverity: "error",
  title: "HCCL (Ascend's collective library) failed",
  tags: ["hccl", "ascend", "npu", "error"],
  sources: [
    "CANN hccl_types.h (HcclResult: HCCL_E_PARA = 1 … HCCL_E_NETWORK = 19)",
    "torch_npu csrc/distributed/HCCLUtils.hpp (HCCL_CHECK_ERROR: `HCCL function error: …, error code is N`, ERR02200)",
    "CANN docs: HCCL environment variables (HCCL_IF_IP, HCCL_SOCKET_IFNAME, HCCL_CONNECT_TIMEOUT) and hccn_tool",
  ],
} satisfies RuleSpec;

/** hccl_types.h's HcclResult, by value */
const RESULTS: Readonly<Record<string, string>> = {
  "1": "HCCL_E_PARA, a parameter error",
  "2": "HCCL_E_PTR, an empty pointer",
  "3": "HCCL_E_MEMORY, a memory error",
  "4": "HCCL_E_INTERNAL, an internal error",
  "5": "HCCL_E_NOT_SUPPORT, a feature not supported",
  "6": "HCCL_E_NOT_FOUND, a resource not found",
  "7": "HCCL_E_UNAVAIL, a resource unavailable",
  "8": "HCCL_E_SYSCALL, a system call failed",
  "9": "HCCL_E_TIMEOUT, a timeout",
  "10": "HCCL_E_OPEN_FILE_FAILURE, a file could not be opened",
  "11": "HCCL_E_TCP_CONNECT, a TCP connection failed",
  "12": "HCCL_E_ROCE_CONNECT, a RoCE connection failed",
  "13": "HCCL_E_TCP_TRANSFER, a TCP transfer failed",
  "14": "HCCL_E_ROCE_TRANSFER, a RoCE transfer failed",
  "15": "HCCL_E_RUNTIME, a runtime API call failed",
  "16": "HCCL_E_DRV, a driver API call failed",
  "17": "HCCL_E_PROFILING, a profiling API call failed",
  "18": "HCCL_E_CCE, a CCE API call failed",
  "19": "HCCL_E_NETWORK, a network error",
};
/** the results of links between NPUs that could not be made or used */
const LINK_RESULTS = new Set(["7", "9", "11", "12", "13", "14", "19"]);

export const rule = signatureRule(meta, ["vllm.hcclError"], (hits) => {
  const first = (k: string) => hits.find((h) => h.captures[k] !== undefined)?.captures[k];
  const call = first("call");
  const code = first("code");
  const ei = first("ei");
  const reason = hits.find((h) => h.captures.ei !== undefined)?.captures.reason?.trim();
  const init = call !== undefined && /CommInit|CreateSubComm/i.test(call);
  const link = (code !== undefined && LINK_RESULTS.has(code)) || ei !== undefined;
  // a collective's own call (torch_npu's `OPS function error: HcclAllreduce, ...`): the communicator was set up, and
  // a peer did not take part in time
  const collective = call !== undefined && !init && /^Hccl(?:All|Reduce|Broadcast|Send|Recv|Barrier|Scatter|Gather|BatchSendRecv)/i.test(call);
  const timeout = code === "9" || (reason !== undefined && /time/i.test(reason));
  const result = code !== undefined ? ` with error code ${code}${RESULTS[code] ? ` (${RESULTS[code]})` : ""}` : "";
  const cann = ei !== undefined ? `${call || code ? "; " : ": "}CANN error ${ei}${reason ? `, ${reason}` : ""}` : "";
  return {
    message:
      `HCCL, the collective library NPUs communicate through, failed${call ? ` in ${call}` : ""}${result}${cann}.` +
      (collective
        ? ` The collective did not complete: ${link ? "a peer rank did not send or receive its part in time (it stopped or fell behind first)" : "HCCL returned an error from it"}, and this rank stops.`
        : init || link ? " The communicator between the NPUs was not set up, so the ranks cannot run collectives (the workers stop)." : ""),
    remediation: [
      ...(collective && link
        ? ["Look at the other ranks' logs around this time: the rank that did not take part in the collective failed or fell behind first (an exception, an out-of-memory error, a slower code path); this rank only waited for it."]
        : []),
      ...(init || link
        ? [
            "Check that every rank has an NPU of its own and that no other process holds it (`npu-smi info`, ASCEND_RT_VISIBLE_DEVICES); across nodes, set HCCL_IF_IP (or HCCL_SOCKET_IFNAME) to the address the nodes reach each other on, allow HCCL's ports between them, and check each NPU's network port with `hccn_tool -i <device> -link -g` and `hccn_tool -i <device> -net_health -g`.",
          ]
        : []),
      ...(timeout ? ["When ranks start far apart (a slow model load on one node), raise HCCL_CONNECT_TIMEOUT (seconds) on every rank."] : []),
      ...(code === "5" ? ["HCCL_E_NOT_SUPPORT: this NPU model or CANN version does not support the operation or the parallel layout asked for: check the vllm-ascend release notes for the product and CANN version."] : []),
      "HCCL's own reason is in the CANN log of the failing rank (`~/ascend/log/debug/plog`, or under ASCEND_PROCESS_LOG_PATH): find its first `[ERROR] HCCL` line; ASCEND_GLOBAL_LOG_LEVEL=1 logs more. Make every rank run the same CANN, torch_npu and vllm-ascend versions.",
    ],
  };
});
export const check = rule.check;
