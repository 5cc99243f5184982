/**
 * What ends a `--follow` session: SIGINT (Ctrl-C) or SIGTERM (`kill`, `timeout`, a supervisor stopping the job), each
 * of which still gives the report. They are caught from the process's start (src/cli.ts), so one that comes while the
 * command loads or waits for the file ends the session as soon as it begins, with its report, not Node's default
 * death. A second signal ends the process as it would without this handler.
 *
 * One listener serves from the start to the session's end: a signal that came while the command ran code is
 * handed to the listeners there are when its turn comes, so one that came for a listener removed meanwhile (the
 * early one, swapped for the session's) was lost, and the session went on.
 */
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

let caught = 0;
let stopSession: (() => void) | null = null;

function onSignal(signal: NodeJS.Signals): void {
  if (++caught > 1) {
    letGo();
    process.kill(process.pid, signal);
    return;
  }
  stopSession?.();
}

function letGo(): void {
  stopSession = null;
  caught = 0;
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Catches SIGINT and SIGTERM until a session takes them (onStopSignal). */
export function catchStopSignalsEarly(): void {
  for (const s of SIGNALS) if (!process.listeners(s).includes(onSignal)) process.on(s, onSignal);
}

/** Calls `stop` on SIGINT or SIGTERM (at once when one came since the start); returns what lets go of them. */
export function onStopSignal(stop: () => void): () => void {
  catchStopSignalsEarly();
  stopSession = stop;
  if (caught > 0) stop();
  return letGo;
}
