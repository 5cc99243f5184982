import type { LogRecord, Origin } from "../model.js";

/**
 * Peels what launchers, shippers, terminals and pastes wrap around a log record, in a loop, until
 * nothing more comes off. Keeps what the wrappers say about the origin (process, pid, rank, ip, host).
 */

// Real and ESC-less ANSI SGR sequences (GitHub drops the ESC byte; pagers print it as the text "ESC"; `cat -v`, less and
// vim write it in caret notation, `^[[0;36m`; a paste of Python reprs or Ray output writes it out as the text `\x1b`,
// `\033`, `\u001b` or `\e`; a Windows console copy shows the ESC byte as code page 437's glyph for 0x1B, `←`).
// rsyslog writes each control character of a message as `#` and its three octal digits ($EscapeControlCharactersOnReceive,
// on by default): the ESC byte as `#033` (`#033[1;36m(VllmWorkerProcess pid=382)#033[0;0m ERROR ...`), a CR as `#015`.
// APC `ESC _ ... BEL` carries the Buildkite agent's per-line timestamp in raw job logs (`ESC_bk;t=1741619240123 BEL`).
const ANSI_ANY = /(?:\x1b|ESC|\^\[|\u2190|#033)\[[0-9;]*[A-Za-z]|\\(?:x1[bB]|033|u001[bB]|e)\[[0-9;]*[mK]|\x1b[\]_][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// the same timestamp once a paste has dropped the control bytes
// milliseconds since the epoch: 13 digits (2001-2286), so a line that starts with digits keeps them
const BUILDKITE_APC_RESIDUE = /^_bk;t=\d{13}\x07?/;
// `[0m`, `[1;36m`; a bare `[m` only before a space or the end (never the start of `[model_runner.py:12]`)
const ANSI_RESIDUE = /(?:^|(?<=\s|\)|\]))\[(?:\d{1,3}(?:;\d{1,3})*m|m(?=\s|$))/g;

// `$`: a stamped blank line (kubectl --timestamps, Buildkite) is the stamp alone once its trailing space is trimmed
// SGLang's record stamp names the process's parallel ranks inside its brackets (`[%(asctime)s TP0] `, `[... DP1 TP1] `,
// `[... PP0 TP3] `, `[... EP2] `): the whole bracket is the stamp, not the date and a `TP0] ` left on the message
// A collector may write the zone apart from the time, as Go's time layouts do: the offset after a space, then the zone's
// abbreviation (`2025-10-24T17:12:08.363544040 +08:00 CST `, Go's `Time.String()` `2025-10-24 17:12:08.36 +0800 CST `); the
// abbreviation is taken only after such an offset, and never a level word (`+08:00 INFO ...` keeps its level)
const ISO_TS = /^(?:\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?(?: (?:TP|DP|PP|EP)\d+)+\](?:\s+|$)|\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d| [+-]\d\d:?\d\d(?: (?!(?:INFO|WARN|ERROR|DEBUG|TRACE|FATAL|CRIT|NOTICE)\b)[A-Z]{2,5}(?= ))?)?\]?(?:\s+|$|(?=[A-Za-z(<])))/;
const CRI_STREAM = /^(?:stdout|stderr) [FP](?: |$)/;
// a log viewer's table copied out with its columns tab-separated, the time first: `2025-08-27 16:58:26.962<TAB>worker<TAB><TAB>
// ip-10-0-124-97<TAB>  File "..."` (Anyscale's console for Ray jobs): the short columns between the time and the message
// (a level column is left for the readers)
const VIEWER_COLUMNS = /^(?:[\w.:\-]{0,64}\t){1,3}/;
const LEVEL_COLUMN = /(?:^|\t)(?:DEBUG|INFO|WARN(?:ING)?|ERROR|CRITICAL|FATAL)\t/i;
const BUILDKITE_GUTTER = /^\s*\|\s(?=\s*\[?\d{4}-)/;
const CLOUDWATCH_GUTTER = /^\s*\|\s*(?=\d{4}-\d\d-\d\dT)/;
const TABLE_PIPE = /^\s*\|\s+/;
// `%(asctime)s - %(name)s - %(levelname)s - `, or without the logger's name; a launcher that forwards a container's
// output may tag it after its own header (`2026-05-29 09:14:45,594 - INFO - [container] (APIServer pid=557) ...`); the
// level before a dotted logger name (`%(asctime)s - %(levelname)s - %(name)s - `, vllm-ascend's plugin loggers:
// `2025-03-26 11:48:53 - INFO - vllm_ascend.worker.model_runner - Loading model weights took 5.7560 GB`), a datefmt
// without milliseconds
const PY_LOGGING = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[,.]\d+)? - (?:[\w.\-]+ - )?(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) - (?:[A-Za-z_][\w\-]*(?:\.[\w\-]+)+ - )?(?:\[[a-z][\w\-]*\] (?=\(|(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d ))?/;
const FASTCHAT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \| (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \| [\w.\-]+ \| /;
const GPUSTACK = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? - [\w.\-]+ - (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) - /;
// GPUStack's own ERROR / CRITICAL record (its server and worker loggers are all `gpustack.…`; vLLM's output goes to
// files of its own): only the stamp comes off, so the reader sees the serving framework's record header, as it does
// KServe's (`gpustack.api.middlewares - ERROR - Error processing streaming response: 'usage'`). A space for the `T`
// and microseconds are its newer stamp (`2026-02-25 09:58:44.960623+08:00 - gpustack.worker... - INFO - ...`).
const GPUSTACK_OWN_ERROR = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? - (?=gpustack(?:\.[\w\-]+)* - (?:ERROR|CRITICAL) - )/;
const TORCHSERVE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d+ \[(?:DEBUG|INFO |WARN |ERROR)\s*\] [\w\-.]+ (?:MODEL_LOG|MODEL_METRICS) - /;
const LEMONADE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[\w+\] \(\w+\) /;
// loguru's default format (a launcher that forwards vLLM's output into its own logger):
// `2026-05-06 10:00:01.123 | INFO     | launcher.vllm:_forward:88 - msg`
const LOGURU = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \| (?:TRACE|DEBUG|INFO|SUCCESS|WARNING|ERROR|CRITICAL) *\| [\w.<>\-]+:[\w.<>\-]+:\d+ - /;
const RAY_DRIVER_TS = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?\s+(?=[A-Za-z(<])/;
// an RFC 3339 stamp whose year a paste cut at its head (`025-06-12T11:14:08.162Z ERROR ...`): the `T` and the zone make it
// a stamp; it is taken off but not kept (the date is incomplete)
const CUT_ISO_TS = /^\d{1,3}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\s+(?=[A-Za-z(<\[])/;
// Dynamo's `dynamo-run` forwards each line of its engine subprocess (vLLM, SGLang, TRT-LLM) through Rust's `tracing` under the
// target `dynamo_run::subprocess` (launch/dynamo-run/src/subprocess.rs, at DEBUG; later versions WARN for stderr), the stamp
// peeled: `DEBUG dynamo_run::subprocess:   File "...", line 586, in run_mp_engine`. What follows `: ` is the child's line,
// its indentation kept in the raw line (where the traceback reader measures it)
const DYNAMO_FORWARD = /^(?:TRACE|DEBUG|INFO|WARN|ERROR) +dynamo_run::subprocess: /;
// Xinference ≥2 hands what its model process prints while it loads (vLLM's records and tracebacks) to its `xinference.stdout` /
// `xinference.stderr` loggers (xinference/deploy/utils.py StreamToLogger, each line stripped), written by its text formatter,
// the stamp peeled: `INFO xinference.stderr pid:41 role:worker address:0.0.0.0:26776 node:n1 RuntimeError: ...`
// DJL Serving (AWS LMI / SageMaker large-model containers) hands each line its Python engine prints (vLLM's records, tracebacks,
// djl_python's own `ERROR::…`) to its Java logger under the worker's name and stream: the console layout `%-5level %c{1} %msg`
// (`INFO  PyProcess W-299-model1-stdout: …`; stderr lines at WARN: `WARN  PyProcess W-123-model-stderr: …`; a paste may cut
// the level's first letters), the bracketed `[%-5level] %c{1} - %msg` / `[%-5level] - %msg`, the log file's `%d %-5p %m`
// (its date peeled first). The wrapper's level is the stream's, not the record's; the message after it is read as printed.
const DJL_PYPROCESS = /^(?:\[[A-Z]{4,5} ?\] (?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d )?(?:PyProcess )?- |[A-Z]{1,5} +(?:PyProcess +)?)W-\d+-\S*?-(?:stdout|stderr): ?/;
const XINFERENCE_STREAM = /^(?:DEBUG|INFO|WARNING|ERROR) xinference\.std(?:out|err) pid:\d{1,9} role:\S* address:\S* node:\S* (?=\S)/;
// accelerate's test launcher (`accelerate test`, accelerate.test_utils execute_subprocess_async) echoes each line its child
// printed after the stream's name: `stdout: Device: cuda:2`, `stderr: ERROR:torch.distributed.elastic...:failed (exitcode: -7)`,
// `stderr:   File "...", line 12, in main` (the child's indentation kept)
const STREAM_ECHO = /^std(?:out|err): /;
// journalctl / syslog: `STAMP host ident[pid]: `. The stamp of `-o short` is the locale's month abbreviation (`Aug`, `авг`,
// `mars`, `déc.`, `8月`) and day; `short-precise` adds microseconds; `short-iso` / RFC 5424 is ISO 8601; `short-full` adds the
// weekday and a zone name; `short-unix` is seconds since the epoch.
const SYSLOG_STAMP = String.raw`(?:(?:\p{L}{2,5}\.?|\d{1,2}[\u6708\uc6d4])\s{1,2}\d{1,2}\u65e5?\s\d\d:\d\d:\d\d(?:\.\d+)?|(?:\p{L}{2,3}\s)?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d|\s[A-Z]{2,5})?|\d{9,10}\.\d+)`;
const JOURNALD = new RegExp(String.raw`^${SYSLOG_STAMP} (\S+) ([^\s\[]+)\[(\d+)\]:\s`, "u");
// gunicorn's error log (gunicorn/glogging.py: `error_fmt = "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"`, its datefmt
// `[%Y-%m-%d %H:%M:%S %z]`), the server a Flask or FastAPI app that embeds vLLM runs in: `[2024-07-26 15:21:36 +0000] [109]
// [ERROR] Exception in worker process`. Only the stamp comes off; the reader takes `[pid] [LEVEL] msg` for gunicorn's record.
const GUNICORN_STAMP = /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) [+-]\d{4}\] (?=\[\d{1,9}\] \[(?:DEBUG|INFO|WARNING|ERROR|CRITICAL)\] )/;
const APP_WRAPPER = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]\s+[\w.]+:\d+\s+(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):\s*/;
const COMPOSE = /^([A-Za-z0-9][\w.\-]*?)\s*\|\s(?=\S)/;
// `docker service logs` (Swarm) writes each line behind its task, `service.slot[.taskid]@node`, padded, and `    | `
// (the task id cut to 12 characters, whole with --no-trunc, left out with --no-task-ids; ids for names with --no-resolve)
const SWARM = /^([A-Za-z0-9][\w.\-]*?\.\d{1,5}(?:\.[a-z0-9]{12,25})?)@([A-Za-z0-9][\w.\-]*) *\|(?: |$)/;
// `pm2 logs` writes each line behind `id|name`, padded, and ` | ` (pm2's lib/API/Log.js)
const PM2 = /^(\d{1,6})\|([^\s|]+) +\|(?: |$)/;
// `vllm-1  |     raise ...`, `proj_vllm_1  |   File "..."`: indented text after the prefix; only a name with compose's
// replica index qualifies, so `name  |   value` in a plain-text table is left alone
const COMPOSE_INDENTED = /^([A-Za-z0-9][\w.\-]*?[-_]\d+)\s*\|(?=[ \t]{2,}\S)/;
// a `container_name:` of the compose file replaces the service-and-index name (`vllm_server  |     return cls(`): a name
// without an index qualifies before indented Python traceback text only: a frame or a caret or tilde line after any
// name, a code line shaped as a statement (`return`, `raise`, `await`, `with`, an assignment or a call) after a compound
// name (`vllm_server`, `llm-api`), so no plain-text table cell (`model    |    tp`) is taken for one
const COMPOSE_NAMED_TRACEBACK =
  /^([a-z][a-z0-9]*(?:[_.\-][a-z0-9]+)*)\s*\|(?=[ \t]{2,}(?:File "[^"]+", line \d+|[\^~]{3,}[ \t]*$))|^([a-z][a-z0-9]*(?:[_.\-][a-z0-9]+)+)\s*\|(?=[ \t]{2,}(?:(?:return|raise|await|yield|(?:async )?with|for|if|assert)\b|(?:self\.)?[\w.]+(?:\[[^\]]*\])?\s*=\s*\S|[\w.]+\())/;
// a blank line of the container's output: nothing after the prefix
const COMPOSE_BLANK = /^[A-Za-z0-9][\w.\-]*?[-_]\d+\s*\|$/;
const PROC = /^\((?:[A-Za-z_][\w .=\-|]*? )?pid=(\d+)(?:, ip=([0-9A-Fa-fx.:]+))?\)\s?/;
// the same prefix with its pid blanked by the writer who quoted it (`(EngineCore pid=...)`, `(Worker_TP0 pid=xxx)`,
// `(APIServer pid=<pid>)`): the name still tells the process; no pid is recorded
const REDACTABLE_PROC = /^\(([^()]*?)\s*pid=(\d+|\.{3}|\u2026|[xX*#]{2,8}|<pid>|PID|N)(?:, ip=([0-9A-Fa-fx.:]+))?\)\s?/;
// Ray's driver writes a system process's lines under its name as the pid (ray/_private/worker.py print_worker_logs:
// `(pid=gcs_server) [2025-12-12 15:10:48,697 E 42791 42791] (gcs_server) gcs_server.cc:303: ...`, the node's ip after it)
const RAY_SYSTEM_PROC = /^\(pid=(gcs_server|dashboard|dashboard_agent|runtime_env_agent|log_monitor|monitor|raylet|autoscaler)(?:, ip=([0-9A-Fa-fx.:]+))?\)\s?/;
// a vLLM process's prefix with the whole pid cut out by the writer (`(EngineCore) ERROR [core.py:1136] ...`): only vLLM's
// own process names, and only before a level word, so a parenthesised word in prose stays text
const PIDLESS_VLLM_PROC = /^\((EngineCore(?:_DP\d+|_\d+)?|APIServer(?:_DP\d+)?|ApiServer_\d+|Worker_[A-Z]{2}\d+(?:_[A-Z]{2}\d+)*|VllmWorker(?: rank=\d+)?|VllmWorkerProcess)\) (?=(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) )/;
// Open MPI's --tag-output `[job,rank]<stdout>:`; SageMaker's MPI launcher writes `[1,mpirank:0,algo-1]<stdout>:` (rank and host)
const MPIRUN = /^\[(\d+),(?:mpirank:)?(\d+)(?:,([A-Za-z0-9][\w.\-]*))?\]<(?:stdout|stderr)>:\s?/;
// the same with --timestamp-output (orte/mca/iof/base/iof_base_output.c): ctime's date with its newline dropped, then
// the tag when --tag-output is also given, then the stream: `Thu Jul 18 15:41:05 2024<stdout>:`,
// `Thu Jul  4 09:01:02 2024[1,3]<stderr>:`
const MPIRUN_STAMPED = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4}(?:\[(\d+),(\d+)\])?<(?:stdout|stderr|stddiag)>:\s?/;
const TORCHRUN = /^\[(?:rank|default)(\d+)\]:\s?/;
// moreutils `ts` before each line of a CI console (`cmd 2>&1 | ts`; PyTorch's CI printed it so): its default strftime
// format `%b %d %H:%M:%S` in the C locale, `%.S` for fractions (`Oct 16 02:07:00 RuntimeError: ...`). Tried after
// journald's `STAMP host ident[pid]: `, which begins the same way; the stamp has no year, so none is kept.
const MOREUTILS_TS = /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})?(?: |$)/;
// `gh run view --log` / `--log-failed` (GitHub CLI): each line of a run's job logs behind the job's name and the step's, each
// ended by a TAB (`UNKNOWN STEP` where gh cannot map the line to a step), then the runner's line as stored: its RFC 3339 stamp
// with 7 fraction digits, or a `##[...]` mark. Names hold no TAB; a job name may hold spaces, `/` and parentheses
// (`e2e / multicard (4, 2)`). Only the two columns come off here; the stamp is read below as every stamp is.
const GH_RUN_LOG = /^[^\t]{1,256}\t[^\t]{1,256}\t(?=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z(?: |$)|##\[)/;
// the GitHub Actions runner's marks at the head of a line (workflow commands as the log stores them): `##[group]Run pytest`,
// `##[endgroup]`, `##[error]<message>`, `##[warning]<message>`; the message after the mark is read as any line
const GHA_MARK = /^##\[(?:group|endgroup|error|warning|notice|debug|command|section)\]/;
// GitLab Runner ≥17.0 with FF_TIMESTAMPS (on by default from 18.7): after each line's RFC 3339 stamp with 6 fraction digits, a
// stream id of 2 hex digits, `O` (stdout) or `E` (stderr), and `+` for a line that continues the one before or a space
const GITLAB_STREAM = /^[0-9a-f]{2}[OE](?:\+| |$)/;
// pytest -v's result word with what another thread of the test wrote right after it, before pytest's newline
// (`FAILED[E ProcessGroupNCCL.cpp:1182] [Rank 0] NCCL watchdog thread terminated ...`, `FAILED<TAB>(RayWorker pid=..`),
// perhaps behind the test's node id (`tests/x.py::test_a FAILED[E ...`): taken off only before the head of a record
// that says what it is (a torch glog head, torchrun's tag, an NCCL header, vLLM's level and date, a process prefix, or
// Ray's own logger: `2024-05-13 08:48:35,962<TAB>ERROR worker.py:406 -- Unhandled error ...`, its date, milliseconds
// after a comma, a TAB and the level)
const PYTEST_STATUS_GLUED = /^(?:\S+\.py::\S+ )?(?:PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\t?(?=\[[EWIF](?:\d{4} \d\d:\d\d:\d\d\.\d+(?: +\d+)?)? ?[\w.\-\/]+:\d+\] |\[(?:rank|default)\d+\]:|[\w.\-<>]+:\d+:\d+ \[\d+\]|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) \d\d-\d\d |\([\w .=\-|]*pid=\d|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\t(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) )/;
// horovodrun's own tag (horovod/runner/common/util/safe_shell_exec.py) `[index]<stdout>:` / `[index]<stderr>:`: the
// process index, like a launcher's `[N] `, is no NCCL rank
const HOROVOD = /^\[\d+\]<(?:stdout|stderr)>:\s?/;
const TORCHX = /^\[([A-Za-z_][\w\-]*?)(\d+)(?:\|(\d+))?\]:\s?/;
// TorchX's log printer (`torchx run`, `torchx log`) sets `{role}/{replica_id} ` (coloured on a terminal) before each line
// of a replica, here before the tag torch elastic's --tee sets on a worker's line: `[{role}{local_rank}]:`, or `[N]:` when
// the role is empty (`trainer/0 [1]:[W socket.cpp:558] ...`). The replica id numbers nodes, not ranks.
const TORCHX_REPLICA = /^([A-Za-z_][\w\-]*)\/(\d+) (?=\[(?:[A-Za-z_][\w\-]*?)?\d+(?:\|\d+)?\]:)/;
// torch elastic's --tee tag with an empty role, `[N]:`: N is the worker's local rank (no global rank). Taken off after
// TorchX's replica column, or before a record that says what it is (an NCCL header, a traceback's lines, a glog head).
const ELASTIC_LOCAL_TAG = /^\[(\d+)\]:\s?/;
const BLOCKQUOTE = /^\s*>(?: |$)/;
const BOX_LEFT = /^\s*[\u2502\u2503|]\s/;
// the bar a terminal's or chat client's markdown renderer draws down a quoted block, where GitHub's `> ` would be
// (`▎ ValueError: ...`, `▌ INFO ...`, `┃ ...`): a left-eighths block or a heavy or light vertical, then a space or the
// line's end (an empty quoted line). Not the full, upper and lower blocks (`█ ▀ ▄`) vLLM's ≥0.19 banner is drawn with.
const QUOTE_BAR = /^[\u2589-\u258f\u2502\u2503](?:[ \t]|$)/;
const PICTOGRAPH_MARK = /^\p{Extended_Pictographic}\uFE0F?[ \t]+(?=\S)/u;
const BOX_RIGHT = /\s*[\u2502\u2503]\s*$/;
const RAY_DEDUP = /[ \t]*\[repeated (\d+)x across cluster\](?:\s*\(Ray deduplicates logs[^)]*\)?)?(?:\s+\[[\d;]*)?\s*$/;
// a dedup suffix cut by a hard wrap (`[repeated 2x ac`), and the pieces such wraps leave on the next line
const RAY_DEDUP_CUT = /[ \t]*\[repeated (\d+)x(?: [a-z ]{0,15})?$/;
const RAY_DEDUP_TAIL = " across cluster]";
/** The line without Ray's `[repeated Nx across cluster]` suffix (as peelWrapped drops it), for tests made on an event's raw text. */
export function withoutRayDedup(s: string): string {
  if (!s.includes("[repeated ")) return s;
  const m = RAY_DEDUP.exec(s);
  return m ? s.slice(0, m.index) : s;
}
const RAY_ADVICE_TAIL = /^\S*(?:\s+\S+){0,24}?\s*for more options\.\)\s*$/;
// Google Cloud Logging (Logs Explorer copy / download): `SEVERITY TIMESTAMP [summary field: value] ... message`
const GCP_LOGGING = /^(?:DEFAULT|DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|ALERT|EMERGENCY) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))(?: \[[\w.]+: [^\]]*\])*(?: |$)/;
const KUBECTL_PREFIX = /^\[pod\/([^\/\]\s]+)\/[^\]\s]+\](?:\s|$)/;
const ANSI_QUICK = /\[\d[\d;]*m|\[m(?:\s|$)/;
const NCCL_HOST_AHEAD = /^[\w.\-<>\[\]]+:\d+:\d+ (?:\[\d+\] |NCCL )/;
// an NCCL record cut after its `host:pid:tid` or inside its device's bracket: the rest of the line (a paste's last line)
const NCCL_HEAD_CUT = String.raw`[\w.\-<>]+:\d+:\d+(?: \[\d*)?\s*$`;
// pdsh / pssh `host: `, `ip: ` and srun `--label` `N: ` before an NCCL, vLLM, process-prefixed or torchrun `[rankN]:` record,
// before nccl-tests' output (its `#` lines, and its rows: size, count, type, op, then a number), or before the lines of
// vLLM's benchmark clients (`srun -l vllm bench serve ...`): the serve block's banner, rules and rows as serve.py prints
// them, and the `Throughput:` / `Avg latency:` / `N% percentile latency:` lines of `vllm bench throughput` and `latency`
// the heads of records that say what they are: an NCCL header, vLLM's, a process prefix, torchrun's rank tag
const RECORD_HEAD = String.raw`[\w.\-<>]+:\d+:\d+ \[\d+\]|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) \d\d-\d\d |\([\w .=\-|]*pid=\d|\[(?:rank|default)\d+\]:`;
const PDSH = new RegExp(
  String.raw`^([A-Za-z0-9][\w.\-]*): (?=${RECORD_HEAD}|#(?: nThread \d| Using devices|\s+Rank\s+\d+ | nccl-tests version | Collective test |\s+size\s+count|\s+\(B\)|\s+out-of-place| Out of bounds values| Avg bus bandwidth|\s*$)|\s+\d+\s+\d+\s+[a-z]\w*\s+\S+\s+-?\d|={3,} ?Serving Benchmark Result|={20,}\s*$|-{3,}[A-Z][\w .()\-]*-{3,}\s*$|(?:(?:Successful|Failed) requests|Max(?:imum)? request concurrency|Request rate configured|Traffic request rate|Benchmark duration|Total (?:input|generated) |Request (?:throughput|goodput)|(?:Input|Output|Peak output|Total) (?:[Tt]oken )?throughput|Peak concurrent requests|Acceptance (?:rate|length)|Drafts|Draft tokens|Accepted tokens|Per-position acceptance|\s+Position \d+|(?:Mean|Median|Std|P\d+(?:\.\d+)?) (?:TTFT|TPOT|ITL|E2EL|E2E Latency))[\w ()\/%.]{0,40}: |Avg latency: |\d+(?:\.\d+)?% percentile latency: |Throughput: \d|Total num (?:prompt|output) tokens: )`,
);
// what a collector's tag may stand before besides the records PDSH lists: a Python traceback's header, frame or exception
// line (`Traceback (most recent call last):`, `  File "…", line 12, in f`, `RuntimeError: …`, `pydantic_core._pydantic_core.
// ValidationError: …`) and a glog record's head (`E1216 02:12:49.624646 179 model.py:248] `: Triton, PyTorch's c10 with
// glog), or the head c10's own MessageLogger writes when PyTorch is built without glog, its month not padded:
// `[W416 00:56:59.886593933 socket.cpp:204] ` (2.4 and later: no thread id), `[E ProcessGroupNCCL.cpp:563] ` (before: no time)
const AHEAD_PY_GLOG = String.raw`Traceback \(most recent call last\):|\s*File "[^"]+", line \d+|(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*)?(?:Error|Exception|Interrupt|Exit)(?::\s|:?\s*$)|\[?[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\s\]]+:\d+\] |\[[IWEF](?:\d{3,4} \d\d:\d\d:\d\d\.\d+)? [^\s\]]+:\d+\] `;
// a Python logging record's head in the two formats launchers print their own records in: the bracketed stamp of DeepSpeed's
// logger and of PyTorch 2.1-2.3's torch._logging (`[2024-02-11 22:36:22,106] [INFO] [launch.py:315:sigkill_handler] ...`,
// `[2024-03-01 10:00:00,000] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: 1) ...`), and
// logging.basicConfig's `LEVEL:logger:message` (torchrun ≤2.0: `ERROR:torch.distributed.elastic.multiprocessing.api:failed`),
// and Ray's own Python logger (`%(asctime)s\t%(levelname)s %(filename)s:%(lineno)s -- %(message)s`: a driver's `2025-02-11
// 21:35:17,102 INFO worker.py:1654 -- Connecting to existing Ray cluster at address: ...`, the tab often pasted as a blank)
const AHEAD_PY_LOG = String.raw`\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] |(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[A-Za-z_][\w.]*:|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\s+(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.\-]+\.py:\d+ -- `;
// pdsh / pssh's `host: ` and srun `--label`'s `N: ` before a traceback's header, frame or exception line, a glog head or a
// launcher's Python logging record (a code line under a frame needs no peel: the traceback reader measures it in the raw line)
const PDSH_PY = new RegExp(String.raw`^([A-Za-z0-9][\w.\-]*): (?=${AHEAD_PY_GLOG}|${AHEAD_PY_LOG})`);
// srun --label's task number before an NCCL record cut after its `host:pid:tid` or inside its device's bracket (the last
// line of a paste): a task number, so no word of prose is taken for a host
const SRUN_CUT_NCCL = new RegExp(String.raw`^(\d{1,6}): (?=${NCCL_HEAD_CUT})`);
// an exception's name before its message is no host (`RuntimeError: ValueError: bad value`)
const EXC_NAME_LABEL = /(?:Error|Exception|Warning|Interrupt|Exit|Traceback)$/;
// NVSHMEM's error print, its source file and line first (`/tmp/nvshmem_src/src/host/init/init.cu:1034: non-zero status: 28 ...`,
// `[/build/libnvshmem/src/host/coll/barrier/barrier.cpp:21] cuda failed with ...`: src/events/read-vllm.ts NVSHMEM_ERROR)
const AHEAD_NVSHMEM = String.raw`\[?(?=[\w./-]*?nvshmem)[\w./-]+\.(?:cpp|cu|cc|c|h|hpp)(?::\w+)?:\d+[:\]] `;
// stern's default template, `{{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{.Message}}` (its
// colours peeled above): a pod name (Kubernetes' DNS-1123 subdomain; a generated one holds a `-`), one space, a container
// name (a DNS-1123 label), one space, the message. Taken off only before a record that says what it is (RECORD_HEAD, a
// traceback's line or a glog head, `--timestamps`' RFC 3339 stamp, the `date time` stamp a Python logger such as KServe's
// `2024-07-01 07:28:04.488 1 kserve ERROR [...]` begins with, an NCCL record's `host:pid:tid` that the line ends in or
// after, cut, its device's bracket), so two words of prose stay text (a traceback's code line under a frame needs no
// peel: the traceback reader measures it in the raw line).
const STERN = new RegExp(
  String.raw`^([a-z0-9][a-z0-9.]*(?:-[a-z0-9.]+)+) ([a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?) (?=` +
    `${RECORD_HEAD}|` +
    `${NCCL_HEAD_CUT}|` +
    String.raw`NCCL version |\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d|(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):\s|${AHEAD_PY_GLOG}|${AHEAD_NVSHMEM})`,
);
// `aws logs tail`'s default `--format detailed` (awscli/customizations/logs/tail.py): the event's time as Python's
// `isoformat(timespec='microseconds')` in UTC (`2024-05-16T16:39:51.208000+00:00`), the log stream's name, the message.
// The stream of an ECS task, a SageMaker endpoint or Fluent Bit's tag (`ecs/vllm/4f3c…`, `AllTraffic/i-0ab…`,
// `kube.var.log.containers.vllm-0_ns_vllm-….log`) holds a `/`, `.` or `_` and no `:`; its colour codes are peeled above.
const AWS_LOGS_TAIL = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d) ([^\s:*]*[\/._][^\s:*]*) /;
// Loki's `logcli query` default output (pkg/logcli/output/default.go): an RFC 3339 time, the stream's label set padded
// to the widest one (`{app="vllm", pod="vllm-0"}   `), the line with its surrounding space trimmed. Taken off only after
// the time came off, so a JSON object or a Python dict that begins a line is never read as one; the pod (or host) label
// names the origin as kubectl's prefix does
const LOKI_LABELS = /^\{(?:[A-Za-z_][\w.]*="(?:[^"\\]|\\.)*"(?:, )?)+\}(?: +|$)/;
const LOKI_HOST_LABEL = /[{ ](?:pod|host|hostname|instance)="([^"\\\s]+)"/;
const HALF_PROC = /^([A-Za-z_][\w\-]*(?: [\w=]+)?) pid=(\d+)(?:, ip=([0-9A-Fa-fx.:]+))?\)\s?/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// a launcher's process index (MPICH hydra's `-prepend-rank`, Intel MPI's `-l`: `[%d] `) before an NCCL record, or before a
// Python traceback's header, frame or exception line or a glog head (a code line under a frame needs no peel: the traceback
// reader measures it in the raw line)
// (ELASTIC_LOCAL_TAG where no TorchX column stands before it). Besides those heads, the two lines PyTorch prints after an
// NCCL error's `ncclXxxError:` detail under the same tag: `Last error:`, and the WARN text it names when that is a
// network's (`[5]:NET/GPUDirectTCPX failed to ...`, `[0]:NET/IB : Got completion from peer ...`: NCCL's `NET/<name>` head)
const ELASTIC_LOCAL_AHEAD = new RegExp(String.raw`^\[\d+\]:\s?(?=[\w.\-<>]+:\d+:\d+ \[\d+\]|Last error:|NET\/[A-Za-z][\w-]*[ :]|${AHEAD_PY_GLOG})`);
const LAUNCH_INDEX = new RegExp(String.raw`^\[(\d+)\] (?=[\w.\-<>]+:\d+:\d+ \[\d+\]|${AHEAD_PY_GLOG})`);
// the same index with no space before the NCCL `host:pid:tid [dev] ` prefix it tags (`[15]worker-23:83:2526 [0] misc/socket.cc:503
// NCCL WARN ...`, a Horovod job's pod output as a user pasted it): taken off only before a whole NCCL prefix, which no
// bracketed number begins (a hostname holds no brackets; a redacted one, `[pod-name]:1:2`, has no digits-only brackets)
const LAUNCH_INDEX_GLUED = /^\[\d+\](?=[\w.\-<>]+:\d+:\d+ \[\d+\] )/;
const VIEWER_LINENO = /^\[?\d{1,7}\]?\s+(?=(?:[\w.\-<>]+:\d+:\d+ \[\d+\]|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) \d\d-\d\d |\[rank\d+\]:))/;
// a viewer's line number (`cat -n`'s tab, `less -N`'s blank) before a line of Python's: a process prefix (`(EngineCore_DP0
// pid=311) `), a traceback's header, frame or exception line, a glog head, a launcher's Python logging record, a date and
// time (a collector's or a logger's stamp); only the one tab or blank after the number comes off, so a frame keeps its
// indentation
const VIEWER_LINENO_PY = new RegExp(String.raw`^\d{1,7}[\t ](?=\([\w .=\-|]*pid=\d|${AHEAD_PY_GLOG}|${AHEAD_PY_LOG}|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)`);
const TMUX_SCROLL = /^\[\d+\/\d+\]$/;
// a bare time of day a viewer or a console copy sets before each line (`18:11:06.680 [rank4]:[E205 ...`): taken off only
// before a record that says what it is (torchrun's `[rankN]:`, a glog `[E0205 ...`/`[E ...` head, vLLM's level and date, an
// NCCL `host:pid:tid [dev]` prefix), so a `host:pid:tid` prefix itself, which looks alike, is never read as one. Jenkins'
// Timestamper (`HH:mm:ss` and spaces before each line of a build's console) sets it before a vLLM process's prefix
// (`03:04:05  (APIServer pid=3290) Traceback (most recent call last):`) and before a traceback's own lines, which the
// time is taken off too (a code line under a frame needs no peel: the traceback reader measures it in the raw line)
const CLOCK_PREFIX = new RegExp(
  String.raw`^\d\d:\d\d:\d\d(?:[.,]\d{1,9})?[ \t]+(?=\[rank\d+\]:|\[[EWIF](?:\d{4})? |(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) \d\d-\d\d |[\w.\-<>]+:\d+:\d+ \[\d+\]|\([\w .=\-|]*pid=\d|${AHEAD_PY_GLOG})`,
);
// a runner's per-stream tag before each line of a child's output (milabench: `dinov2-giant-nodes.cn-d003.nolog [stderr] `):
// a name without spaces, then `[stdout]` / `[stderr]` and a space or the line's end
const STREAM_TAG = /^[A-Za-z0-9][\w.\-]{0,127} \[(?:stdout|stderr)\](?: |$)/;
// markdown's bold opener alone before a record's stamp or level word (its closer is on a later line)
const MD_BOLD_OPEN = /^\*\*(?=\d{4}-\d\d-\d\d[T ]\d\d:\d\d|(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:)/;
// a markdown editor's escapes (a forum post, Discourse, Notion) in vLLM's ≥0.8 header: `INFO 04-24 10:21:03
// \[gpu_model_runner.py:4820\] ...`, `\_\_init\_\_.py`; only the header's file bracket is unescaped, the message stays
const ESCAPED_HEAD = /^((?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? )\\\[((?:[\w.\/\-]|\\_)+:\d+)\\\](?= |$)/;
// the same editors escape NCCL's and PyTorch's lines in that paste: `host:pid:tid \[0\] NCCL INFO Channel 00/0 :
// 0\[0\] -> 1\[1\] via P2P/IPC`, `NCCL\_SOCKET\_IFNAME`, `\[rank1\]:\[E502 … ProcessGroupNCCL.cpp:616\] \[Rank 1\] …`.
// NCCL's device bracket or torchrun's rank tag seen escaped marks the line as such a paste (neither prints a backslash
// there); then every `\[`, `\]`, `\_` and `\*` of it is an editor's escape and is undone, wherever a wrapper set it
const MD_ESCAPED_MARK = /[\w.\-<>]:\d+:\d+ \\\[\d+\\\] |\\\[(?:rank|default)\d+\\\]:/;
function unescapeMarkdownPaste(s: string): string {
  return s.replace(/\\([[\]_*])/g, "$1");
}

/** a `[` followed by a digit or `m`, without which ANSI_QUICK cannot match (most lines' brackets hold file names) */
function mayHoldAnsiResidue(s: string): boolean {
  for (let i = s.indexOf("["); i >= 0; i = s.indexOf("[", i + 1)) {
    const c = s.charCodeAt(i + 1);
    if (c === 109 || (c >= 48 && c <= 57)) return true;
  }
  return false;
}

// a colour code of any position once its ESC byte is lost
const ANSI_RESIDUE_ANYWHERE = /\[\d{1,3}(?:;\d{1,3})*m/g;

/**
 * What a launcher's line label says of the line's origin (pdsh/clush's `host: `, srun --label's `N: `): an IPv4
 * address, a task number (its rank) or a host name, kept under what an outer wrapper named already.
 */
export function labelOrigin(label: string, origin: Origin): void {
  if (IPV4.test(label)) origin.ip ??= label;
  else if (/^\d+$/.test(label)) origin.rank ??= Number(label);
  else origin.host ??= label;
}

export function stripAnsi(s: string): string {
  if (s.indexOf("\x1b") < 0 && !(mayHoldAnsiResidue(s) && ANSI_QUICK.test(s))) return s;
  const out = s.replace(ANSI_ANY, "").replace(ANSI_RESIDUE, "");
  // codes glued to the text they colour (vLLM ≥0.12 on a TTY: `[32mINFO[0m [90m12-01 10:00:00[0m [90m[core.py:61][0m`):
  // they come in pairs, so a line that held two or more loses all of them
  if (out.indexOf("m") >= 0 && ANSI_RESIDUE_ANYWHERE.test(out)) {
    ANSI_RESIDUE_ANYWHERE.lastIndex = 0;
    const n = s.match(ANSI_RESIDUE_ANYWHERE)?.length ?? 0;
    ANSI_RESIDUE_ANYWHERE.lastIndex = 0;
    if (n >= 2) return out.replace(ANSI_RESIDUE_ANYWHERE, "");
  }
  ANSI_RESIDUE_ANYWHERE.lastIndex = 0;
  return out;
}

function procOrigin(name: string, origin: Origin): void {
  origin.process ??= name;
  for (const [key, value] of coordsOf(name)) if (origin[key] === undefined) origin[key] = value;
}

type Coord = readonly ["rank" | "tp" | "pp" | "dp", number];
// (a log names a few processes on every line: their coordinates are read once, not by three regular expressions a line)
const coordsByName = new Map<string, readonly Coord[]>();
/**
 * The parallel coordinates vLLM worker names carry (Worker_DP1_PP0_TP3, VllmWorker rank=2, VllmWorker TP1,
 * EngineCore_DP0), in the order they are taken: the first of each key wins.
 */
function coordsOf(name: string): readonly Coord[] {
  let coords = coordsByName.get(name);
  if (coords !== undefined) return coords;
  const out: Coord[] = [];
  const rank = /\brank=(\d+)/.exec(name);
  if (rank) out.push(["rank", Number(rank[1])]);
  for (const m of name.matchAll(/(?:^|[_ ])(TP|PP|DP)(\d+)/g)) out.push([m[1].toLowerCase() as "tp" | "pp" | "dp", Number(m[2])]);
  const dp = /^EngineCore_(?:DP)?(\d+)$/.exec(name);
  if (dp) out.push(["dp", Number(dp[1])]);
  if (coordsByName.size >= 4096) coordsByName.clear();
  coordsByName.set(name, (coords = out));
  return coords;
}

/** the unit's name and pid stand for the process only when no process prefix inside names one (a Ray actor's, say) */
function journald(m: RegExpExecArray, origin: Origin): { process: string; pid: number } {
  origin.host ??= m[1];
  return { process: m[2], pid: Number(m[3]) };
}

export interface Peeled {
  text: string;
  origin: Origin;
  stamp?: string;
}

/** Peels one physical line (or one piece of one). Pure. */
export function peel(raw: string): Peeled {
  return plainRecord(raw) ? { text: raw, origin: {}, stamp: undefined } : peelWrapped(raw);
}

/**
 * A record with nothing to peel, told without trying the wrappers (most lines of an NCCL INFO log): it starts with
 * a letter and a name (`[\w.\-]*`) ended by `:` and a digit, as `host:pid:tid [dev] NCCL …` does, which none of the
 * wrappers below can start with; it ends with a visible ASCII character other than `)` and `]` (no padding, box
 * edge, tmux marker, Ray advice or caret-notation CR to cut); it holds no ESC, no colour residue, no Ray dedup
 * suffix, no markdown auto-link, no editor's `\[` escape and no HTML `<br/>` at its end. Then `peelWrapped` gives the
 * line back whole with no origin (test/peel.test.ts holds the two to each other).
 */
export function plainRecord(s: string): boolean {
  const n = s.length;
  if (n <= RAY_DEDUP_TAIL.length) return false;
  const first = s.charCodeAt(0);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return false;
  const last = s.charCodeAt(n - 1);
  if (last <= 32 || last >= 127 || last === 41 /* ) */ || last === 93 /* ] */) return false;
  let i = 1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!(WORDISH[c] === 1)) break;
  }
  if (s.charCodeAt(i) !== 58 /* : */) return false;
  const d = s.charCodeAt(i + 1);
  if (!(d >= 48 && d <= 57)) return false;
  return s.indexOf("\x1b") < 0 && !mayHoldAnsiQuick(s) && s.indexOf("[repeated ") < 0 && s.indexOf("](http") < 0 && !s.endsWith("^M") && !s.endsWith("#015") && !htmlEscapedPaste(s) && s.indexOf("\\[") < 0 && !(last === 62 /* > */ && htmlBreakAt(s) >= 0);
}

/**
 * A paste that went through an HTML renderer writes `<`, `>`, `&` and quotes as entities: NCCL's connection arrow
 * becomes `0[51000] -&gt; 1[a1000]`, an address's port `10.0.0.1&lt;0&gt;`, and the quotes of vLLM's argument echo
 * `non-default args: {&apos;model&apos;: &apos;/models/x&apos;, ...}` or `Namespace(model=&#39;/models/x&#39;, ...)`
 * (a terminal's "copy as HTML"). Only a line that holds one of those marks is taken for such a paste, and then its
 * entities are written back (one pass, so `&amp;lt;` stays `&lt;`).
 */
const HTML_PASTE_MARK = /-&gt; |&lt;\d+&gt;|&(?:apos|quot|#0?39|#x27);/;
function htmlEscapedPaste(s: string): boolean {
  return s.indexOf("&") >= 0 && HTML_PASTE_MARK.test(s);
}
const HTML_ENTITY: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", "#39": "'", "#039": "'", "#x27": "'", nbsp: " " };
function unescapeHtmlPaste(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#0?39|#x27|nbsp);/g, (_, e: string) => HTML_ENTITY[e]);
}

/**
 * A terminal's "copy as HTML" (GNOME Terminal, aha, ansi2html) writes each coloured run as a tag around its text:
 * `<font color="#2AA1B3"><b>(APIServer pid=18675)</b></font> INFO 09-01 ...`, `<span style="color:teal;">(VllmWorkerProcess
 * pid=12)</span> INFO ...`, the first line of the block behind `<pre>`. A line that starts with such a formatting tag
 * has every formatting tag taken out (the text between stays) and its entities written back.
 */
const HTML_STYLE_TAG_START = /^<(?:font|span|b|strong|i|em|u|pre|code|tt)(?:\s[^<>]*)?>/i;
const HTML_STYLE_TAG = /<\/?(?:font|span|b|strong|i|em|u|pre|code|tt)(?:\s[^<>]*)?>/gi;

/**
 * A paste inside an HTML block of a GitHub comment (`<details><summary>..</summary>` then the log with no code fence)
 * keeps the line breaks only as the `<br/>` tags the user typed at each line's end: `... Using network Socket<br/>`,
 * `... Connected to Ray cluster. View the dashboard at 10.4.80.151:8265 <br/>`. A log line never ends in one (NCCL's
 * address ends `<0>`), so the tag and the blanks before it come off.
 */
const HTML_BREAK = /^<\/?br[ \t]*\/?>$/i;
/** where the HTML line-break tag that ends `s` starts, or -1 (`s` ends in `>`: the tag is in its last 8 characters) */
function htmlBreakAt(s: string): number {
  for (let i = s.length - 2, stop = Math.max(0, s.length - 8); i >= stop; i--) {
    if (s.charCodeAt(i) === 60 /* < */) return HTML_BREAK.test(s.slice(i)) ? i : -1;
  }
  return -1;
}

/**
 * GitHub's auto-links, pasted back as markdown: a name it took for a domain (`net_ib.cc` — `.cc` is a TLD — or an IP)
 * becomes `[net_ib.cc:101](http://net_ib.cc:101/)`. The link is undone only where its text is its own address.
 */
const AUTOLINK = /\[([^\[\]()\s]+)\]\(https?:\/\/([^()\s]+?)\/?\)/g;
function unlinkAutolinks(s: string): string {
  return s.replace(AUTOLINK, (whole, text: string, url: string) => (url === text ? text : whole));
}

/** `[\w.\-]` by character code (ASCII) */
const WORDISH = new Uint8Array(128).map((_, c) => (/[\w.\-]/.test(String.fromCharCode(c)) ? 1 : 0));

/**
 * ANSI_QUICK may match: a `[` followed by digits and semicolons then `m`, or by `m` and then anything but a visible
 * ASCII character (the regex's `\s` takes Unicode spaces too). One pass over the `[`s, no regex.
 */
function mayHoldAnsiQuick(s: string): boolean {
  for (let i = s.indexOf("["); i >= 0; i = s.indexOf("[", i + 1)) {
    let j = i + 1;
    let c = s.charCodeAt(j);
    if (c === 109 /* m */) {
      const after = s.charCodeAt(j + 1);
      if (!(after > 32 && after < 127)) return true;
      continue;
    }
    if (!(c >= 48 && c <= 57)) continue;
    do c = s.charCodeAt(++j);
    while ((c >= 48 && c <= 57) || c === 59);
    if (c === 109) return true;
  }
  return false;
}

/** `peel` trying every wrapper (what `peel` does for any line `plainRecord` does not take). */
export function peelWrapped(raw: string): Peeled {
  const origin: Origin = {};
  let stamp: string | undefined;
  let s = stripAnsi(raw);
  let afterReplica = false;
  // (gh's columns end in TABs; peeling never adds one)
  const hasTab = s.indexOf("\t") >= 0;
  if (s.includes("](http")) s = unlinkAutolinks(s);
  if (htmlEscapedPaste(s)) s = unescapeHtmlPaste(s);
  if (s.charCodeAt(s.length - 1) === 62 /* > */ || s.endsWith(" ") || s.endsWith("\t")) {
    const t = s.trimEnd();
    const at = t.charCodeAt(t.length - 1) === 62 ? htmlBreakAt(t) : -1;
    if (at >= 0) s = t.slice(0, at).trimEnd();
  }
  if (s.indexOf("\\[") >= 0 && MD_ESCAPED_MARK.test(s)) s = unescapeMarkdownPaste(s);
  // Ray's dedup suffix and tmux/k9s decorations sit at the end
  let m: RegExpExecArray | null = null;
  if (s.includes("[repeated ")) {
    if ((m = RAY_DEDUP.exec(s)) || (m = RAY_DEDUP_CUT.exec(s))) {
      origin.repeated = Number(m[1]);
      s = s.slice(0, m.index);
    }
  } else if (s.length < 400 && s.includes("for more options.)") && s.includes("dedup") && RAY_ADVICE_TAIL.test(s)) {
    // the second half of Ray's dedup advice, wrapped onto a line of its own
    return { text: "", origin };
  }
  // (its visible characters, as after the peel: an indented lone `]` closes a pretty-printed JSON array)
  if (s.length <= RAY_DEDUP_TAIL.length && isRayLeftover(s.trim())) return { text: "", origin };
  // a carriage return in caret notation (`cat -v`, less, vim on a CRLF file): `... in run_engine_core^M`, or as rsyslog
  // escapes it: `... in _dummy_run#015`
  if (s.endsWith("^M")) s = s.slice(0, -2);
  else if (s.endsWith("#015")) s = s.slice(0, -4);
  const last = s.charCodeAt(s.length - 1);
  if (last === 0x2502 || last === 0x2503 || last === 32) {
    s = s.trimEnd();
    if (s.endsWith("│") || s.endsWith("┃")) s = s.replace(BOX_RIGHT, "");
  }
  if (s.endsWith("]") && s.length > 12) {
    // tmux copy-mode's `[615/4138]` position marker, after padding
    const open = s.lastIndexOf("[");
    const before = s.charCodeAt(open - 1);
    if (open > 0 && (before === 32 || before === 9) && TMUX_SCROLL.test(s.slice(open))) s = s.slice(0, open).trimEnd();
  }

  const unwrapped = s.length;
  // compose's container name is the process only when no prefix inside it names a more specific one
  let container: string | undefined;
  let unit: { process: string; pid: number } | undefined;
  for (let guard = 0; guard < 24; guard++) {
    const before = s;
    s = s.replace(/^\s+/, "");
    if (!s) break;
    const c = s.charCodeAt(0);
    if (c === 35 /* # */ && s.charCodeAt(1) === 35 && (m = GHA_MARK.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    if (hasTab && (m = GH_RUN_LOG.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    if (c === 95 /* _ */ && (m = BUILDKITE_APC_RESIDUE.exec(s))) {
      // colour residue that sat behind the timestamp, where stripAnsi could not tell it from text
      s = stripAnsi(s.slice(m[0].length));
      continue;
    }
    if (c === 60 /* < */ && HTML_STYLE_TAG_START.test(s)) {
      s = s.replace(HTML_STYLE_TAG, "");
      if (s.indexOf("&") >= 0) s = unescapeHtmlPaste(s);
      continue;
    }
    if (c === 62 /* > */ && BLOCKQUOTE.test(s)) {
      s = s.replace(BLOCKQUOTE, "");
      continue;
    }
    if (c >= 0x2502 && c <= 0x258f && QUOTE_BAR.test(s)) {
      s = s.slice(1);
      continue;
    }
    // an arrow a write-up puts before the output it quotes (`→ ValueError: To serve at least one request ...`)
    if ((c === 0x2192 /* → */ || c === 0x21d2 /* ⇒ */) && (s.charCodeAt(1) === 32 || s.charCodeAt(1) === 9)) {
      s = s.slice(2);
      continue;
    }
    // a pictograph a write-up, an error-help page or a chat client sets before the output it quotes (`🚫 ValueError: No
    // available memory for the cache blocks.`, `❌ RuntimeError: ...`, `⚠️ WARNING ...`): an emoji, its variation
    // selector if any, then a space. Checked from the Miscellaneous Symbols block up (and the astral emoji's high
    // surrogates) only, so no box drawing or block glyph (vLLM's banner) reaches the test.
    if (((c >= 0x2600 && c <= 0x27bf) || (c >= 0xd83c && c <= 0xd83e)) && (m = PICTOGRAPH_MARK.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    // a whole line pasted in markdown bold (`**NCCL version 2.4.7+cuda..**`, `**host:pid:tid [0] .. NCCL WARN ..**`)
    if (c === 42 /* * */ && s.length > 4 && s.startsWith("**") && s.charCodeAt(2) !== 42 && s.trimEnd().endsWith("**")) {
      s = s.trimEnd().slice(2, -2);
      continue;
    }
    // a bold span a paste opened on this line and closed on a later one, before a stamped or levelled record
    // (`**2023-08-23 08:52:55,683\tERROR services.py:1207 -- Failed to start the dashboard, return code -11`)
    if (c === 42 /* * */ && (m = MD_BOLD_OPEN.exec(s))) {
      s = s.slice(2);
      continue;
    }
    // a line pasted as markdown inline code: `` `ValueError: ...` `` whole, or the span's opening backtick alone
    // (`` `(EngineCore_DP0 pid=25) ERROR ... `` with its close on a later line). A span that closes inside the line
    // (`` `torch_dtype` is deprecated! ``) is the text's own quoting and stays.
    if (c === 96 /* ` */ && s.charCodeAt(1) !== 96) {
      const close = s.indexOf("`", 1);
      const end = s.trimEnd();
      if (close < 0) {
        s = s.slice(1);
        continue;
      }
      if (close === end.length - 1 && close > 1) {
        s = end.slice(1, -1);
        continue;
      }
    }
    if (c === 40 /* ( */) {
      m = REDACTABLE_PROC.exec(s);
      if (m) {
        const name = m[1].trim();
        // a prefix inside another names the process that wrote the line: Ray's log monitor prefixes what an actor's
        // subprocess printed under vLLM's own prefix (`(LLMServer pid=4321, ip=10.0.0.7) (EngineCore pid=335) ...`), and
        // vLLM prefixes what the Ray driver in its engine core prints of a worker (`(EngineCore_DP0 pid=9) (RayWorkerWrapper
        // pid=77, ip=10.0.0.2) ...`): its name and pid stand (none where it names none, `(LLMRayActor pid=7) (pid=8)`),
        // and its address where it gives one (a subprocess runs on its parent's node); the parallel coordinates either
        // prefix names are kept
        if (origin.process !== undefined || origin.pid !== undefined) {
          origin.process = undefined;
          origin.pid = undefined;
        }
        if (name) procOrigin(name, origin);
        // (a blanked pid records none: `...`, `##` and `**` start below the digits too)
        if (m[2].charCodeAt(0) >= 48 && m[2].charCodeAt(0) <= 57) origin.pid = Number(m[2]);
        if (m[3]) origin.ip = m[3];
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = PROC.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = PIDLESS_VLLM_PROC.exec(s))) {
        procOrigin(m[1], origin);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = RAY_SYSTEM_PROC.exec(s))) {
        origin.process ??= m[1];
        if (m[2]) origin.ip ??= m[2];
        s = s.slice(m[0].length);
        continue;
      }
    }
    if (c === 91 /* [ */) {
      if ((m = MPIRUN.exec(s))) {
        origin.rank ??= Number(m[2]);
        if (m[3]) origin.host ??= m[3];
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = HOROVOD.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = TORCHRUN.exec(s))) {
        // (torchrun's tag is the process's global rank: it outranks an outer launcher's task label, as `srun -l`'s
        // `1: ` before a torchrun started per node numbers the node's task, not the rank)
        origin.rank = Number(m[1]);
        s = s.slice(m[0].length);
        continue;
      }
      if (s.startsWith("[pod/") && (m = KUBECTL_PREFIX.exec(s))) {
        origin.host ??= m[1];
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = GUNICORN_STAMP.exec(s))) {
        stamp ??= m[1];
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = APP_WRAPPER.exec(s))) {
        stamp ??= m[0].slice(1, 20);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = ISO_TS.exec(s))) {
        stamp ??= m[0].trim();
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = LAUNCH_INDEX.exec(s)) || (m = LAUNCH_INDEX_GLUED.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
      if ((afterReplica && (m = ELASTIC_LOCAL_TAG.exec(s))) || (m = ELASTIC_LOCAL_AHEAD.exec(s))) {
        afterReplica = false;
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = TORCHX.exec(s)) && !/^\[(?:rank|Rank)/.test(s)) {
        origin.process ??= m[1];
        if (origin.rank === undefined) origin.rank = Number(m[2]);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = VIEWER_LINENO.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
    }
    if (c >= 48 && c <= 57 /* digit */) {
      if (s.charCodeAt(26) === 43 /* + */ || s.charCodeAt(26) === 45 /* - */) {
        if ((m = AWS_LOGS_TAIL.exec(s))) {
          stamp ??= m[1];
          origin.host ??= m[2];
          s = s.slice(m[0].length);
          continue;
        }
      }
      if ((m = JOURNALD.exec(s))) {
        unit ??= journald(m, origin);
        if (m[0].charCodeAt(4) === 45 /* - */) stamp ??= m[0].slice(0, m[0].indexOf(" ", 11));
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = GPUSTACK_OWN_ERROR.exec(s))) {
        stamp ??= m[0].slice(0, -3);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = PY_LOGGING.exec(s)) || (m = FASTCHAT.exec(s)) || (m = GPUSTACK.exec(s)) || (m = TORCHSERVE.exec(s)) || (m = LEMONADE.exec(s)) || (m = LOGURU.exec(s))) {
        stamp ??= m[0].slice(0, 19);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = ISO_TS.exec(s))) {
        stamp ??= m[0].trim();
        const tabbed = m[0].endsWith("\t");
        const gitlab = m[0].length === 28 && m[0].charCodeAt(26) === 90 /* Z */ && m[0].charCodeAt(19) === 46 /* . */;
        s = s.slice(m[0].length);
        if ((m = CRI_STREAM.exec(s))) s = s.slice(m[0].length);
        else if (gitlab && (m = GITLAB_STREAM.exec(s))) s = s.slice(m[0].length);
        else if (tabbed && (m = VIEWER_COLUMNS.exec(s)) && !LEVEL_COLUMN.test(m[0])) s = s.slice(m[0].length);
        continue;
      }
      if ((m = CUT_ISO_TS.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = RAY_DRIVER_TS.exec(s)) && !NCCL_HOST_AHEAD.test(s)) {
        stamp ??= m[0].trim();
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = VIEWER_LINENO.exec(s)) || (m = VIEWER_LINENO_PY.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = CLOCK_PREFIX.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
    }
    if (c === 123 /* { */ && stamp !== undefined && (m = LOKI_LABELS.exec(s))) {
      const host = LOKI_HOST_LABEL.exec(m[0]);
      if (host) origin.host ??= host[1];
      s = s.slice(m[0].length);
      continue;
    }
    if (c === 124 /* | */ || c === 0x2502 || c === 0x2503) {
      if ((m = BUILDKITE_GUTTER.exec(s)) || (m = CLOUDWATCH_GUTTER.exec(s)) || (m = BOX_LEFT.exec(s)) || (m = TABLE_PIPE.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
    }
    if ((c === 68 || c === 73 || c === 84 || c === 87 || c === 69) /* D I T W E */ && (m = DYNAMO_FORWARD.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    if (c === 115 /* s */ && (m = STREAM_ECHO.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    if (((c >= 65 && c <= 90) || c === 91) /* A-Z [ */ && s.indexOf("-std") > 0 && (m = DJL_PYPROCESS.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    if ((c === 68 || c === 73 || c === 87 || c === 69) && (m = XINFERENCE_STREAM.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    if (c >= 65 && c <= 90 && (m = GCP_LOGGING.exec(s))) {
      stamp ??= m[1];
      s = s.slice(m[0].length);
      continue;
    }
    if (c >= 65 && c <= 90 && s.charCodeAt(3) === 32 && (m = MPIRUN_STAMPED.exec(s))) {
      if (m[2]) origin.rank ??= Number(m[2]);
      s = s.slice(m[0].length);
      continue;
    }
    // (a `/` in the first word, looked for back from its end: no search of the whole line)
    if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) && s.lastIndexOf("/", s.indexOf(" ")) > 0 && (m = TORCHX_REPLICA.exec(s))) {
      origin.process ??= m[1];
      afterReplica = true;
      s = s.slice(m[0].length);
      continue;
    }
    if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) && (m = HALF_PROC.exec(s))) {
      // a process prefix whose `(` was lost in the paste: `RayWorkerWrapper pid=1861983) INFO ...`
      procOrigin(m[1].trim(), origin);
      origin.pid ??= Number(m[2]);
      if (m[3]) origin.ip ??= m[3];
      s = s.slice(m[0].length);
      continue;
    }
    if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128) && (m = JOURNALD.exec(s))) {
      unit ??= journald(m, origin);
      s = s.slice(m[0].length);
      continue;
    }
    if (c >= 65 && c <= 90 && s.charCodeAt(3) === 32 && (m = MOREUTILS_TS.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    // (a result word first, or a test's node id: `path.py::name`)
    if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) && (c === 69 || c === 70 || c === 80 || c === 83 || c === 88 || s.includes(".py::")) && (m = PYTEST_STATUS_GLUED.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    // (the tag's name holds no space: ` [std` stands at the line's first space or nowhere, so no search runs to the end)
    if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)) && s.startsWith(" [std", s.indexOf(" ")) && (m = STREAM_TAG.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    }
    if ((m = PDSH.exec(s)) || ((m = PDSH_PY.exec(s)) && !EXC_NAME_LABEL.test(m[1])) || (m = SRUN_CUT_NCCL.exec(s))) {
      labelOrigin(m[1], origin);
      s = s.slice(m[0].length);
      continue;
    }
    if (((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) && (m = STERN.exec(s))) {
      origin.host ??= m[1];
      s = s.slice(m[0].length);
      continue;
    }
    if (s.indexOf("|") > 0) {
      if ((m = SWARM.exec(s))) {
        container ??= m[1];
        origin.host ??= m[2];
        s = s.slice(m[0].length);
        continue;
      }
      if (c >= 48 && c <= 57 && (m = PM2.exec(s))) {
        container ??= m[2];
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = COMPOSE.exec(s)) && !/^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)$/.test(m[1]) && /[-_]\d+$|^[a-z]/.test(m[1]) && !/[:\/]/.test(m[1]) && !s.endsWith("|")) {
        container ??= m[1];
        s = s.slice(m[0].length);
        continue;
      }
      // the indentation stays in the record's raw line, where the traceback reader measures it
      if ((m = COMPOSE_INDENTED.exec(s)) || (m = COMPOSE_NAMED_TRACEBACK.exec(s))) {
        container ??= m[1] ?? m[2];
        s = s.slice(m[0].length);
        continue;
      }
      if (s.endsWith("|") && COMPOSE_BLANK.test(s)) {
        container ??= s.slice(0, s.search(/\s*\|$/));
        s = "";
        break;
      }
    }
    if (s === before) break;
  }
  let text = s.trimEnd();
  const esc = text.indexOf("\\[");
  if (esc > 0 && esc < 40 && (m = ESCAPED_HEAD.exec(text))) text = `${m[1]}[${m[2].replace(/\\_/g, "_")}]${text.slice(m[0].length)}`;
  if (container !== undefined) origin.process ??= container;
  if (unit && origin.process === undefined && origin.pid === undefined) {
    origin.process = unit.process;
    origin.pid = unit.pid;
  }
  // the pieces of Ray's dedup suffix and advice that a hard wrap leaves on a line of their own, behind a
  // per-line wrapper (kubectl --timestamps, CRI, compose) that only comes off above
  if (text.length !== unwrapped && isRayLeftover(text)) return { text: "", origin, stamp };
  return { text, origin, stamp };
}

function isRayLeftover(text: string): boolean {
  if (text.length <= RAY_DEDUP_TAIL.length) return text.length >= 3 && text.endsWith("]") && RAY_DEDUP_TAIL.endsWith(text);
  return text.length < 400 && text.endsWith("for more options.)") && text.includes("dedup") && RAY_ADVICE_TAIL.test(text);
}

export function toRecord(file: string, input: number, line: number, raw: string): LogRecord {
  const p = peel(raw);
  return { file, input, line, raw, text: p.text, origin: p.origin, stamp: p.stamp };
}
