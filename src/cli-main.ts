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
  for (const cmd of program.commands) refuseRepeatedValues(cmd);
  return program;
}

/**
 * An option that takes one value, given twice with different values (`--baseline a.json --baseline b.json`,
 * `-o a -o b`), is a usage error: commander keeps the last and the first would be dropped without a word. The
 * repeatable ones (`--require`, …) collect their values and are left alone.
 */
function refuseRepeatedValues(cmd: Command): void {
  for (const opt of cmd.options) {
    if (opt.isBoolean() || opt.variadic || opt.parseArg) continue;
    let first: string | undefined;
    cmd.on(`option:${opt.name()}`, (value: string) => {
      if (first !== undefined && value !== first) throw new UsageError(`${opt.long ?? opt.flags} was given twice ('${first}', then '${value}'); it takes one value`);
      first = value;
    });
  }
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

