#!/usr/bin/env node
// Screenshots of a Ukrainian claim page of the demo and an Arabic claim page
// of the multilingual test fixture, at desktop and phone widths, for the
// README: docs/screenshots/claim-{uk,ar}-{desktop,phone}.png.
//
//   cargo build && node scripts/screenshots-languages.mjs
//
// Uses the debug binary (VERDICT_BIN to choose another) and Debian's Chromium
// (CHROMIUM), driven by playwright-core, like the browser tests.
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, launchBrowser, verdictBin } from "../tests/e2e/helpers.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shots = [
  { name: "claim-uk", site: repo, path: "uk/claims/rubio-whats-left-not-insurmountable/" },
  { name: "claim-ar", site: join(repo, "tests/fixtures/multilingual"), path: "ar/claims/trade-ministry-bread-prices/" },
];
const sizes = { desktop: { width: 1280, height: 1800 }, phone: { width: 390, height: 2400 } };
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png" };

const out = mkdtempSync(join(tmpdir(), "verdict-shots-"));
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
let current = "";
const server = createServer((request, response) => {
  let file = join(out, current, decodeURIComponent(new URL(request.url, origin).pathname));
  try {
    if (statSync(file).isDirectory()) file = join(file, "index.html");
    response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  } catch {
    response.writeHead(404).end("not found");
  }
});
await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
const browser = await launchBrowser();
try {
  for (const shot of shots) {
    current = shot.name;
    execFileSync(verdictBin, ["build", "--root", shot.site, "--output", join(out, shot.name), "--base-url", `${origin}/`]);
    for (const [size, viewport] of Object.entries(sizes)) {
      const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
      await page.goto(`${origin}/${shot.path}`);
      const file = join(repo, "docs/screenshots", `${shot.name}-${size}.png`);
      await page.screenshot({ path: file });
      await page.close();
      process.stdout.write(`wrote ${file}\n`);
    }
  }
} finally {
  await browser.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
}
