import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { renderHtml } from "../../src/report/html.js";
import { analyze } from "../../src/analyze.js";
import { hostileLog, ringLog } from "../helpers/html-logs.js";

// The HTML report's layout at a phone's width and in print, with long host names (test/browser.test.ts holds the
// report's pictures and its policy; these open more pages, so they run with the scale suite, which .ci/run runs too).
const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)("HTML report layout in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("fits a phone's width and a printed page: pictures scale down, long host names and log lines wrap", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "vd-html-")), "run.log");
    writeFileSync(file, hostileLog());
    const { report } = await analyze([file]);
    writeFileSync(`${file}.html`, renderHtml(report));
    for (const width of [420, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(pathToFileURL(`${file}.html`).href, { waitUntil: "load" });
      for (const id of ["timeline", "memory-bar", "cluster-map", "transport-matrix"]) expect(await page.locator(`svg#${id}`).count(), id).toBe(1);
      // nothing runs past the right edge: no sideways scrolling, no picture or table cut off
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const past = await page.evaluate(
        (w) => [...document.querySelectorAll("svg, table, pre, code, p, li")].filter((el) => el.getBoundingClientRect().right > w + 0.5).map((el) => el.id || el.tagName),
        width,
      );
      expect(past).toEqual([]);
      await page.close();
    }
  });

  it("prints what its folds hold: a printed page opens every <details>", async () => {
    // (a vLLM run's report folds the facts its log does not show)
    const { report } = await analyze([join(import.meta.dirname, "..", "..", "samples", "v1-single-gpu.log")]);
    const file = join(mkdtempSync(join(tmpdir(), "vd-html-")), "run.html");
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const folded = page.locator("details table").first();
    expect(await page.locator("details").count()).toBeGreaterThan(0);
    // on screen the fold is closed; in print its table is laid out
    expect(await folded.isVisible()).toBe(false);
    await page.emulateMedia({ media: "print" });
    expect(await folded.isVisible()).toBe(true);
    await page.close();
  });

  it("keeps 160-character host names inside the transport matrix: cut in the middle, whole in the tooltip", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "vd-html-")), "run.log");
    writeFileSync(file, hostileLog());
    const { report } = await analyze([file]);
    writeFileSync(`${file}.html`, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(`${file}.html`).href, { waitUntil: "load" });
    const matrix = page.locator("svg#transport-matrix");
    const labels = await matrix.locator("text").evaluateAll((ts) => ts.map((t) => ({ text: t.firstChild?.textContent ?? "", title: t.querySelector("title")?.textContent ?? "" })));
    const names = labels.filter((l) => l.title.startsWith("gpu-"));
    expect(names).toHaveLength(4);
    for (const l of names) {
      expect(l.text).toMatch(/^gpu-verylonghos.*….*longhostname-[ab]$/);
      expect(l.title).toMatch(/^gpu-(verylonghostname){10}-[ab]$/);
    }
    // every label is drawn inside the picture, the turned ones over the columns too
    const outside = await matrix.evaluate((svg) => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll("text")].map((t) => t.getBoundingClientRect()).filter((r) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5).length;
    });
    expect(outside).toBe(0);
    await page.close();
  });

  it("keeps the links' labels of hosts with long names inside the cluster picture, their transport readable", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "vd-html-")), "run.log");
    // three hosts in a ring: boxes in a column, each link labelled beside them with both ends and its transport
    writeFileSync(file, ringLog(3, (i) => `gpu-${"verylonghostname".repeat(6)}-${i}`));
    const { report } = await analyze([file]);
    writeFileSync(`${file}.html`, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(`${file}.html`).href, { waitUntil: "load" });
    const map = page.locator("svg#cluster-map");
    expect(await map.locator("text.link-label").allTextContents()).toEqual([
      "gpu-verylong…ghostname-0 ↔ gpu-verylong…ghostname-1: NET/IB/GDRDMA ×1",
      "gpu-verylong…ghostname-0 ↔ gpu-verylong…ghostname-2: NET/IB/GDRDMA ×1",
      "gpu-verylong…ghostname-1 ↔ gpu-verylong…ghostname-2: NET/IB/GDRDMA ×1",
    ]);
    const outside = await map.evaluate((svg) => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll("text")].filter((t) => t.getBoundingClientRect().right > box.right + 0.5).map((t) => t.textContent);
    });
    expect(outside).toEqual([]);
    await page.close();
  });
});
