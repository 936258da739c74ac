// The query page: named queries with their parameters, a query box (editor.js), results as a
// table that sorts by a click on a column, pages of 50 rows, downloads as CSV or JSON, and a
// permalink carrying the query. IRIs link to /entity?iri=… under their labels (/labels, facts
// as "合作 · 甲 ↔ 乙"); names a named query returns link to the entity they name.
"use strict";

const PREFIXES = {
  "kg": "https://w3id.org/union-kg/ontology#",
  "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
  "xsd": "http://www.w3.org/2001/XMLSchema#",
  "skos": "http://www.w3.org/2004/02/skos/core#",
  "org": "http://www.w3.org/ns/org#",
  "prov": "http://www.w3.org/ns/prov#",
  "dcterms": "http://purl.org/dc/terms/",
  "schema": "https://schema.org/",
  "foaf": "http://xmlns.com/foaf/0.1/",
  "owl": "http://www.w3.org/2002/07/owl#",
};
const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
const PAGE_SIZE = 50;
const LABEL_BATCH = 40;  // IRIs and names per /labels request: the URL stays short
const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger)$/;

const state = { vars: [], rows: [], column: null, descending: false, page: 0, named: null,
                queries: [], downloads: [] };
const labels = { iris: new Map(), names: new Map() };

function decode(text) {
  try { return decodeURIComponent(text); } catch (error) { return text; }
}

function compact(iri) {
  for (const [prefix, namespace] of Object.entries(PREFIXES)) {
    if (iri.startsWith(namespace) && iri.length > namespace.length) {
      return prefix + ":" + decode(iri.slice(namespace.length));
    }
  }
  return decode(iri);
}

function entityLink(iri, text) {
  const link = document.createElement("a");
  link.className = "iri";
  link.href = "/entity?iri=" + encodeURIComponent(iri);
  link.title = decode(iri);
  link.textContent = text;
  return link;
}

function termNode(term) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") {
    const link = entityLink(term.value, labels.iris.get(term.value) || compact(term.value));
    link.dataset.iri = term.value;
    return link;
  }
  const span = document.createElement("span");
  if (term.type === "bnode") {
    span.className = "bnode";
    span.textContent = "_:" + term.value;
  } else if (term.type === "triple") {
    span.append("« ", termNode(term.value.subject), " ", termNode(term.value.predicate), " ",
                termNode(term.value.object), " »");
  } else {
    if (!term.datatype && labels.names.get(term.value)) {
      const link = entityLink(labels.names.get(term.value), term.value);
      link.classList.add("named");
      return link;
    }
    span.className = "literal";
    if (term["xml:lang"]) span.setAttribute("lang", term["xml:lang"]);
    span.textContent = term.value;
  }
  return span;
}

// Order of two terms: unbound first, numbers by value, everything else by its text.
function compareTerms(a, b) {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  const numeric = (t) => t.type === "literal" && NUMERIC.test(t.datatype || "");
  if (numeric(a) && numeric(b)) return Number(a.value) - Number(b.value);
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function sortedRows() {
  if (state.column === null) return state.rows;
  const sign = state.descending ? -1 : 1;
  return [...state.rows].sort((x, y) => sign * compareTerms(x[state.column], y[state.column]));
}

function csvText(rows) {
  const cell = (text) => (/[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text);
  const lines = [state.vars.map(cell).join(",")];
  for (const row of rows) lines.push(state.vars.map((v) => cell(row[v] ? row[v].value : "")).join(","));
  return lines.join("\r\n") + "\r\n";
}

function setDownloads(rows) {
  state.downloads.forEach((url) => URL.revokeObjectURL(url));
  const json = JSON.stringify({ head: { vars: state.vars }, results: { bindings: rows } }, null, 1);
  const files = [["download-csv", csvText(rows), "text/csv"],
                 ["download-json", json, "application/sparql-results+json"]];
  state.downloads = files.map(([id, text, type]) => {
    const url = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }));
    document.getElementById(id).href = url;
    return url;
  });
}

// Fetch the labels of the IRIs and names shown that are not known yet, then redraw.
async function fetchLabels(rows) {
  const iris = new Set();
  const names = new Set();
  for (const row of rows) {
    for (const term of Object.values(row)) {
      if (term.type === "uri" && !labels.iris.has(term.value)) iris.add(term.value);
      if (term.type === "literal" && !term.datatype && !labels.names.has(term.value) &&
          state.named) names.add(term.value);
    }
  }
  const wanted = [...[...iris].map((v) => ["iri", v]), ...[...names].map((v) => ["name", v])];
  if (!wanted.length) return false;
  for (let at = 0; at < wanted.length; at += LABEL_BATCH) {
    const batch = wanted.slice(at, at + LABEL_BATCH);
    const response = await fetch("/labels?" + new URLSearchParams(batch),
                                 { headers: { "Accept": "application/json" } });
    const found = response.ok ? await response.json() : { iris: {}, names: {} };
    for (const [kind, value] of batch) {
      if (kind === "iri") labels.iris.set(value, found.iris[value] || "");
      else labels.names.set(value, found.names[value] || "");
    }
  }
  return true;
}

function renderTable() {
  const rows = sortedRows();
  const last = Math.max(Math.ceil(rows.length / PAGE_SIZE) - 1, 0);
  state.page = Math.min(Math.max(state.page, 0), last);
  const shown = rows.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
  const table = document.createElement("table");
  table.className = "results";
  const headRow = table.createTHead().insertRow();
  for (const name of state.vars) {
    const cell = document.createElement("th");
    cell.className = "sortable";
    cell.textContent = name + (state.column === name ? (state.descending ? " ▼" : " ▲") : "");
    cell.title = "sort · 排序";
    cell.addEventListener("click", () => {
      state.descending = state.column === name ? !state.descending : false;
      state.column = name;
      renderTable();
    });
    headRow.append(cell);
  }
  const body = table.createTBody();
  for (const binding of shown) {
    const row = body.insertRow();
    for (const name of state.vars) row.insertCell().append(termNode(binding[name]));
  }
  document.getElementById("results").replaceChildren(table);
  const first = rows.length ? state.page * PAGE_SIZE + 1 : 0;
  document.getElementById("page-info").textContent =
    `rows ${first}–${state.page * PAGE_SIZE + shown.length} of ${rows.length}`;
  document.getElementById("prev").disabled = state.page === 0;
  document.getElementById("next").disabled = state.page >= last;
  setDownloads(rows);
  fetchLabels(shown).then((changed) => { if (changed) renderTable(); });
}

function show(status, content, isError) {
  const statusLine = document.getElementById("status");
  statusLine.textContent = status;
  statusLine.className = isError ? "error" : "";
  document.getElementById("results").replaceChildren(...(content ? [content] : []));
  document.getElementById("toolbar").hidden = true;
}

function paramValues() {
  const values = {};
  for (const input of document.querySelectorAll("#params input")) values[input.name] = input.value;
  return values;
}

// The request for the query in the box: its named query's URL when the text is unchanged (so
// parameters, entity names and the query's own order apply), else /sparql.
function queryRequest(text) {
  const named = state.named && state.named.text === text ? state.named : null;
  if (named) {
    const params = new URLSearchParams(paramValues());
    return { named, url: named.url + "?" + params, init: { headers: { "Accept": ACCEPT } },
             permalink: "/?" + new URLSearchParams({ named: named.name, ...paramValues() }) };
  }
  return { named, url: "/sparql", permalink: "/?" + new URLSearchParams({ query: text }),
           init: { method: "POST", body: new URLSearchParams({ query: text }),
                   headers: { "Accept": ACCEPT,
                              "Content-Type": "application/x-www-form-urlencoded" } } };
}

async function runQuery(event) {
  if (event) event.preventDefault();
  const request = queryRequest(document.getElementById("query").value);
  document.getElementById("permalink").href = request.permalink;
  window.history.replaceState(null, "", request.permalink);
  show("Running…", null, false);
  const started = performance.now();
  let response;
  try {
    response = await fetch(request.url, request.init);
  } catch (error) {
    show("The endpoint did not answer: " + error, null, true);
    return;
  }
  const elapsed = Math.round(performance.now() - started);
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    show(response.status + " " + (await response.text()), null, true);
  } else if (type.startsWith("application/sparql-results+json")) {
    const results = await response.json();
    if ("boolean" in results) {
      show("ASK: " + results.boolean + " (" + elapsed + " ms)", null, false);
    } else if (!results.results.bindings.length) {
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = "no rows · 无结果";
      show("no rows · " + elapsed + " ms", empty, false);
    } else {
      Object.assign(state, { vars: results.head.vars, rows: results.results.bindings,
                             column: null, descending: false, page: 0 });
      show(state.rows.length + " rows · " + elapsed + " ms", null, false);
      document.getElementById("toolbar").hidden = false;
      renderTable();
    }
  } else {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    show("Graph · " + elapsed + " ms", pre, false);
  }
}

function paramField(key, meaning, value) {
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.name = key;
  input.placeholder = meaning;
  input.value = value || "";
  label.append(key + " ", input);
  return label;
}

function choose(name, values) {
  const chosen = state.queries.find((query) => query.name === name) || null;
  state.named = chosen;
  const description = document.getElementById("description");
  const params = document.getElementById("params");
  description.replaceChildren();
  params.replaceChildren();
  if (!chosen) return;
  description.append(chosen.description);
  for (const [key, meaning] of Object.entries(chosen.params || {})) {
    params.append(paramField(key, meaning, values.get(key)));
  }
  setQueryText(chosen.text);
}

function setQueryText(text) {
  const box = document.getElementById("query");
  box.value = text;
  box.dispatchEvent(new Event("input"));
}

async function loadExamples(search) {
  const select = document.getElementById("examples");
  const response = await fetch("/queries", { headers: { "Accept": "application/json" } });
  state.queries = response.ok ? await response.json() : [];
  for (const query of state.queries) {
    const option = document.createElement("option");
    option.value = query.name;
    option.textContent = query.title + " (" + query.name + ")";
    select.append(option);
  }
  select.addEventListener("change", () => choose(select.value, new URLSearchParams()));
  const named = search.get("named");
  if (named && state.queries.some((query) => query.name === named)) {
    select.value = named;
    choose(named, search);
    const needed = Object.keys(state.named.params || {});
    if (needed.every((key) => search.get(key))) runQuery();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("query");
  setUpEditor(box, document.getElementById("highlight"), document.getElementById("completions"));
  document.getElementById("query-form").addEventListener("submit", runQuery);
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) runQuery(event);
  });
  document.getElementById("prev").addEventListener("click", () => { state.page--; renderTable(); });
  document.getElementById("next").addEventListener("click", () => { state.page++; renderTable(); });
  const search = new URLSearchParams(window.location.search);
  if (search.get("query")) {
    setQueryText(search.get("query"));
    runQuery();
  }
  loadExamples(search);
});
