import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";
import { TOOL_VERSION } from "./version.js";
import { isSystemError, oneLine, systemErrorText, UsageError } from "./util/errors.js";
import { safeLine, safeText } from "./util/terminal.js";
import { messageText, redactStderr } from "./redact/redact.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("vllm-doctor")
    .description("Diagnose vLLM and NCCL logs: facts, findings with evidence, and what to do.")
    .version(TOOL_VERSION)
    .option("--debug", "print stack traces for internal errors")
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // commander's own complaints in our one style: `vllm-doctor: unknown option '--x' (Did you mean --y?)`
      outputError: (s, write) => write(commanderError(s)),
    });
  registerCommands(program);
  return program;
}

/** A commander error message (`error: …`, maybe a second line of advice) as one `vllm-doctor: …` line. */
export function commanderError(message: string): string {
  const text = message.replace(/^error:\s*/i, "").trim().split(/\s*\n\s*/).join(" ");
  return `vllm-doctor: ${safeText(text)}\n`;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const debug = argv.includes("--debug");
  // each command turns it on with --redact; a run (the tests run several in one process) starts with it off
  redactStderr(false);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every other commander complaint is a usage error
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    // Node's own system errors: the code in words and the path Node names, never its raw text
    const shown = isSystemError(e) ? new UsageError(systemErrorText(e), e.path) : e;
    process.stderr.write(`vllm-doctor: ${safeLine(messageText(oneLine(shown)))}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
    process.exitCode = 2;
  }
}

