#!/usr/bin/env node
// The command. The published package ships its build (dist/); a clone of the repository has none until
// `npm run build` (or `npm pack`, whose prepack builds), so the first run there builds it: the README's
// `npm install && npx vllm-doctor …` works without an install script (npm warns about those in every install).
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const cli = new URL("../dist/src/cli.js", import.meta.url);
if (!existsSync(cli)) {
  const root = new URL("../", import.meta.url);
  if (!existsSync(new URL("tsconfig.json", root))) {
    process.stderr.write("vllm-doctor: this installation has no dist/ (reinstall the package)\n");
    process.exit(2);
  }
  process.stderr.write("vllm-doctor: first run in a clone of the repository: building dist/ (npm run build)\n");
  const r = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", 2, 2], shell: process.platform === "win32" });
  if (r.status !== 0 || !existsSync(cli)) {
    process.stderr.write("vllm-doctor: the build failed (run `npm install`, then `npm run build`)\n");
    process.exit(2);
  }
}
await import(cli.href);
