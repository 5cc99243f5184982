import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every test process, and every command a test runs, makes its temporary files under one folder of this run
// (TMPDIR, which os.tmpdir() reads), removed when the run ends: a test that forgets its own folder leaves nothing.
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "vd-test-run-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
