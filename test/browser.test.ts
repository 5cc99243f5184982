import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { renderHtml } from "../src/report/html.js";
import { sampleReport } from "./report-fixture.js";
import { analyze } from "../src/analyze.js";
import { ROOT } from "./helpers/cli.js";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

describe.skipIf(!haveChromium)("HTML report in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the transport matrix and the memory bar, with no console error and no request", async () => {
    const report = sampleReport({
      gate: { passed: false, failOn: "error", requirements: [{ kind: "forbid-transport", name: "forbid-transport NET/Socket", passed: false, reason: "inter-node connections use NET/Socket ×8" }] },
    });
    const file = join(mkdtempSync(join(tmpdir(), "vd-html-")), "report.html");
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });

    const matrix = page.locator("svg#transport-matrix");
    expect(await matrix.isVisible()).toBe(true);
    const box = await matrix.boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    expect(await page.locator("svg#transport-matrix rect.cell").count()).toBe(4);
    expect(await page.locator('svg#transport-matrix rect.cell[data-grade="bad"]').count()).toBe(2);
    expect(await page.locator("svg#memory-bar").isVisible()).toBe(true);
    expect(await page.locator("#node-pairs").innerText()).toContain("gpu-node-alpha\tgpu-node-bravo\tinter-node\tNET/Socket ×8");
    // the stylesheet applied (its CSP hash matched): headings got their border
    const border = await page.locator("h2").first().evaluate((el) => getComputedStyle(el).borderBottomStyle);
    expect(border).toBe("solid");
    // the hostile message is text, not markup
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator(".finding.error p").first().innerText()).toContain("<script>alert(1)</script>");
    expect(await page.locator("#gate").innerText()).toBe("Gate: FAILED");
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
  it("draws the nccl-tests bandwidth chart and the serve latency chart", async () => {
    const { report } = await analyze([join(ROOT, "samples", "bench-nccl-today.txt"), join(ROOT, "samples", "bench-serve-today.txt")]);
    const file = join(mkdtempSync(join(tmpdir(), "vd-html-")), "bench.html");
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => problems.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });

    const busbw = page.locator("svg#busbw-chart-1");
    expect(await busbw.isVisible()).toBe(true);
    expect((await busbw.boundingBox())!.width).toBe(720);
    expect(await page.locator("svg.busbw-chart").count()).toBe(1);
    expect(await busbw.locator("polyline.busbw-line").count()).toBe(2);
    expect(await busbw.locator("circle.busbw-point").count()).toBe(62);
    // log-scale size axis: 8 B (2^3) at the left edge, 8 GiB (2^33) at the right, 256 KiB (2^18) half-way
    const at = async (title: string) => Number(await busbw.locator("circle.busbw-point", { has: page.locator(`title:text-is("${title}")`) }).getAttribute("cx"));
    const [left, mid, right] = [await at("8 B out-of-place: 0 GB/s"), await at("256 KiB out-of-place: 8.95 GB/s"), await at("8 GiB out-of-place: 349.48 GB/s")];
    expect(left).toBe(58);
    expect(right).toBe(704);
    expect(mid).toBeCloseTo((left + right) / 2, 0);

    const latency = page.locator("svg#latency-chart");
    expect(await latency.isVisible()).toBe(true);
    expect(await latency.locator("rect.latency-bar").count()).toBe(12);
    const bar = (metric: string, point: string) => latency.locator(`rect.latency-bar[data-metric="${metric}"][data-point="${point}"]`);
    expect(await bar("TTFT", "P99").locator("title").textContent()).toBe("TTFT P99: 912.4 ms");
    const h = async (metric: string, point: string) => (await bar(metric, point).boundingBox())!.height;
    expect(await h("TTFT", "P99")).toBeGreaterThan(await h("TTFT", "P90"));
    expect(await h("TTFT", "P90")).toBeGreaterThan(await h("TTFT", "median"));
    expect(await h("ITL", "P99")).toBeGreaterThan(await h("ITL", "mean"));
    expect(problems).toEqual([]);
    await page.close();
  });

  /** Opens a sample's HTML report, collecting console messages (a CSP violation is a console error), page errors and requests. */
  async function openSample(name: string) {
    const { report } = await analyze([join(ROOT, "samples", `${name}.log`)]);
    const dir = process.env.VD_SCREENSHOTS || mkdtempSync(join(tmpdir(), "vd-html-"));
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1250, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => problems.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (r.url() !== pathToFileURL(file).href) problems.push(`request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    // the whole page only when asked for (VD_SCREENSHOTS=dir): the pictures' own screenshots are the check
    if (process.env.VD_SCREENSHOTS) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
    return { page, problems, dir };
  }
  const bg = (page: import("playwright-core").Page, sel: string) => page.locator(sel).evaluate((el) => getComputedStyle(el).backgroundColor);

  it("Ray TP 8 × PP 2 on two nodes: a green banner, two host boxes of 8 GPUs joined by a green GDRDMA link, and each host's first events", async () => {
    const { page, problems, dir } = await openSample("ray-tp8-pp2-two-nodes");
    expect(await page.locator("#verdict").getAttribute("data-tone")).toBe("ok");
    expect(await bg(page, "#verdict")).toBe("rgb(232, 245, 236)");

    const map = page.locator("svg#cluster-map");
    expect(await map.isVisible()).toBe(true);
    expect((await map.boundingBox())!.width).toBeGreaterThan(700);
    expect(await map.locator("g.host").count()).toBe(2);
    expect(await map.locator('g.host[data-host="gpu-a"] g.gpu').count()).toBe(8);
    expect(await map.locator('g.host[data-host="gpu-b"] g.gpu').count()).toBe(8);
    expect(await map.locator('g.host[data-host="gpu-b"] g.gpu[data-device="7"] title').textContent()).toBe("gpu-b: GPU 7, pid 3929, TP rank 7");
    const link = map.locator('line.link[data-grade="good"]');
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute("stroke")).toBe("#2e9d57");
    expect((await link.boundingBox())!.width).toBeGreaterThan(100);
    expect(await map.locator("text.link-label").textContent()).toBe("NET/IB/GDRDMA ×64");
    // the picture is drawn, not blank: a blank area compresses to almost nothing
    expect((await map.screenshot({ path: join(dir, "ray-cluster-map.png") })).length).toBeGreaterThan(8_000);

    const timeline = page.locator("svg#timeline");
    expect(await timeline.isVisible()).toBe(true);
    expect(await timeline.locator("g.event").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-kind")))).toEqual(["engineStart", "ncclInit", "ncclInit"]);
    expect(await page.locator("h2.collapsed").allInnerTexts()).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("CUDA OOM: a red banner, the memory bar from PyTorch's numbers at the failure, empty NCCL on one line", async () => {
    const { page, problems, dir } = await openSample("cuda-oom");
    expect(await page.locator("#verdict").getAttribute("data-tone")).toBe("error");
    expect(await bg(page, "#verdict")).toBe("rgb(253, 236, 234)");
    expect(await page.locator("#oom-headline").innerText()).toContain("GPU 0 at the out-of-memory error: PyTorch had 77.91 GiB allocated, 612 MiB was free of 79.19 GiB, and the allocation asked for 896 MiB.");

    const bar = page.locator("svg#memory-bar");
    expect(await bar.isVisible()).toBe(true);
    const part = (k: string) => bar.locator(`rect.mem-part[data-part="${k}"]`);
    expect(await bar.locator("rect.mem-part").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-part")))).toEqual(["allocated", "cached", "nontorch", "free"]);
    expect(await part("allocated").locator("title").textContent()).toBe("allocated by PyTorch: 77.91 GiB");
    expect((await part("allocated").boundingBox())!.width).toBeGreaterThan(650);
    const tried = (await bar.locator('rect.oom-request[data-part="tried"]').boundingBox())!.width;
    const free = (await bar.locator('rect.oom-request[data-part="free"]').boundingBox())!.width;
    expect(tried / free).toBeCloseTo(896 / 612.06, 1);
    expect(await bar.innerHTML()).not.toContain("not used by vLLM");
    // the OOM came before the KV cache was sized: no table of dashes under the bar
    expect(await page.locator("th", { hasText: "KV cache tokens" }).count()).toBe(0);
    expect((await bar.screenshot({ path: join(dir, "oom-memory-bar.png") })).length).toBeGreaterThan(5_000);

    expect(await page.locator("svg#timeline g.event").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-kind")))).toEqual(["engineStart", "firstError"]);
    expect(await page.locator("h2.collapsed").allInnerTexts()).toEqual(["NCCL: no NCCL lines"]);
    expect(await page.locator("svg#cluster-map").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
