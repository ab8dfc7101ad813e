// Sites in several languages in a real browser: the demo (English and
// Ukrainian) and the multilingual fixture (with Arabic, right to left), built
// and served as a static host would. The language switcher leads from a
// claim page to the same claim in the other language; the Ukrainian and
// Arabic pages pass axe-core with no serious or critical violation; search
// finds Cyrillic words and answers in the page's language.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { verdictBin, freePort, launchBrowser, serveFolder, WAIT_LIMIT } from "./helpers.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const sites = { demo: repo, fixture: join(repo, "tests/fixtures/multilingual") };
let out, server, origin, browser;

before(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  out = mkdtempSync(join(tmpdir(), "verdict-languages-"));
  for (const [name, root] of Object.entries(sites)) {
    execFileSync(verdictBin, ["build", "--root", root, "--output", join(out, name), "--base-url", `${origin}/${name}/`]);
  }
  // Each site under /NAME/, as a static host would serve it.
  server = await serveFolder(out, "/", port);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

test("the language switcher leads from a claim page to the same claim in the other language", async () => {
  const page = await browser.newPage();
  const claim = "claims/rubio-whats-left-not-insurmountable/";
  await page.goto(`${origin}/demo/${claim}`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  const link = page.locator('.language-switcher a[hreflang="uk"]');
  assert.equal(await link.textContent(), "Українська");
  await Promise.all([page.waitForURL(`${origin}/demo/uk/${claim}`, { timeout: WAIT_LIMIT }), link.click()]);
  assert.equal(await page.getAttribute("html", "lang"), "uk");
  assert.match(await page.locator("h1").first().textContent(), /[а-яіїєґ]/i, "the claim in Ukrainian");
  // And back, from the Ukrainian page to the English one.
  await Promise.all([page.waitForURL(`${origin}/demo/${claim}`, { timeout: WAIT_LIMIT }), page.locator('.language-switcher a[hreflang="en"]').click()]);
  // From Arabic, laid out right to left, to Ukrainian.
  const bread = "claims/trade-ministry-bread-prices/";
  await page.goto(`${origin}/fixture/ar/${bread}`);
  assert.equal(await page.getAttribute("html", "dir"), "rtl");
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), "rtl");
  await Promise.all([page.waitForURL(`${origin}/fixture/uk/${bread}`, { timeout: WAIT_LIMIT }), page.locator('.language-switcher a[hreflang="uk"]').click()]);
  await page.close();
});

test("right to left mirrors the layout: the ruling's colour bar is on the right in Arabic", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const bar = async (path) => {
    await page.goto(`${origin}/fixture/${path}claims/trade-ministry-bread-prices/`);
    return page.evaluate(() => {
      const style = getComputedStyle(document.querySelector(".ruling"));
      return { left: style.borderLeftWidth, right: style.borderRightWidth };
    });
  };
  assert.deepEqual(await bar(""), { left: "10px", right: "1px" });
  assert.deepEqual(await bar("ar/"), { left: "1px", right: "10px" });
  await page.close();
});

test("search finds Ukrainian words and answers in Ukrainian", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/demo/uk/search/?q=${encodeURIComponent("переговори")}`);
  const first = page.locator(".search-results .search-result-title").first();
  await first.waitFor({ timeout: WAIT_LIMIT });
  assert.match(await first.getAttribute("href"), /^\/demo\/uk\/claims\//);
  const status = await page.locator("[data-search-status]").textContent();
  assert.match(status, /перевір/, `status in Ukrainian: ${status}`);
  await page.close();
});

test("Ukrainian and Arabic pages have no serious or critical axe-core violation", async () => {
  const axe = readFileSync(join(repo, "node_modules/axe-core/axe.min.js"), "utf8");
  const pages = [
    "demo/uk/",
    "demo/uk/claims/rubio-whats-left-not-insurmountable/",
    "demo/uk/speakers/donald-trump/",
    "demo/uk/search/",
    "demo/uk/verdicts/",
    "demo/uk/sources/",
    "fixture/ar/",
    "fixture/ar/claims/trade-ministry-bread-prices/",
    "fixture/ar/speakers/layla-haddad/",
    "fixture/ar/verdicts/false/",
    "fixture/ar/about-methodology-corrections/",
  ];
  const problems = [];
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const path of pages) {
      const response = await page.goto(`${origin}/${path}`);
      assert.equal(response.status(), 200, path);
      await page.addScriptTag({ content: axe });
      const result = await page.evaluate(() => window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
      for (const violation of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
        problems.push(`${width}px ${path}: ${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
      }
    }
    await page.close();
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});
