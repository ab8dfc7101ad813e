// verdict serve: live reload. Injected into served pages only (never into `verdict build` output).
(() => {
  "use strict";
  const OVERLAY_ID = "verdict-error-overlay";
  const here = () => {
    const path = decodeURIComponent(location.pathname).replace(/^\//, "");
    return path === "" || path.endsWith("/") ? path + "index.html" : path;
  };
  const clearOverlay = () => {
    const overlay = document.getElementById(OVERLAY_ID);
    if (overlay) overlay.remove();
    return overlay !== null;
  };
  const showOverlay = (text) => {
    clearOverlay();
    const overlay = document.createElement("div");
    overlay.id = OVERLAY_ID;
    overlay.setAttribute("role", "alert");
    overlay.style.cssText =
      "position:fixed;inset:0 0 auto 0;max-height:80vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0b0e;color:#ffe9e9;border-bottom:4px solid #ff5c5c;padding:16px 20px;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 4px 24px #0008";
    const title = document.createElement("strong");
    title.textContent = "verdict: the site has problems; showing the last good version";
    const body = document.createElement("pre");
    body.style.cssText = "white-space:pre-wrap;margin:8px 0 0";
    body.textContent = text;
    overlay.append(title, body);
    document.documentElement.append(overlay);
  };
  const swapStylesheets = () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("verdict-reload", Date.now().toString());
      link.href = url.toString();
    }
  };
  // Shows the new version of this page without a navigation: fetch it and
  // swap <body> in place, keeping the scroll position. A page whose
  // stylesheets changed, or that cannot be fetched, is reloaded instead.
  const stylesheets = (doc) =>
    [...doc.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.getAttribute("href")).join(" ");
  const refresh = async () => {
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      if (stylesheets(fresh) !== stylesheets(document) || !fresh.body) throw new Error("reload");
      const scroll = [window.scrollX, window.scrollY];
      document.title = fresh.title;
      document.documentElement.dataset.verdictStatus = fresh.documentElement.dataset.verdictStatus || "";
      document.body.replaceWith(document.adoptNode(fresh.body));
      window.scrollTo(...scroll);
    } catch {
      location.reload();
    }
  };
  const events = new EventSource("/__verdict/events");
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.kind === "error") {
      showOverlay(event.text);
    } else if (event.kind === "css") {
      swapStylesheets();
    } else if (event.kind === "reload") {
      const hadOverlay = clearOverlay();
      const missing = document.documentElement.dataset.verdictStatus === "404";
      if (hadOverlay || missing || event.all || event.paths.includes(here())) refresh();
    } else if (event.kind === "ok") {
      if (clearOverlay()) refresh();
    }
  };
})();
