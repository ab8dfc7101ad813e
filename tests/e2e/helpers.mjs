// Shared helpers for the browser tests: a throwaway site, a running
// `verdict serve`, and Debian's Chromium driven by playwright-core.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const verdictBin = process.env.VERDICT_BIN ?? join(repo, "target/debug/verdict");
export const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

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
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start:\n${output}`)), 30000);
    const check = () => {
      if (output.includes("serving http://")) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => fail(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    stop: () => new Promise((ok) => {
      child.once("exit", ok);
      child.kill("SIGINT");
    }),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Waits until the page's visible text includes (or lacks) `text`. */
export async function waitForText(page, text, { present = true, timeout = 10000 } = {}) {
  await page.waitForFunction(
    // textContent, not innerText: innerText forces a layout on every poll.
    ([wanted, present]) => document.body !== null && document.body.textContent.includes(wanted) === present,
    [text, present],
    { timeout, polling: 10 },
  );
}
