import { UsageError } from "../util/errors.js";
import type { RulesConfig } from "../rules/engine.js";
import { findConfig } from "./find.js";

/** The configuration file a command reads (`--config`, else the nearest one found upward): an input, which `-o` never overwrites. */
export function configInput(configPath: string | undefined): string | undefined {
  return configPath || (findConfig() ?? undefined);
}

/**
 * The configuration file's rules, with --expect-busbw on top. The loader (zod, the ReDoS check) is loaded
 * only when there is a configuration to read.
 */
export async function rulesConfig(configPath: string | undefined, expectBusbw: string | undefined): Promise<RulesConfig> {
  const config = configPath !== undefined || findConfig() !== null ? (await import("./load.js")).loadConfig(configPath).config : {};
  if (expectBusbw === undefined) return config;
  const gbs = Number(expectBusbw);
  if (!Number.isFinite(gbs) || gbs <= 0) throw new UsageError(`--expect-busbw wants a bandwidth in GB/s above 0, not '${expectBusbw}'`);
  return { ...config, thresholds: { ...config.thresholds, expectBusbwGBs: gbs } };
}
