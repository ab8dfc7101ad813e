// Search in a real browser, on the demo site: results as you type, filters by
// verdict, and the search box of every page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { verdictBin, freePort, launchBrowser, serveFolder } from "./helpers.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let out, server, origin, browser;

before(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  out = mkdtempSync(join(tmpdir(), "verdict-search-"));
  execFileSync(verdictBin, ["build", "--root", repo, "--output", join(out, "site"), "--base-url", `${origin}/`]);
  server = await serveFolder(join(out, "site"), "/", port);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

const resultTitles = (page, selector) => page.$$eval(`${selector} .search-result-title`, (links) => links.map((a) => a.textContent));

test("typing a query shows results, and a verdict filter narrows them", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/search/`);
  await page.fill("#search-q", "insurmountab"); // a prefix: results come as you type
  await page.waitForSelector(".search-results .search-result");
  const titles = await resultTitles(page, ".search-results");
  assert.ok(titles.length >= 2, `results: ${titles}`);
  assert.ok(titles.some((t) => t.includes("not insurmountable")), `results: ${titles}`);
  const before = titles.length;
  await page.selectOption("#search-verdict", "false");
  await page.waitForFunction((n) => document.querySelectorAll(".search-results .search-result").length < n, before);
  const verdicts = await page.$$eval(".search-results .search-verdict", (spans) => spans.map((s) => s.textContent));
  assert.ok(verdicts.length > 0 && verdicts.every((v) => v === "False"), `verdicts: ${verdicts}`);
  assert.match(await page.textContent("[data-search-status]"), /fact check/);
  await page.close();
});

test("the search box of every page shows results as you type", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/speakers/`);
  await page.fill("#site-search-q", "pokrovsk");
  await page.waitForSelector(".site-search-results .search-result");
  const titles = await resultTitles(page, ".site-search-results");
  assert.ok(titles.some((t) => /Pokrovsk/.test(t)), `results: ${titles}`);
  await page.click(".site-search-results .search-result-title");
  await page.waitForURL(/\/claims\//);
  await page.close();
});

test("the search page reads its query from the address, as the search box sends it", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/search/?q=rubio&verdict=half-true`);
  await page.waitForSelector(".search-results .search-result");
  assert.equal(await page.inputValue("#search-q"), "rubio");
  assert.equal(await page.inputValue("#search-verdict"), "half-true");
  await page.close();
});
