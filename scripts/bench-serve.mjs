#!/usr/bin/env node
// Measures `verdict serve` on a large corpus:
// - start: the time from starting `verdict serve` to the first 200 for the
//   home page and for a claim page (asked for at once, retried until the port
//   answers), to the home page loaded in Chromium, and to every page rendered
//   in the background; the server's memory then;
// - edits: the time from saving a claim file to the open browser tab showing
//   the change, and the server's memory over many successive edits.
// Usage: node scripts/bench-serve.mjs [N=10000] [EDITS=100] [PAUSE_MS=250] [STARTS=3]
// PAUSE_MS is the time between one save showing up and the next save: an
// author's saves are seconds apart; 0 measures saves fired back to back.
// EDITS=0 measures the start only. VERDICT_BENCH_CORPUS=DIR reuses a corpus.
// Needs: a release build (cargo build --release) and Chromium; the corpus comes
// from examples/corpus.rs.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.env.VERDICT_BIN ??= join(repo, "target/release/verdict");
const { verdictBin, freePort, startServe, launchBrowser } = await import("../tests/e2e/helpers.mjs");

const claims = Number(process.argv[2] ?? 10000);
const edits = Number(process.argv[3] ?? 100);
const pause = Number(process.argv[4] ?? 250);
const starts = Number(process.argv[5] ?? 3);
const reuse = process.env.VERDICT_BENCH_CORPUS;
const root = reuse ?? mkdtempSync(join(tmpdir(), "verdict-bench-serve-"));
if (!reuse || !existsSync(join(root, "site.yaml"))) {
  execFileSync("cargo", ["run", "--release", "--quiet", "--example", "corpus", "--", "verdict", String(claims), root], { cwd: repo, stdio: "inherit" });
}

const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const describe = (values) =>
  `median ${quantile(values, 0.5).toFixed(1)} ms, p90 ${quantile(values, 0.9).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (n=${values.length})`;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const slug = "claim-000123";

/** Milliseconds from `t0` until `url` answers 200 (retried while the port is not open yet). */
async function firstOk(url, t0) {
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - t0;
      throw new Error(`${url}: ${response.status}`);
    } catch (error) {
      if (error.cause?.code !== "ECONNREFUSED") throw error;
      await sleep(2);
    }
  }
}

/** Starts serve without waiting for anything; resolves the line that says the background is done. */
async function spawnServe() {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(verdictBin, ["serve", "--root", root, "--port", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  const marks = {};
  const rendered = new Promise((ok) =>
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (marks.serving === undefined && output.includes("serving http://")) marks.serving = performance.now() - t0;
      const done = /(\d+) pages rendered in the background in (\d+) ms/.exec(output);
      if (done && marks.background === undefined) {
        marks.background = performance.now() - t0;
        ok(done[0]);
      }
    }),
  );
  const stop = () => new Promise((ok) => { child.once("exit", ok); child.kill("SIGINT"); });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, t0, marks, rendered, stop, output: () => output };
}

// 1. Start: the first 200s over HTTP, then the first page in a browser.
const browser = await launchBrowser();
const startRows = [];
for (let run = 0; run < starts; run++) {
  const server = await spawnServe();
  const [home, claim] = await Promise.all([firstOk(`${server.url}/`, server.t0), firstOk(`${server.url}/claims/${slug}/`, server.t0)]);
  const line = await server.rendered;
  const status = await (await fetch(`${server.url}/__verdict/status`)).json();
  startRows.push({ home, claim, serving: server.marks.serving, background: server.marks.background, rss: rss(server.pid), line, status });
  await server.stop();
}
for (const row of startRows) {
  console.log(`start: "serving" printed at ${row.serving.toFixed(0)} ms; first 200: home ${row.home.toFixed(0)} ms, claim page ${row.claim.toFixed(0)} ms; background done at ${row.background.toFixed(0)} ms (${row.line}); RSS then ${row.rss.toFixed(0)} MB; cache ${row.status.cache.pages} pages, ${(row.status.cache.page_bytes / 2 ** 20).toFixed(0)} MiB of ${(row.status.cache.budget / 2 ** 20).toFixed(0)} MiB`);
}
if (startRows.length > 0) {
  console.log(`start → first 200, home page: ${describe(startRows.map((r) => r.home))}`);
  console.log(`start → first 200, claim page: ${describe(startRows.map((r) => r.claim))}`);
}
{
  const page = await browser.newPage();
  const server = await spawnServe();
  for (;;) {
    try {
      await page.goto(`${server.url}/`, { waitUntil: "load" });
      break;
    } catch (error) {
      if (!String(error).includes("ERR_CONNECTION_REFUSED")) throw error;
      await sleep(2);
    }
  }
  console.log(`start → home page loaded in Chromium (load event, stylesheet included): ${(performance.now() - server.t0).toFixed(0)} ms`);
  await page.close();
  await server.stop();
}

// 2. Edits: save → the open tab shows it.
if (edits > 0) {
  const started = performance.now();
  const server = await startServe(root);
  console.log(`corpus: ${claims} claims; serve ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${server.output().trim().split("\n")[0]}`);
  await server.waitForOutput("rendered in the background");
  const page = await browser.newPage();
  const file = join(root, "content/claims", `${slug}.md`);
  const original = readFileSync(file, "utf8");
  await page.goto(`${server.url}/claims/${slug}/`);

  /** Saves `text` and returns milliseconds until the tab shows `marker`. */
  async function timedSave(text, marker) {
    const t0 = performance.now();
    writeFileSync(file, text);
    // textContent, not innerText: innerText forces a layout on every poll and slows the page it measures.
    await page.waitForFunction((m) => document.body !== null && document.body.textContent.includes(m), marker, { polling: 2, timeout: 30000 });
    return performance.now() - t0;
  }

  const memory = { afterStart: rss(server.pid) };
  const bodyEdits = [];
  const summaryEdits = [];
  for (let i = 0; i < edits; i++) {
    if (i === 10) memory.after10 = rss(server.pid);
    if (i > 0 && i % 50 === 0) console.log(`  RSS after ${i} edits: ${rss(server.pid).toFixed(0)} MB`);
    if (pause > 0) await sleep(pause);
    if (i % 2 === 0) {
      // The analysis changes: only the claim page depends on it.
      const marker = `Edited body sentence ${i}.`;
      bodyEdits.push(await timedSave(original.replace(/\n\n/, `\n\n${marker}\n\n`), marker));
    } else {
      // The summary changes: the claim's card in every list that shows it too.
      const marker = `Edited summary ${i}.`;
      summaryEdits.push(await timedSave(original.replace(/^summary: .*$/m, `summary: "${marker}"`), marker));
    }
  }
  // Let the allocator settle, then read memory after all edits.
  await sleep(1000);
  memory.after = rss(server.pid);
  writeFileSync(file, original);

  console.log(`${pause} ms between saves`);
  console.log(`save → tab shows it, body edit:    ${describe(bodyEdits)}`);
  console.log(`save → tab shows it, summary edit: ${describe(summaryEdits)}`);
  console.log(`serve RSS: ${memory.afterStart.toFixed(0)} MB after start (background done), ${memory.after10.toFixed(0)} MB after 10 edits, ${memory.after.toFixed(0)} MB after ${edits} edits`);
  const log = server.output().trim().split("\n");
  console.log(`last rebuild lines:\n  ${log.slice(-2).join("\n  ")}`);
  await page.close();
  await server.stop();
}
await browser.close();
if (!reuse) rmSync(root, { recursive: true, force: true });
