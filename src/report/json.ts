import type { Report } from "../facts/schema.js";

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
