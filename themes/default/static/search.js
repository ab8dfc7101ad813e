// verdict: client-side search over the chunked index in search/ (see
// src/render/search.rs). Fetches only the shards a query needs. Results are
// built with textContent, never innerHTML.
(() => {
  "use strict";
  const STOP = new Set(["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with"]);
  const cache = new Map();
  // The same folding as the index (src/render/search.rs): NFKD, marks
  // dropped, lowercase, split at whatever is neither a letter nor a digit.
  const words = (text) =>
    text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().split(/[^\p{Alphabetic}\p{N}]+/u).filter((w) => [...w].length > 1 && !STOP.has(w));
  const shardName = (prefix) =>
    /^[a-z0-9]+$/.test(prefix) ? prefix : "u" + [...prefix].map((c) => c.codePointAt(0).toString(16)).join("-");
  // The page's words for the status line, with its language's plural rules.
  const lang = document.documentElement.lang || "en";
  const plurals = new Intl.PluralRules(lang);
  const numbers = new Intl.NumberFormat(lang);
  const say = (root, key, count, values = {}) => {
    let forms = {};
    try {
      forms = JSON.parse(root.dataset.words || "{}")[key] || {};
    } catch (error) {
      forms = {};
    }
    const text = typeof forms === "string" ? forms : forms[plurals.select(count)] || forms.other || "";
    return text.replace(/\{(\w+)\}/g, (whole, name) =>
      name === "count" ? numbers.format(count) : name in values ? numbers.format(values[name]) : whole);
  };
  const decode = (text) => {
    const ids = [];
    let previous = 0;
    for (const part of (text || "").split(",")) {
      if (part === "") continue;
      previous += parseInt(part, 36);
      ids.push(previous);
    }
    return ids;
  };
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  for (const root of document.querySelectorAll("[data-search]")) {
    const base = root.dataset.search;
    const load = (path) => {
      if (!cache.has(base + path)) cache.set(base + path, fetch(base + path).then((r) => (r.ok ? r.json() : null)).catch(() => null));
      return cache.get(base + path);
    };
    const input = root.querySelector("input[type=search]");
    const results = root.querySelector("[data-search-results]");
    const status = root.querySelector("[data-search-status]");
    const selects = [...root.querySelectorAll("select[data-facet]")];
    const limit = Number(root.dataset.limit || 20);
    let meta = null;
    let generation = 0;

    const ensureMeta = async () => {
      if (meta) return meta;
      meta = await load("meta.json");
      for (const select of selects) {
        const wanted = new URLSearchParams(location.search).get(select.name);
        for (const facet of meta[select.dataset.facet] || []) {
          const option = el("option", "", `${facet.label} (${facet.count})`);
          option.value = facet.key;
          option.selected = facet.key === wanted;
          select.append(option);
        }
      }
      return meta;
    };

    const idsFor = async (word, prefix) => {
      const shard = (await load(`terms/${shardName([...word].slice(0, 2).join(""))}.json`)) || {};
      if (!prefix) return new Set(decode(shard[word]));
      const ids = new Set();
      for (const [term, list] of Object.entries(shard)) if (term.startsWith(word)) for (const id of decode(list)) ids.add(id);
      return ids;
    };

    const run = async () => {
      const mine = ++generation;
      const query = words(input.value);
      const filters = selects.filter((s) => s.value).map((s) => [s.name, s.value]);
      if (query.length === 0 && filters.length === 0) {
        results.replaceChildren();
        if (status) status.textContent = "";
        root.classList.remove("has-results");
        return;
      }
      const info = await ensureMeta();
      const sets = await Promise.all([
        ...query.map((word, i) => idsFor(word, i === query.length - 1)),
        ...filters.map(async ([kind, key]) => new Set(decode(await load(`facets/${kind}/${key}.json`)))),
      ]);
      const [first, ...rest] = sets;
      const ids = [...first].filter((id) => rest.every((set) => set.has(id))).sort((a, b) => a - b);
      const shown = ids.slice(0, limit);
      const shardNumbers = [...new Set(shown.map((id) => Math.floor(id / info.docs_per_shard)))];
      const shards = new Map(await Promise.all(shardNumbers.map(async (n) => [n, (await load(`docs/${n}.json`)) || []])));
      if (mine !== generation) return; // a newer keystroke won
      const items = shown.map((id) => {
        const [title, url, speaker, verdictKey, verdictLabel, date] = shards.get(Math.floor(id / info.docs_per_shard))[id % info.docs_per_shard];
        const item = el("li", "search-result");
        const link = el("a", "search-result-title", title);
        link.href = url;
        const line = el("p", "search-result-meta");
        line.append(el("span", `search-verdict verdict-${verdictKey}`, verdictLabel), ` ${speaker} · ${date}`);
        item.append(link, line);
        return item;
      });
      results.replaceChildren(...items);
      root.classList.toggle("has-results", items.length > 0);
      if (status) {
        status.textContent =
          ids.length === 0
            ? say(root, "search_no_match", 0)
            : ids.length > shown.length
              ? say(root, "search_results_truncated", ids.length, { shown: shown.length })
              : say(root, "search_results", ids.length);
      }
    };

    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 80);
    });
    input.addEventListener("focus", ensureMeta, { once: true });
    for (const select of selects) select.addEventListener("change", run);
    root.addEventListener("submit", (event) => {
      if (root.dataset.live === "true") {
        event.preventDefault();
        run();
      }
    });
    // The search page: start from the address (?q=...&verdict=...).
    const params = new URLSearchParams(location.search);
    if (root.dataset.live === "true" && [...params.keys()].length > 0) {
      input.value = params.get("q") || "";
      ensureMeta().then(run);
    }
  }
})();
