// Shared helpers for the browser tests: a throwaway site, a running
// `verdict serve`, and Debian's Chromium driven by playwright-core.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, statSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const verdictBin = process.env.VERDICT_BIN ?? join(repo, "target/debug/verdict");
export const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

/**
 * The longest any wait may take. Tests wait for events (a page's text, an
 * overlay, a line from serve), never for a time; this only bounds a wait for
 * an event that does not come, generously, because CI machines are busy.
 */
export const WAIT_LIMIT = 60000;

export function claim({ text, speaker = "Ann Lee", verdict = "true", published = "2025-01-01", body = "The analysis." }) {
  return `---\nclaim: "${text}"\nspeaker: "${speaker}"\nverdict: "${verdict}"\npublished: ${published}\nsummary: "Summary of ${text}"\nsupporting:\n  - title: "Evidence"\n    url: https://example.org/evidence\ncontradicting: []\n---\n${body}\n`;
}

/** Writes a site into a new temporary folder; returns its root and a writer. */
export function makeSite(files) {
  const root = mkdtempSync(join(tmpdir(), "verdict-e2e-"));
  const write = (path, text) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("site.yaml", 'title: "E2E Checks"\nbase_url: "https://example.org/checks/"\n');
  for (const [path, text] of Object.entries(files)) write(path, text);
  return { root, write, remove: (path) => rmSync(join(root, path)), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Starts `verdict serve` and resolves once it prints its URL. */
export async function startServe(root, extraArgs = []) {
  const port = await freePort();
  const child = spawn(verdictBin, ["serve", "--root", root, "--port", String(port), ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  // Resolves once `text` appears in what serve printed after `after` (an
  // earlier `output().length`): serve reports each rebuild as it finishes.
  const waitForOutput = (text, { after = 0, timeout = WAIT_LIMIT } = {}) =>
    new Promise((ok, fail) => {
      const check = () => {
        if (output.indexOf(text, after) === -1) return;
        clearTimeout(timer);
        child.stdout.off("data", check);
        child.stderr.off("data", check);
        ok();
      };
      const timer = setTimeout(() => {
        child.stdout.off("data", check);
        child.stderr.off("data", check);
        fail(new Error(`serve never printed ${JSON.stringify(text)}:\n${output.slice(after)}`));
      }, timeout);
      child.stdout.on("data", check);
      child.stderr.on("data", check);
      check();
    });
  const exited = new Promise((_, fail) => child.once("exit", (code) => fail(new Error(`serve exited with ${code}:\n${output}`))));
  exited.catch(() => {});
  await Promise.race([waitForOutput("serving http://", { timeout: 30000 }), exited]);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    waitForOutput,
    stop: () => new Promise((ok) => {
      child.once("exit", ok);
      child.kill("SIGINT");
    }),
  };
}

/**
 * Opens `url` in a new tab and resolves once the tab's live-reload stream is
 * connected, so that a change made afterwards is sure to reach it. (Changing
 * a file as soon as the page showed raced the tab's connection: on a busy
 * machine the rebuild's event could go out before the tab listened, and the
 * tab never updated.) `beforeNavigation(page)` runs first (to route requests).
 * Returns the page and the navigation's response.
 */
export async function openLive(browser, url, { beforeNavigation = async () => {} } = {}) {
  const page = await browser.newPage();
  await beforeNavigation(page);
  const connected = page.waitForResponse((r) => new URL(r.url()).pathname === "/__verdict/events", { timeout: WAIT_LIMIT });
  const response = await page.goto(url);
  await connected;
  return { page, response };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Waits until the page's visible text includes (or lacks) `text`. */
export async function waitForText(page, text, { present = true, timeout = WAIT_LIMIT } = {}) {
  await page.waitForFunction(
    // textContent, not innerText: innerText forces a layout on every poll.
    ([wanted, present]) => document.body !== null && document.body.textContent.includes(wanted) === present,
    [text, present],
    { timeout, polling: 10 },
  );
}

const contentTypes = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
  ".xml": "application/xml", ".csv": "text/csv", ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png",
};

/**
 * Serves a built site folder as a static host would, under `prefix`, on `port`
 * (default: a free one). `requests` lists every path asked for, with its
 * status; `waitForRequest(test)` resolves once a request passing `test` came.
 */
export async function serveFolder(dir, prefix = "/", port = undefined) {
  port ??= await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const requests = [];
  const waiting = [];
  const server = createHttpServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, origin).pathname);
    let status = 404;
    let body = "not found";
    let type = "text/plain";
    if (path.startsWith(prefix) && !path.includes("..")) {
      let file = join(dir, path.slice(prefix.length));
      try {
        if (statSync(file).isDirectory()) file = join(file, "index.html");
        body = readFileSync(file);
        type = contentTypes[extname(file)] ?? "application/octet-stream";
        status = 200;
      } catch {}
    }
    const seen = { path, status };
    requests.push(seen);
    for (const waiter of waiting.filter((w) => w.test(seen))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.ok(seen);
    }
    response.writeHead(status, { "content-type": type }).end(body);
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  const waitForRequest = (test) =>
    new Promise((ok) => {
      const earlier = requests.find(test);
      if (earlier) ok(earlier);
      else waiting.push({ test, ok });
    });
  return { origin, requests, waitForRequest, close: () => new Promise((ok) => server.close(ok)) };
}
