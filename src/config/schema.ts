import { z } from "zod";
import { DEFAULT_THRESHOLDS } from "../rules/types.js";

const Severity = z.enum(["error", "warning", "info"]);
const SeverityOrOff = z.enum(["error", "warning", "info", "off"]);

const thresholdShape = Object.fromEntries(
  Object.keys(DEFAULT_THRESHOLDS).map((k) => [k, z.number().min(0).optional()]),
) as Record<keyof typeof DEFAULT_THRESHOLDS, z.ZodOptional<z.ZodNumber>>;

export const UserRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/, "must look like area/kebab-name"),
    severity: Severity.default("warning"),
    title: z.string().min(1),
    message: z.string().min(1).describe("may use {count}, {match} and {value}"),
    remediation: z.array(z.string()).default([]),
    docs: z
      .string()
      .regex(/^https?:\/\/\S+$/, "must be an absolute http(s) URL")
      .max(2000)
      .optional()
      .describe("an absolute URL of your page about this rule (the finding's docsUrl)"),
    pattern: z.string().min(1).max(500).optional().describe("a JavaScript regular expression tested against each record's text (prefixes peeled)"),
    flags: z.string().regex(/^[imsu]*$/, "only the flags i, m, s and u are allowed").optional(),
    when: z
      .object({
        fact: z.string().min(1).describe("a path into the report's facts, e.g. kvCache.maxConcurrency"),
        op: z.enum(["==", "!=", "<", "<=", ">", ">=", "exists", "missing"]),
        value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => r.pattern !== undefined || r.when !== undefined, { message: "needs a pattern, a when condition, or both" });

/** The `.vllm-doctor.json` file. */
export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    rules: z.record(z.string(), SeverityOrOff).default({}).describe("rule id -> severity, or off"),
    thresholds: z.object(thresholdShape).strict().default({}),
    userRules: z.array(UserRuleSchema).max(100).default([]),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigSchema>;

/** The JSON Schema published as schema/config.schema.json. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: "input" });
}
