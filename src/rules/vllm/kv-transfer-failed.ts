import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits, saidBy } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/kv-transfer-failed",
  defaultSeverity: "error",
  title: "The KV cache transfer between prefill and decode instances failed (NIXL, UCX, Mooncake)",
  tags: ["vllm", "disaggregated", "network"],
  sources: [
    "vLLM docs: features/nixl_connector_usage.md (VLLM_NIXL_SIDE_CHANNEL_HOST / _PORT, UCX_TLS, kv_load_failure_policy)",
    "vLLM docs: features/disagg_prefill.md (kv_transfer_config, kv_role)",
    "vLLM source: vllm/distributed/kv_transfer/kv_connector/v1/nixl_connector.py (NixlConnectorWorker: handshake, _log_failure)",
    "vLLM source: vllm/distributed/kv_transfer/kv_connector/v1/mooncake_connector.py (batch_transfer_sync_read: 'Mooncake transfer failed')",
    "vLLM source: vllm/distributed/kv_transfer/kv_pipe/mooncake_pipe.py (V0 MooncakePipe: 'Transfer Return Error', 'Allocation Return Error')",
    "Mooncake source: mooncake-transfer-engine/src (worker_pool.cpp, the transports), mooncake-store/src (master_client.cpp, real_client.cpp): glog ERROR records",
    "UCX source: src/ucs/debug/log.c (the record format: file:line UCX LEVEL message)",
  ],
} satisfies RuleSpec;

/** The failure types the connector names (`NIXL transfer failure: <type>`), in words. */
const FAILURES: Record<string, string> = {
  handshake_failed: "the handshake with the remote engine failed",
  handshake_setup_failed: "the handshake with the remote engine could not be set up",
  transfer_failed: "a transfer of KV blocks failed",
  transfer_setup_failed: "a transfer of KV blocks could not be set up",
};

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.nixlFailure"]);
  if (!hits.length) return [];
  const said = saidBy(hits);
  const failure = firstValue(hits, "failure");
  const engine = firstValue(hits, "engine") ?? firstValue(hits, "remote");
  const code = firstValue(hits, "code");
  const unavailable = said("unavailable");
  const mismatch = said("mismatch");
  // Mooncake's own ERROR record (its transfer engine or store, through glog) and V0's MooncakePipe's `Transfer Return Error`
  const mooncakeLog = firstValue(hits, "mooncakeLog");
  const mooncakeFile = firstValue(hits, "mooncakeFile");
  const returnError = firstValue(hits, "returnError");
  const mooncake = said("mooncake") || mooncakeLog !== undefined || returnError !== undefined;
  // the store's client could not reach or register with the Mooncake master (MooncakeStore connectors)
  const store = mooncakeFile !== undefined && /^(?:master_client|real_client|client_service|store_py)\.cpp$/.test(mooncakeFile) && !said("mooncake");
  const ucx = firstValue(hits, "ucx");
  const ret = firstValue(hits, "ret");
  const handshake = failure?.startsWith("handshake") || firstValue(hits, "engine") !== undefined || mismatch || said("handshakeRequest");
  const what = unavailable
    ? "the NixlConnector could not load NIXL in this process (`NIXL is not available`: the `nixl` package, or the UCX libraries it loads, could not be imported), so the instance cannot send or receive KV caches"
    : mismatch
      ? "the NIXL handshake reached an engine other than the one the request named (`Remote NIXL agent engine ID mismatch`): the side channel address the prefill instance advertises leads back to the decode instance itself or to another instance"
      : failure !== undefined
        ? `${FAILURES[failure] ?? `the connector reported \`${failure}\``}${engine ? ` (remote engine ${engine})` : ""}`
        : firstValue(hits, "engine") !== undefined
          ? `the NIXL handshake with the remote engine ${engine} failed`
          : said("handshakeRequest")
            ? "the NIXL handshake for a request failed"
            : code !== undefined
              ? `NIXL returned ${code}`
              : said("mooncake")
                ? `the Mooncake transfer engine could not read the KV blocks from the prefill instance${ret !== undefined ? ` (ret ${ret})` : ""}`
                : ucx !== undefined
                  ? `UCX, the transport NIXL moves the blocks over, reported: ${clip(ucx)}`
                  : returnError !== undefined
                    ? `the Mooncake transfer engine returned an error to vLLM's MooncakePipe (\`${returnError} Return Error\`${ret !== undefined ? `, ret ${ret}` : ""})`
                    : store
                      ? `the Mooncake store's client reported: ${clip(mooncakeLog ?? "an error")} (${mooncakeFile})`
                      : `the Mooncake transfer engine reported: ${clip(mooncakeLog ?? "an error")} (${mooncakeFile})`;
  const remediation: string[] = [];
  if (mismatch)
    remediation.push(
      "Set VLLM_NIXL_SIDE_CHANNEL_HOST on the prefill instance to an address the decode instance reaches (the pod or node IP; it defaults to localhost, which sends the decode instance's handshake back to itself), and give each instance on one host its own VLLM_NIXL_SIDE_CHANNEL_PORT.",
    );
  if (store)
    remediation.push(
      "Check that the Mooncake master (master_server_address in the Mooncake config) and its metadata server are running and reachable from this instance: `Failed to mount segment` means the client could not register its memory with the master.",
    );
  if (mooncake && !store && !handshake && code === undefined)
    remediation.push(
      "Read the Mooncake transfer engine's own lines just before (`Failed to connect to target`, `Connect timeout`, `Transfer slice failed`): they name the prefill address and port it could not reach. Check that address is reachable from the decode instance, the protocol (`mooncake_protocol`: rdma or tcp) and the RDMA devices each side uses.",
    );
  if (unavailable) {
    remediation.push(
      "Install NIXL in the environment vLLM runs in (`pip install nixl`, or the image built with vLLM's KV connectors) and check `python -c \"import nixl\"` in that environment, with the same CUDA version as torch.",
      "If `import nixl` fails on UCX symbols, the UCX bundled with the wheel conflicts with a system UCX: use one of them (LD_LIBRARY_PATH), or build NIXL against the system UCX.",
    );
  } else {
    if (handshake || code === "NIXL_ERR_REMOTE_DISCONNECT")
      remediation.push(
        "Check that the remote instance is alive and reachable from this one on its NIXL side channel: VLLM_NIXL_SIDE_CHANNEL_HOST (an address the other pod or node can reach, not 127.0.0.1 across hosts) and VLLM_NIXL_SIDE_CHANNEL_PORT (one port per TP rank from the base), open in firewalls and network policies.",
        "Run prefill and decode with the same model, dtype, KV-cache dtype and block size; a different TP size on each side needs a vLLM whose NixlConnector supports it (heterogeneous TP).",
      );
    // (a Mooncake connector's failure alone says nothing of NIXL's UCX)
    const mooncakeOnly = mooncake && !handshake && code === undefined && failure === undefined && ucx === undefined;
    if (!mooncakeOnly)
      remediation.push(
        "Check the UCX transports NIXL uses between the instances (UCX_TLS; with RDMA, the devices each side sees and `ucx_info -d`), and rerun with UCX_LOG_LEVEL=info and VLLM_LOGGING_LEVEL=DEBUG to see the step that failed.",
      );
    remediation.push(
      "To keep serving while a peer is unreachable, set kv_load_failure_policy to recompute in --kv-transfer-config (the decode instance then computes the prefill itself).",
    );
  }
  return [{
    message: `Disaggregated serving could not move the KV cache between instances: ${what}${code && (failure !== undefined || engine !== undefined) ? ` (${code})` : ""}.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);

function clip(s: string): string {
  return s.length > 200 ? s.slice(0, 199) + "…" : s;
}
