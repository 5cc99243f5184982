import { readFileSync } from "node:fs";

// dist/src/version.js when built, src/version.ts when run from the sources (the tests)
const PACKAGE_JSON_PLACES = ["../../package.json", "../package.json"];

function readVersion(): string {
  for (const place of PACKAGE_JSON_PLACES) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(place, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "vllm-doctor") return pkg.version ?? "0.0.0";
    } catch {
      // not this place
    }
  }
  return "0.0.0";
}

export const TOOL_VERSION = readVersion();
