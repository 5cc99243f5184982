// node bench/many-files.mjs [N1 N2 …] (default 10000 50000): writes N tiny log files into a directory of
// bench/out/ and times `vllm-doctor analyze DIR --format json` on each, best of 3, to show that the cost
// grows linearly with the number of files (issue: 10,000 files took 11 s and 50,000 took 92.5 s).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist", "src", "cli.js");
const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows = [];
for (const n of counts.length ? counts : [10_000, 50_000]) {
  const dir = join(ROOT, "bench", "out", `many-${n}`);
  if (!existsSync(dir) || readdirSync(dir).length !== n) {
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `f${String(i).padStart(6, "0")}.log`), `INFO 01-01 00:00:00 [x.py:1] tiny file ${i}\n`);
  }
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, "analyze", dir, "--format", "json", "--no-progress"], { encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
    best = Math.min(best, performance.now() - t0);
  }
  rows.push({ files: n, seconds: +(best / 1000).toFixed(2), msPerFile: +(best / n).toFixed(3) });
}
console.table(rows);
