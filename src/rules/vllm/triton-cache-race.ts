import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, saidBy, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/triton-cache-race",
  defaultSeverity: "error",
  title: "Triton's kernel cache lost a file to another process compiling the same kernel",
  tags: ["vllm", "kernels", "startup"],
  sources: [
    "Triton source: python/triton/runtime/cache.py FileCacheManager.put (a file written under `<name>.tmp.pid_<pid>_<id>` and renamed into place with os.replace, up to 3.0; later releases write into a private `tmp.pid_<pid>_<uuid>/` directory first), the cache directory from TRITON_CACHE_DIR or ~/.triton/cache",
    "triton-lang/triton issue 2688 (FileNotFoundError on a `.tmp.pid_` file when processes compile one kernel into a shared cache)",
    "vLLM source: vllm/triton_utils/custom_cache_manager.py (0.4-0.6: `Setting Triton cache manager to: vllm.triton_utils.custom_cache_manager:CustomCacheManager`, a cache directory per process for the multiprocessing workers; later kept only for Triton older than 3.1)",
    "PyTorch source: torch/_inductor/config.py (compile_threads, TORCHINDUCTOR_COMPILE_THREADS) and the Inductor cache directory (TORCHINDUCTOR_CACHE_DIR, default /tmp/torchinductor_<user>, whose triton/ subdirectory Inductor hands to Triton)",
  ],
} satisfies RuleSpec;

/** The cache directory a kernel's key directory sits in: `/root/.triton/cache/<key>` → `/root/.triton/cache`. */
function cacheRoot(keyDir: string): string {
  const cut = keyDir.lastIndexOf("/");
  return cut > 0 ? keyDir.slice(0, cut) : keyDir;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.tritonCacheRace"]);
  if (!hits.length) return [];
  const said = saidBy(hits);
  const file = firstValue(hits, "file") ?? firstValue(hits, "newFile");
  const keyDir = firstValue(hits, "dir") ?? firstValue(hits, "newDir");
  const pid = firstValue(hits, "pid") ?? firstValue(hits, "newPid");
  const inductor = said("inductor");
  const where = keyDir ? ` in ${cacheRoot(keyDir)}` : "";
  const what = file ? `the temporary copy of ${file}${pid ? ` (written by process ${pid})` : ""}` : "a temporary file";
  const when = said("rename") ? "was gone when it was to be renamed into place" : "was gone when it was read";
  const message =
    `Triton's kernel cache${where} lost a file: ${what} ${when}. Several processes compiled the same kernel into one shared ` +
    `cache directory at once and one of them moved or replaced the file under another (a race in Triton's file cache). ` +
    `The process that met it stops: at start-up the engine fails to start, in a run the engine dies at the request that compiled the kernel.`;
  const remediation: string[] = [];
  if (inductor) {
    remediation.push(
      "This directory is torch.compile's (Inductor's) cache, shared by its parallel compile workers and by every process of the job: set TORCHINDUCTOR_COMPILE_THREADS=1, or give each process its own TORCHINDUCTOR_CACHE_DIR (a node-local path per rank).",
    );
  } else {
    remediation.push(
      "Give each process its own Triton cache: TRITON_CACHE_DIR set per worker or rank, on a node-local disk rather than a home or NFS directory the nodes share. vLLM 0.4-0.6 did this itself for its multiprocessing workers (the log then says `Setting Triton cache manager to: vllm.triton_utils.custom_cache_manager:CustomCacheManager`); Ray workers, several servers on one node, or your own processes around vLLM need TRITON_CACHE_DIR (or TRITON_CACHE_MANAGER set to that class) set for them.",
    );
  }
  remediation.push(
    "Upgrade Triton together with the torch and vLLM built for it: from Triton 3.1 each process writes a file into a directory of its own before the rename, and vLLM no longer needs its own cache manager.",
    "A restart usually passes, since the kernel is then in the cache; a start-up that fails only sometimes, always in the Triton compiler, is this race.",
  );
  return [{ message, evidence: hitEvidence(hits), remediation }];
}

export const rule = defineRule(meta, check);
