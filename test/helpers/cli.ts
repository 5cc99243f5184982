import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "dist", "src", "cli.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (npm test builds first). */
export function runCli(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...opts.env },
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runJson(args: string[], opts: Parameters<typeof runCli>[1] = {}): { status: number | null; report: any; stderr: string } {
  const r = runCli([...args, "--format", "json"], opts);
  let report: any = null;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    report = null;
  }
  return { status: r.status, report, stderr: r.stderr };
}
