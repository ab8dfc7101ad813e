// Fact checks that travel, in a real browser: the demo built for a sub-path
// and served as a static host would; an outlet's page on another origin embeds
// a fact check with the oEmbed code, sees its card at 600 and 300 pixels and
// follows its link; and no page of the demo logs a console error (the page
// icon: Chromium asks for /favicon.ico when a page declares none).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { verdictBin, launchBrowser, serveFolder, freePort } from "./helpers.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const prefix = "/checks/";
const slug = "rubio-whats-left-not-insurmountable";
let out, site, outlet, browser, oembed;

before(async () => {
  out = mkdtempSync(join(tmpdir(), "verdict-share-"));
  // The port is chosen first: the site is built for the URL it is served at.
  const port = await freePort();
  execFileSync(verdictBin, ["build", "--root", repo, "--output", join(out, "site"), "--base-url", `http://127.0.0.1:${port}${prefix}`]);
  site = await serveFolder(join(out, "site"), prefix, port);
  oembed = JSON.parse(readFileSync(join(out, "site", "claims", slug, "oembed.json"), "utf8"));
  // Another origin: an outlet's article with the embed code pasted in.
  const page = (width) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>An outlet</title><link rel="icon" href="data:,"></head>
<body style="margin: 0"><h1>What the envoy said</h1><div style="width: ${width}px">${oembed.html}</div><p>After the embed.</p></body></html>`;
  mkdirSync(join(out, "outlet"));
  for (const width of [600, 300]) writeFileSync(join(out, "outlet", `article-${width}.html`), page(width));
  outlet = await serveFolder(join(out, "outlet"), "/");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await outlet?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

test("an embed on another origin shows the card, fits 600 and 300 pixels, and its link opens the fact check", { timeout: 120000 }, async () => {
  assert.notEqual(new URL(outlet.origin).port, new URL(site.origin).port);
  assert.match(oembed.html, new RegExp(`^<iframe src="${site.origin}${prefix}claims/${slug}/embed/"`));
  const claimPage = readFileSync(join(out, "site", "claims", slug, "index.html"), "utf8");
  const claimText = claimPage.match(/<blockquote><p>([^<]+)<\/p><\/blockquote>/)?.[1] ?? claimPage.match(/<blockquote><h1>([^<]+)<\/h1>/)?.[1];
  assert.ok(claimText, "the claim page shows the claim");

  for (const width of [600, 300]) {
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    const errors = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.goto(`${outlet.origin}/article-${width}.html`);
    const frame = page.frameLocator("iframe");
    const card = frame.locator(".embed-card");
    await card.waitFor();
    const box = await page.locator("iframe").boundingBox();
    assert.equal(Math.round(box.width), width);
    assert.equal(Math.round(box.height), oembed.height);
    assert.equal((await frame.locator(".embed-verdict").innerText()).trim().toLowerCase(), "half true");
    assert.ok((await frame.locator(".embed-claim").innerText()).includes(claimText.slice(0, 20)), "the claim is shown");
    // Everything fits the frame: no sideways scrolling, and the link is inside it.
    const link = frame.locator(".embed-more a");
    const linkBox = await link.boundingBox();
    assert.ok(linkBox.y + linkBox.height <= box.y + box.height, `${width}px: the link is cut off (${JSON.stringify(linkBox)})`);
    const overflow = await frame.locator("html").evaluate((html) => html.scrollWidth - html.clientWidth);
    assert.equal(overflow, 0, `${width}px: the embed scrolls sideways`);
    await link.click();
    await page.waitForURL(`${site.origin}${prefix}claims/${slug}/`);
    assert.ok((await page.locator("main").innerText()).includes(claimText.slice(0, 20)), "the top window shows the fact check");
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("no page of the demo logs a console error, and none makes the browser ask for /favicon.ico", { timeout: 180000 }, async () => {
  const sitemap = readFileSync(join(out, "site", "sitemap.xml"), "utf8");
  const urls = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
  // Embed pages are not in the sitemap; the 404 page is served for any missing path.
  const embeds = urls.filter((u) => /\/claims\/[^/]+\/$/.test(u)).map((u) => `${u}embed/`);
  const all = [...urls, ...embeds, `${site.origin}${prefix}404.html`];
  assert.ok(urls.length > 70 && embeds.length > 20, `${urls.length} pages, ${embeds.length} embeds`);
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (message) => message.type() === "error" && errors.push(`${page.url()}: ${message.text()}`));
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  for (const url of all) {
    const response = await page.goto(url);
    assert.equal(response.status(), 200, url);
  }
  // The browser fetches a page icon on its own, after the page: wait for that
  // request, the declared icon's or the /favicon.ico it falls back to.
  await site.waitForRequest((r) => r.path.endsWith("/favicon.svg") || r.path.endsWith("/favicon.ico"));
  await page.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(site.requests.filter((r) => r.status !== 200), [], "requests that failed");
  assert.ok(!site.requests.some((r) => r.path.endsWith("favicon.ico")), "the browser asked for /favicon.ico");
});
