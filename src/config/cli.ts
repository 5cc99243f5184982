import { UsageError } from "../util/errors.js";
import type { RulesConfig } from "../rules/engine.js";
import { loadConfig } from "./load.js";

/** The configuration file's rules, with --expect-busbw on top. */
export function rulesConfig(configPath: string | undefined, expectBusbw: string | undefined): RulesConfig {
  const config = loadConfig(configPath).config;
  if (expectBusbw === undefined) return config;
  const gbs = Number(expectBusbw);
  if (!Number.isFinite(gbs) || gbs <= 0) throw new UsageError(`--expect-busbw wants a bandwidth in GB/s above 0, not '${expectBusbw}'`);
  return { ...config, thresholds: { ...config.thresholds, expectBusbwGBs: gbs } };
}
