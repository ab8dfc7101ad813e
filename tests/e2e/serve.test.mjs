// `verdict serve` in a real browser: edits, errors and new files show up in
// an open tab without the test reloading it. Every wait is for an event: a
// tab's live-reload connection (`openLive`), a page's text, an overlay, a
// line from serve; never for a time.
import { test, before, after } from "node:test";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { claim, makeSite, startServe, launchBrowser, openLive, waitForText, WAIT_LIMIT } from "./helpers.mjs";

let site, server, browser;

before(async () => {
  site = makeSite({
    "content/claims/alpha.md": claim({ text: "Alpha claim about bridges.", body: "The original analysis." }),
    "content/claims/gamma.md": claim({ text: "Gamma claim about rivers.", speaker: "Bob Roy", published: "2025-01-02" }),
  });
  server = await startServe(site.root);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  site?.cleanup();
});

test("an edit to the claim file appears in the open tab", async () => {
  const { page } = await openLive(browser, `${server.url}/claims/alpha/`);
  await waitForText(page, "The original analysis.");
  // The tab updates in place: its scroll position survives the update.
  await page.setViewportSize({ width: 800, height: 300 });
  await page.evaluate(() => window.scrollTo(0, 200));
  site.write("content/claims/alpha.md", claim({ text: "Alpha claim about bridges.", body: "A freshly edited analysis." }));
  await waitForText(page, "A freshly edited analysis.");
  assert.equal(await page.evaluate(() => window.scrollY), 200);
  await page.close();
});

test("an editor that saves to a temporary file and renames it is followed", async () => {
  const { page } = await openLive(browser, `${server.url}/claims/alpha/`);
  await waitForText(page, "A freshly edited analysis.");
  // vim, IntelliJ and others: write a temporary file, then rename it over the original.
  const temporary = join(site.root, "content/claims/.alpha.md.tmp~");
  writeFileSync(temporary, claim({ text: "Alpha claim about bridges.", body: "Saved through a rename." }));
  renameSync(temporary, join(site.root, "content/claims/alpha.md"));
  await waitForText(page, "Saved through a rename.");
  await page.close();
});

test("broken front matter shows an overlay; fixing it clears the overlay", async () => {
  const { page } = await openLive(browser, `${server.url}/claims/alpha/`);
  await waitForText(page, "Alpha claim about bridges.");
  site.write("content/claims/alpha.md", '---\nclaim: "Alpha claim about bridges."\nspeaker: "Ann Lee"\nverdict: flase\npublished: 2025-01-01\nsupporting: []\ncontradicting: []\n---\n');
  const overlay = page.locator("#verdict-error-overlay");
  await overlay.waitFor({ state: "visible", timeout: WAIT_LIMIT });
  const text = await overlay.innerText();
  assert.match(text, /content\/claims\/alpha\.md:4:10/);
  assert.match(text, /unknown verdict `flase`/);
  // The last good page stays underneath.
  await waitForText(page, "Saved through a rename.");
  site.write("content/claims/alpha.md", claim({ text: "Alpha claim about bridges.", body: "Fixed and back." }));
  await overlay.waitFor({ state: "detached", timeout: WAIT_LIMIT });
  await waitForText(page, "Fixed and back.");
  await page.close();
});

test("a tab opened while the site is broken shows the overlay at once", async () => {
  const mark = server.output().length;
  site.write("content/claims/gamma.md", "---\nclaim: [\n---\n");
  // The tab opens once serve has seen the broken file (it says so).
  await server.waitForOutput("still serving the last good version", { after: mark });
  const { page } = await openLive(browser, `${server.url}/claims/gamma/`);
  await page.locator("#verdict-error-overlay").waitFor({ state: "visible", timeout: WAIT_LIMIT });
  site.write("content/claims/gamma.md", claim({ text: "Gamma claim about rivers.", speaker: "Bob Roy", published: "2025-01-02" }));
  await page.locator("#verdict-error-overlay").waitFor({ state: "detached", timeout: WAIT_LIMIT });
  await page.close();
});

test("a new claim file appears, and disappears when deleted", async () => {
  // Both tabs are listening before each change: this test used to change a
  // file as soon as a page showed, and a busy machine lost the race.
  const { page: home } = await openLive(browser, `${server.url}/`);
  await waitForText(home, "Alpha claim about bridges.");
  site.write("content/claims/beta.md", claim({ text: "Beta claim about tunnels.", published: "2025-03-01" }));
  await waitForText(home, "Beta claim about tunnels.");
  const { page, response } = await openLive(browser, `${server.url}/claims/beta/`);
  assert.equal(response.status(), 200);
  await waitForText(page, "Beta claim about tunnels.");
  site.remove("content/claims/beta.md");
  await waitForText(home, "Beta claim about tunnels.", { present: false });
  // The open tab of the deleted claim becomes the 404 page.
  await waitForText(page, "Page not found");
  assert.equal((await page.goto(`${server.url}/claims/beta/`)).status(), 404);
  await page.close();
  await home.close();
});

test("a page that cannot be rendered shows its problem; fixing it shows the page", async () => {
  // Pages are rendered when first asked for: a body problem is found then,
  // and the tab that asked gets the overlay, not a blank page.
  const mark = server.output().length;
  site.write("content/claims/delta.md", claim({ text: "Delta claim about ports.", published: "2025-01-03", body: "See [this](javascript:alert(1))." }));
  await server.waitForOutput("still serving the last good version", { after: mark });
  const { page, response } = await openLive(browser, `${server.url}/claims/delta/`);
  assert.equal(response.status(), 500);
  const overlay = page.locator("#verdict-error-overlay");
  await overlay.waitFor({ state: "visible", timeout: WAIT_LIMIT });
  assert.match(await overlay.innerText(), /content\/claims\/delta\.md:12:/);
  site.write("content/claims/delta.md", claim({ text: "Delta claim about ports.", published: "2025-01-03", body: "A fixed link." }));
  await overlay.waitFor({ state: "detached", timeout: WAIT_LIMIT });
  await waitForText(page, "A fixed link.");
  site.remove("content/claims/delta.md");
  await waitForText(page, "Page not found");
  await page.close();
});

test("a stylesheet change is swapped in without reloading the page", async () => {
  const { page } = await openLive(browser, `${server.url}/`);
  await page.evaluate(() => (window.__verdictMarker = true));
  site.write("static/style.css", "body { background: rgb(1, 2, 3); }\n");
  await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(1, 2, 3)", null, { timeout: WAIT_LIMIT });
  assert.equal(await page.evaluate(() => window.__verdictMarker), true, "the page was not reloaded");
  await page.close();
});

test("a change made while a tab's live-reload connection is slow still reaches the tab", async () => {
  // What made "a new claim file appears" flaky, made certain: the tab's
  // connection to serve's event stream takes a second. `openLive` waits for it.
  const slowly = (page) =>
    page.route("**/__verdict/events", async (route) => {
      await new Promise((ok) => setTimeout(ok, 1000));
      await route.continue();
    });
  const { page } = await openLive(browser, `${server.url}/claims/gamma/`, { beforeNavigation: slowly });
  site.write("content/claims/gamma.md", claim({ text: "Gamma claim about rivers.", speaker: "Bob Roy", published: "2025-01-02", body: "Seen after a slow connection." }));
  await waitForText(page, "Seen after a slow connection.");
  await page.close();
});
