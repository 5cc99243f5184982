/**
 * What a CI system or a job runner prints about the job itself once the job's script has ended: its verdict on the
 * script's exit status. The words are the runner's own, not the program's (vLLM, NCCL, PyTorch): they state only the
 * number the script exited with, never what failed, so no reader takes such a line for a failure of the log it ends
 * (`firstError`, an exception line, a traceback's last line). The signature table still sees it: an exit status of 137
 * (128 + SIGKILL) is the kill itself (grammars/signatures.ts `vllm.hostMemoryKilled`).
 *
 * Each alternative below, as the runner writes it (colour codes and a runner's marks such as GitHub's `##[error]` are
 * taken off by the peel before this is tried, src/records/peel.ts):
 * - GitLab Runner, shell and docker executors: `ERROR: Job failed: exit code 1`; the kubernetes executor:
 *   `ERROR: Job failed: command terminated with exit code 137` (a runner-side failure, `ERROR: Job failed (system
 *   failure): …`, names its cause and is no verdict on the script);
 * - Jenkins Pipeline's `sh` / `bat` step: `ERROR: script returned exit code 1`; a freestyle job's shell step:
 *   `Build step 'Execute shell' marked build as failure`;
 * - GitHub Actions: `##[error]Process completed with exit code 1.`, which the web page shows and a copy from it gives as
 *   `Error: Process completed with exit code 1.`;
 * - Azure Pipelines' script tasks: `##[error]Bash exited with code '1'.` (also `PowerShell`, `Cmd.exe`), and
 *   `##[error]Script failed with exit code: 1`;
 * - the Buildkite agent: `🚨 Error: The command exited with status 1` (a copy may lose the emoji, or show its name
 *   `:rotating_light:`).
 */
export const CI_EXIT_VERDICT =
  /^(?:ERROR: Job failed: (?:command terminated with )?exit code (?<gitlab>-?\d+)|ERROR: script returned exit code (?<jenkins>-?\d+)|Build step '[^']{1,80}' marked build as failure|(?:Error: )?Process completed with exit code (?<gha>-?\d+)\.?|(?:Bash|PowerShell|Cmd\.exe) exited with code '(?<azure>-?\d+)'\.?|Script failed with exit code: (?<azureScript>-?\d+)|(?:(?:\u{1F6A8}|:rotating_light:)\s*)?Error: The command exited with status (?<buildkite>-?\d+))\s*$/u;

/** the first characters of CI_EXIT_VERDICT's alternatives: `E`rror, `B`ash / `B`uild, `P`rocess / `P`owerShell, `C`md,
 * `S`cript, `:`rotating_light:, the emoji's high surrogate */
const VERDICT_FIRST = new Set([69, 66, 80, 67, 83, 58, 0xd83d]);

/**
 * `CI_EXIT_VERDICT`'s cheap first test, asked of every record: its first character, then the words every alternative
 * holds
 */
export function mayBeCiVerdict(text: string): boolean {
  return VERDICT_FIRST.has(text.charCodeAt(0)) && (text.indexOf("exit") >= 0 || text.indexOf("marked build as failure") >= 0);
}

/** The line is a CI runner's verdict on its job's exit status (see CI_EXIT_VERDICT). */
export function isCiExitVerdict(text: string): boolean {
  return mayBeCiVerdict(text) && CI_EXIT_VERDICT.test(text);
}
