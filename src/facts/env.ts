import type { Event } from "../events/index.js";
import { ENV_NAME } from "../events/env.js";
import type { Evidence } from "../model.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";

/** At most this many variables are kept (a dumped environment of thousands of lines stays small). */
export const MAX_ENV_VARS = 256;
const MAX_VALUE_CHARS = 300;

interface EnvValue {
  value: string;
  at: Located;
  /** 2: NCCL's echo of what it read; 1: a line that sets it */
  prio: number;
}

export interface EnvState {
  vars: Record<string, EnvValue>;
  dropped: number;
}

function better(cur: EnvValue | undefined, next: EnvValue): boolean {
  if (!cur) return true;
  if (next.prio !== cur.prio) return next.prio > cur.prio;
  return earlier(cur.at, next.at) === next.at && !(cur.at.input === next.at.input && cur.at.line === next.at.line);
}

function offer(s: EnvState, name: string, v: EnvValue): void {
  if (!(name in s.vars) && Object.keys(s.vars).length >= MAX_ENV_VARS) {
    s.dropped++;
    return;
  }
  if (better(s.vars[name], v)) s.vars[name] = v;
}

/**
 * `facts.env`: name -> value of the environment variables the input shows (NCCL_*, VLLM_*, CUDA_VISIBLE_DEVICES ...),
 * with `env.NAME` in `facts.sources`. NCCL's own `NCCL_X set by environment to Y` outranks a line that sets it; among
 * equals the first line wins.
 */
export const envDomain: FactDomain<EnvState, Record<string, string>> = {
  name: "env",
  init: () => ({ vars: {}, dropped: 0 }),
  reduce(s, e: Event) {
    if (e.kind === "env.var") offer(s, e.name, { value: e.value.slice(0, MAX_VALUE_CHARS), at: located(e), prio: e.via === "nccl" ? 2 : 1 });
    else if (e.kind === "nccl.env" && ENV_NAME.test(e.name)) {
      // (NCCL echoes its variables for every communicator: an echo after the one kept changes nothing, nor is copied)
      const cur = s.vars[e.name];
      if (cur && cur.prio === 2 && (cur.at.input < e.input || (cur.at.input === e.input && cur.at.line <= e.ev.line))) return;
      offer(s, e.name, { value: e.value.slice(0, MAX_VALUE_CHARS), at: located(e), prio: 2 });
    }
  },
  merge(a, b) {
    const out: EnvState = { vars: { ...a.vars }, dropped: a.dropped + b.dropped };
    for (const [k, v] of Object.entries(b.vars)) offer(out, k, v);
    return out;
  },
  finalize(s) {
    const facts: Record<string, string> = {};
    const sources: Record<string, Evidence> = {};
    for (const k of Object.keys(s.vars).sort()) {
      facts[k] = s.vars[k].value;
      sources[`env.${k}`] = plain(s.vars[k].at)!;
    }
    return { facts, sources, missing: [] };
  },
};
