import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, saidBy, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/ray-compiled-graph-failed",
  defaultSeverity: "error",
  title: "A Ray compiled graph timed out or lost its channel",
  tags: ["vllm", "ray", "multi-node", "timeout"],
  sources: [
    "vLLM source: vllm/executor/ray_distributed_executor.py and vllm/v1/executor/ray_distributed_executor.py _compiled_ray_dag (each model step runs as a Ray compiled graph over the worker actors; os.environ.setdefault('RAY_CGRAPH_get_timeout', '300'), logged as 'RAY_CGRAPH_get_timeout is set to N'; VLLM_USE_RAY_COMPILED_DAG_CHANNEL_TYPE)",
    "Ray source: python/ray/dag/context.py (RAY_CGRAPH_get_timeout, RAY_CGRAPH_submit_timeout, default 10 s), python/ray/exceptions.py RayChannelError / RayChannelTimeoutError, python/ray/experimental/channel/ (the channels a compiled graph reads)",
    "Ray docs: ray-core/compiled-graph (troubleshooting: a timeout raises RayChannelTimeoutError; an actor's failure tears the graph down)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.rayCompiledGraph"]);
  if (!hits.length) return [];
  const said = saidBy(hits);
  const timedOut = said("timedOut");
  const closedWord = hits.map((h) => h.captures.closed).find((c) => c !== undefined);
  // an exception raised on one of the graph's GPU tensor channel objects (`AttributeError: '_TorchTensorAcceleratorChannel'
  // object has no attribute ...`): the channel itself, set up or torn down, failed
  const onChannel = hits.find((h) => h.captures.channelClass !== undefined);
  const how = closedWord === "RayChannelError"
    ? "RayChannelError"
    : closedWord === undefined && onChannel
      ? `${onChannel.captures.channelError} on its ${onChannel.captures.channelClass}, the channel a tensor crosses between GPUs (pipeline-parallel stages)`
      : "the channel was closed";
  const raylet = said("raylet");
  const seconds = firstValue(hits, "seconds");
  const ray = ctx.facts.config.executorBackend === "ray";
  const where = ray ? "vLLM's Ray executor runs every model step as a Ray compiled graph over its worker actors, so the step, and the engine with it, failed" : "the graph's step failed";
  const what = timedOut
    ? `A Ray compiled graph timed out: the driver waited ${seconds ? `RAY_CGRAPH_get_timeout = ${seconds} seconds` : "RAY_CGRAPH_get_timeout seconds (vLLM sets 300 when it is unset; Ray's own default is 10)"} for a worker's output and none came. One worker was still busy or stuck: a first step that compiles or captures for long, a very long prefill, a collective that hangs between the workers (NCCL across nodes, pipeline-parallel send/recv), or a worker that died without telling the graph.`
    : `A Ray compiled graph lost a channel under a running step (${how}${raylet ? "; the raylet's shared-object path between the processes failed with it" : ""}): the graph is torn down when one of its actors dies or raises, or when the raylet of a node fails. The channel error is what the others saw; the first error of a worker or of the raylet is the cause.`;
  return [{
    message: `${what} Here ${where}.`,
    evidence: hitEvidence(hits),
    evidenceCount: hits.length,
    remediation: [
      "Read the workers' own output before this line (the `(RayWorkerWrapper pid=…)` lines, or /tmp/ray/session_latest/logs/worker-*.err and raylet.out on each node): the first worker error, or the worker whose last line is the furthest behind, is where the step stopped.",
      ...(timedOut
        ? [
            "If a step is legitimately that long (a first step with torch.compile and CUDA graph capture, long prompts, a slow interconnect), raise the timeout: export RAY_CGRAPH_get_timeout=<seconds> (e.g. 1800) in the environment that starts vLLM, before it starts (vLLM only sets 300 when the variable is unset; the log's `RAY_CGRAPH_get_timeout is set to N` shows the value in use).",
            "If a collective hangs (nothing moves on any worker), rerun with NCCL_DEBUG=INFO to see which ranks never joined, and check the network between the nodes (NCCL_SOCKET_IFNAME, the firewall).",
          ]
        : [
            `A raylet that stops on \`An unexpected system state has occurred\` / \`Check failed\` is a Ray failure: use the Ray version the installed vLLM pins, the same on every node, and check the node's memory and /dev/shm (the object store).`,
          ]),
      "On a single node, --distributed-executor-backend mp avoids Ray and its compiled graph altogether.",
    ],
  }];
}

export const rule = defineRule(meta, check);
