// The published site in a real browser: built with a sub-path base_url and
// served under that prefix, every internal link resolves; and the default
// theme passes axe-core with no serious or critical violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { verdictBin, freePort, launchBrowser, serveFolder } from "./helpers.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const prefix = "/checks/";
let out, server, origin, browser;

before(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  out = mkdtempSync(join(tmpdir(), "verdict-publish-"));
  // The demo site, built for a sub-path, as a static host would serve it.
  execFileSync(verdictBin, ["build", "--root", repo, "--output", join(out, "site"), "--base-url", `${origin}${prefix}`]);
  server = await serveFolder(join(out, "site"), prefix, port);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

test("every internal link of the site built under a sub-path resolves", async () => {
  const seen = new Set();
  const queue = [`${origin}${prefix}`];
  const broken = [];
  let links = 0;
  while (queue.length > 0) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    const response = await fetch(url);
    if (response.status !== 200) {
      broken.push(`${url}: ${response.status}`);
      continue;
    }
    if (!(response.headers.get("content-type") ?? "").startsWith("text/html")) continue;
    const html = await response.text();
    for (const [, raw] of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      const target = new URL(raw.replaceAll("&amp;", "&"), url);
      if (target.origin !== origin) continue;
      links += 1;
      target.hash = "";
      if (!seen.has(target.href)) queue.push(target.href);
    }
  }
  assert.deepEqual(broken, [], `broken internal links:\n${broken.join("\n")}`);
  assert.ok(seen.size > 70, `crawled only ${seen.size} URLs`);
  assert.ok(links > 1000, `followed only ${links} links`);
});

test("the default theme has no serious or critical axe-core violation", async () => {
  const axe = readFileSync(join(repo, "node_modules/axe-core/axe.min.js"), "utf8");
  const pages = ["", "claims/rubio-whats-left-not-insurmountable/", "speakers/donald-trump/", "search/", "verdicts/", "verdicts/false/", "sources/", "corrections/"];
  const problems = [];
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const path of pages) {
      await page.goto(`${origin}${prefix}${path}`);
      await page.addScriptTag({ content: axe });
      const result = await page.evaluate(() => window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
      for (const violation of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
        problems.push(`${width}px ${path || "/"}: ${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
      }
    }
    await page.close();
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});
