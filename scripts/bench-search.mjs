#!/usr/bin/env node
// Measures what the first search downloads on a large corpus: the search
// script and every index part a query fetches, in Chromium, from the moment
// the page has loaded. Also times the build of the search index.
// Usage: cargo build --release && node scripts/bench-search.mjs [N=10000] [QUERY...]
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, extname } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.env.VERDICT_BIN ??= join(repo, "target/release/verdict");
const { freePort, launchBrowser } = await import("../tests/e2e/helpers.mjs");
const claims = Number(process.argv[2] ?? 10000);
const queries = process.argv.length > 3 ? process.argv.slice(3) : ["peace", "sanctions frozen", "border security guarantee", "speaker 042", "topic-07 drones"];

const work = mkdtempSync(join(tmpdir(), "verdict-bench-search-"));
execFileSync("cargo", ["run", "--release", "--quiet", "--example", "corpus", "--", "verdict", String(claims), join(work, "site")], { cwd: repo, stdio: "inherit" });
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const built = execFileSync(process.env.VERDICT_BIN, ["build", "--root", join(work, "site"), "--output", join(work, "out"), "--base-url", `${origin}/`]).toString().trim();
const indexBytes = execFileSync("du", ["-sb", join(work, "out/search")]).toString().split("\t")[0];
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json" };
const server = createServer((request, response) => {
  let file = join(work, "out", decodeURIComponent(new URL(request.url, origin).pathname));
  try {
    if (statSync(file).isDirectory()) file = join(file, "index.html");
    response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
console.log(`${claims} claims: ${built}; search/ holds ${(indexBytes / 1024).toFixed(0)} KB in all`);

const browser = await launchBrowser();
for (const query of queries) {
  const page = await browser.newPage();
  let bytes = 0;
  const parts = [];
  page.on("response", async (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith("/search/") && url.pathname !== "/search/" || url.pathname === "/search.js") {
      const size = (await response.body()).length;
      bytes += size;
      parts.push(`${url.pathname} ${size}`);
    }
  });
  // The search page, with its 30 results: the larger of the two searches.
  await page.goto(`${origin}/search/`);
  await page.fill("#search-q", query);
  await page.waitForSelector(".search-results .search-result", { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);
  const results = await page.$$eval(".search-results .search-result", (items) => items.length);
  console.log(`"${query}": ${(bytes / 1024).toFixed(1)} KB in ${parts.length} files (${results} results shown)`);
  await page.close();
}
await browser.close();
server.close();
rmSync(work, { recursive: true, force: true });
