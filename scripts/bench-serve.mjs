#!/usr/bin/env node
// Measures `verdict serve` on a large corpus: the time from saving a claim
// file to the open browser tab showing the change, and the server's memory
// over many successive edits.
// Usage: node scripts/bench-serve.mjs [N=10000] [EDITS=100] [PAUSE_MS=250]
// PAUSE_MS is the time between one save showing up and the next save: an
// author's saves are seconds apart; 0 measures saves fired back to back.
// Needs: a release build (cargo build --release) and Chromium; the corpus comes
// from examples/corpus.rs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.env.VERDICT_BIN ??= join(repo, "target/release/verdict");
const { startServe, launchBrowser } = await import("../tests/e2e/helpers.mjs");

const claims = Number(process.argv[2] ?? 10000);
const edits = Number(process.argv[3] ?? 100);
const pause = Number(process.argv[4] ?? 250);
const root = mkdtempSync(join(tmpdir(), "verdict-bench-serve-"));
execFileSync("cargo", ["run", "--release", "--quiet", "--example", "corpus", "--", "verdict", String(claims), root], { cwd: repo, stdio: "inherit" });

const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const describe = (values) =>
  `median ${quantile(values, 0.5).toFixed(1)} ms, p90 ${quantile(values, 0.9).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (n=${values.length})`;

const started = performance.now();
const server = await startServe(root);
console.log(`corpus: ${claims} claims; serve ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${server.output().trim().split("\n")[0]}`);
const browser = await launchBrowser();
const page = await browser.newPage();
const slug = "claim-000123";
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
  if (pause > 0) await new Promise((ok) => setTimeout(ok, pause));
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
await new Promise((ok) => setTimeout(ok, 1000));
memory.after = rss(server.pid);
writeFileSync(file, original);

console.log(`${pause} ms between saves`);
console.log(`save → tab shows it, body edit:    ${describe(bodyEdits)}`);
console.log(`save → tab shows it, summary edit: ${describe(summaryEdits)}`);
console.log(`serve RSS: ${memory.afterStart.toFixed(0)} MB after start, ${memory.after10.toFixed(0)} MB after 10 edits, ${memory.after.toFixed(0)} MB after ${edits} edits`);
const log = server.output().trim().split("\n");
console.log(`last rebuild lines:\n  ${log.slice(-2).join("\n  ")}`);
await browser.close();
await server.stop();
rmSync(root, { recursive: true, force: true });
