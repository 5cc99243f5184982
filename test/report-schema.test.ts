import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { ROOT, runJsonHere } from "./helpers/cli.js";
import { reportJsonSchema } from "../src/facts/schema.js";

const PATH = join(ROOT, "schema", "report.schema.json");

describe("the report's JSON Schema", () => {
  it("is published as schema/report.schema.json, generated from the zod schema (UPDATE_SCHEMA=1 rewrites it)", async () => {
    const want = JSON.stringify(reportJsonSchema(), null, 2) + "\n";
    if (process.env.UPDATE_SCHEMA) writeFileSync(PATH, want);
    expect(readFileSync(PATH, "utf8")).toBe(want);
  });

  it("accepts the CLI's report of every sample and rejects a report missing a contract key", async () => {
    const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(PATH, "utf8")));
    for (const sample of ["samples/ray-tp8-pp2-two-nodes.log", "samples/cuda-oom.log", "samples/bench-nccl-today.txt"]) {
      const { report } = await runJsonHere(["analyze", sample]);
      expect(validate(report), `${sample}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
    }
    const { report } = await runJsonHere(["analyze", "samples/v1-single-gpu.log"]);
    delete report.facts.kvCache.tokens;
    expect(validate(report)).toBe(false);
  });
});
