// npm run bench [-- --size 400MB] [--scale] [--shapes] [--runs N] [--jobs N] [--no-keep]
// Generates a realistic log (bench/generate.mjs) into bench/out/, then times `vllm-doctor analyze --format json`
// against `grep -cE` with the key patterns on the same file, with the peak RSS of each, and writes the figures
// to bench/RESULTS.md. --scale also runs at four times the size, for time(4S)/time(S). --shapes also runs the
// same content as collectors wrap it (kubectl, compose, Ray, CRLF, non-ASCII) and other line mixes (a vLLM server
// log, NCCL logs of set-up lines), each against grep on the same file; with --scale, each at four times the size too.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SHAPES, writeLog, writeShape } from "./generate.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "bench", "out");
const CLI = join(ROOT, "dist", "src", "cli.js");
const PATTERNS = "GPU KV cache size|Maximum concurrency|via NET|NCCL WARN|Init COMPLETE|opCount";
const TARGETS = { ratio: 3, rssMB: 200, scaling: 4.4 };

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(i?)b?$/i.exec(String(s).trim());
  if (!m) throw new Error(`--size wants e.g. 200MB, not ${s}`);
  const base = m[3] ? 1024 : 1000;
  return Math.round(Number(m[1]) * base ** " kmg".indexOf((m[2] || " ").toLowerCase()));
}

function args(argv) {
  const o = { size: 200e6, scale: false, shapes: false, runs: 1, keep: true, jobs: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--size") o.size = parseSize(argv[++i]);
    else if (argv[i] === "--scale") o.scale = true;
    else if (argv[i] === "--shapes") o.shapes = true;
    else if (argv[i] === "--jobs") o.jobs = String(Number(argv[++i]));
    else if (argv[i] === "--runs") o.runs = Math.max(1, Number(argv[++i]));
    else if (argv[i] === "--no-keep") o.keep = false;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  return o;
}

const HAVE_TIME = existsSync("/usr/bin/time");

/** Runs a command with stdout to /dev/null; wall seconds and peak RSS in MB (GNU time, else polling VmHWM). */
async function measure(cmd, argv) {
  if (HAVE_TIME) {
    const fmtFile = join(OUT, `.time.${process.pid}`);
    const start = process.hrtime.bigint();
    // stdout to a pipe, never /dev/null: GNU grep notices /dev/null and stops at the first match
    const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", fmtFile, cmd, ...argv], { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const [user, sys, kb] = readFileSync(fmtFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
    unlinkSync(fmtFile);
    return { wall, cpu: user + sys, rssMB: kb / 1024, status: r.status, stdout: r.stdout.toString() };
  }
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    let peakKB = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakKB = Math.max(peakKB, Number(m[1]));
      } catch {}
    }, 20);
    child.on("close", (status) => {
      clearInterval(poll);
      const wall = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ wall, cpu: NaN, rssMB: peakKB / 1024, status, stdout });
    });
  });
}

const best = (xs) => xs.reduce((a, b) => (a.wall <= b.wall ? a : b));

async function benchSize(bytes, runs, jobs, shape) {
  mkdirSync(OUT, { recursive: true });
  const mb = Math.round(bytes / 1e6);
  const file = join(OUT, shape ? `shape-${shape}-${mb}MB.log` : `vllm-nccl-trace-${mb}MB.log`);
  const made = join(OUT, `.made-${shape ?? "trace"}-${mb}`);
  if (!existsSync(file) || !existsSync(made)) {
    process.stderr.write(`generating ${file} ...\n`);
    if (shape) await writeShape(file, shape, { bytes });
    else await writeLog(file, { bytes });
    writeFileSync(made, "");
  }
  const size = statSync(file).size;
  // warm the page cache so neither side pays for the disk
  spawnSync("cat", [file], { stdio: ["ignore", "ignore", "ignore"] });
  const grep = [];
  const tool = [];
  for (let i = 0; i < runs; i++) {
    grep.push(await measure("grep", ["-cE", PATTERNS, file]));
    tool.push(await measure(process.execPath, [CLI, "analyze", "--format", "json", "--no-progress", ...(jobs ? ["--jobs", jobs] : []), file]));
  }
  const g = best(grep);
  const t = best(tool);
  if (t.status !== 0 && t.status !== 1) throw new Error(`analyze exited ${t.status}`);
  if (!(Number(g.stdout) > 0)) throw new Error(`grep counted ${g.stdout.trim() || "nothing"}`);
  return { file, shape, size, grep: g, tool: t, ratio: t.wall / g.wall, cpuRatio: t.cpu / g.cpu, grepCount: Number(g.stdout) };
}

const fmt = (n, d = 2) => n.toFixed(d);

const LOG_NOTE = [
  "The log (bench/generate.mjs): two nodes × 8 GPUs, vLLM start-up, NCCL init (P2P/IPC inside a node, NET/IB/GDRDMA between them),",
  "then per step one COLL line per rank, TRACE sendProxy/recvProxy lines on the ranks that cross nodes, and a vLLM metrics line every ~20,000 lines.",
];
const SHAPE_NOTE = {
  bare: "the log above",
  kubectl: "`kubectl logs --timestamps`: `2025-11-20T09:14:02.123456789Z ` before every line",
  compose: "docker compose: `vllm-head-1  \\| ` before every line",
  ray: "`(RayWorkerWrapper pid=41007, ip=10.20.0.12) ` before every NCCL line (its own pid and node)",
  crlf: "CRLF line ends",
  nonascii: "a tqdm progress line with `█` after every 5,000th line",
  "vllm-server": "a vLLM API server under load: request, access and stats lines, no NCCL",
  "vllm-debug": "the same server at DEBUG level: three of the engine's `EngineCore loop active.`-like lines after each request",
  "nccl-setup": "NCCL set-up only, communicator after communicator: bootstrap, network, channels, connections, Init lines",
  "nccl-setup-wide": "NCCL set-up of a big job, no line twice: 256 nodes × 8 GPUs, 32 channels of rings and trees, restarted with new processes",
};

async function main() {
  const o = args(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error("build first: npm run build");
  const rows = [await benchSize(o.size, o.runs, o.jobs)];
  if (o.scale) rows.push(await benchSize(o.size * 4, o.runs, o.jobs));
  const shapes = [];
  if (o.shapes) for (const shape of SHAPES) shapes.push(await benchSize(o.size, o.runs, o.jobs, shape));
  // (with --scale, every shape at four times the size too: the memory target holds at any size, the time grows linearly)
  const shapesScaled = [];
  if (o.shapes && o.scale) for (const shape of SHAPES) shapesScaled.push(await benchSize(o.size * 4, o.runs, o.jobs, shape));
  const cores = cpus().length;
  const load = loadavg().map((x) => x.toFixed(2)).join(" ");
  const cells = (r) => {
    const nLines = Number(spawnSync("wc", ["-l", r.file], { encoding: "utf8" }).stdout.trim().split(/\s+/)[0]);
    return `${fmt(r.size / 1e6, 0)} MB, ${nLines.toLocaleString("en-US")} lines | ${fmt(r.grep.wall)} s (${fmt(r.grep.cpu)} s) | ${fmt(r.tool.wall)} s (${fmt(r.tool.cpu)} s) | ${fmt(r.ratio, 1)}× ${r.ratio <= TARGETS.ratio ? "✓" : "✗"} | ${Number.isFinite(r.cpuRatio) ? `${fmt(r.cpuRatio, 1)}×` : "—"} | ${fmt(r.tool.rssMB, 0)} MB ${r.tool.rssMB <= TARGETS.rssMB ? "✓" : "✗"} |`;
  };
  const head = "log | grep -cE wall (CPU) | analyze wall (CPU) | ratio wall, target ≤ 3× | ratio CPU | analyze peak RSS, target ≤ 200 MB |";
  const lines = [`| ${head}`, "|---|---|---|---|---|---|", ...rows.map((r) => `| ${cells(r)}`)];
  let scaling = "";
  if (rows.length === 2) {
    const s = rows[1].tool.wall / rows[0].tool.wall;
    const c = rows[1].tool.cpu / rows[0].tool.cpu;
    scaling = `time(${fmt(rows[1].size / 1e6, 0)} MB) / time(${fmt(rows[0].size / 1e6, 0)} MB) = ${fmt(s)} wall, ${fmt(c)} CPU (target ≤ ${TARGETS.scaling}) ${s <= TARGETS.scaling ? "✓" : "✗"}`;
  }
  const shapeLines = shapes.length
    ? ["Shapes (`--shapes`): the same content as collectors write it, and two other line mixes; grep on the same file in the same run.", "", `| shape | ${head}`, "|---|---|---|---|---|---|---|", ...shapes.map((r) => `| ${r.shape}: ${SHAPE_NOTE[r.shape]} | ${cells(r)}`), ""]
    : [];
  const scaledLines = shapesScaled.length
    ? [
        "Shapes at four times the size (`--scale --shapes`): peak RSS and how the time grows (target ≤ 4.4).",
        "",
        `| shape | ${head} time(4×) / time(1×) wall, CPU |`,
        "|---|---|---|---|---|---|---|---|",
        ...shapesScaled.map((r, i) => {
          const s = r.tool.wall / shapes[i].tool.wall;
          return `| ${r.shape} | ${cells(r)} ${fmt(s)}, ${fmt(r.tool.cpu / shapes[i].tool.cpu)} ${s <= TARGETS.scaling ? "✓" : "✗"} |`;
        }),
        "",
      ]
    : [];
  const when = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  // (Node's own start is in every analyze figure: a machine that sets NODE_EXTRA_CA_CERTS reads those certificates at
  // every start, ~80 ms on the 2-core hosts this ran on)
  const nodeStart = Math.min(...[0, 1, 2].map(() => {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ["-e", "0"]);
    return Number(process.hrtime.bigint() - t) / 1e9;
  }));
  const caNote = process.env.NODE_EXTRA_CA_CERTS ? " (NODE_EXTRA_CA_CERTS is set here: Node reads those certificates at every start)" : "";
  const doc = [
    "# Benchmark results",
    "",
    `\`npm run bench -- ${process.argv.slice(2).join(" ")}\` on ${when}: ${cores} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${fmt(totalmem() / 2 ** 30, 0)} GiB RAM, Node ${process.version}, load average at the end ${load}.`,
    `Best of ${o.runs} run(s) each; page cache warm; CPU = user + system seconds; peak RSS from ${HAVE_TIME ? "GNU time (%M)" : "/proc/<pid>/status VmHWM"}.`,
    "On a shared, busy machine wall time inflates with the load average; the CPU ratio is the steadier figure.",
    `Node's own start on this machine (\`node -e 0\`, best of 3): ${fmt(nodeStart)} s, part of every analyze figure${caNote}.`,
    `grep: \`grep -cE '${PATTERNS}'\`. analyze: \`vllm-doctor analyze --format json${o.jobs ? ` --jobs ${o.jobs}` : ""}\`.`,
    "",
    ...lines,
    "",
    ...(scaling ? [scaling, ""] : []),
    ...LOG_NOTE,
    "",
    ...shapeLines,
    ...scaledLines,
  ].join("\n");
  writeFileSync(join(ROOT, "bench", "RESULTS.md"), doc);
  process.stdout.write(doc);
  if (!o.keep) for (const r of [...rows, ...shapes, ...shapesScaled]) unlinkSync(r.file);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exitCode = 1;
});
