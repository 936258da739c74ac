// The query page: named queries as examples, a query box, results as a table.
// Entity IRIs link to /entity?iri=…; IRIs are shown percent-decoded so Chinese reads as Chinese.
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

function termNode(term) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") {
    const link = document.createElement("a");
    link.className = "iri";
    link.href = "/entity?iri=" + encodeURIComponent(term.value);
    link.title = decode(term.value);
    link.textContent = compact(term.value);
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
    span.className = "literal";
    if (term["xml:lang"]) span.setAttribute("lang", term["xml:lang"]);
    span.textContent = term.value;
  }
  return span;
}

function resultsTable(results) {
  const table = document.createElement("table");
  table.className = "results";
  const headRow = table.createTHead().insertRow();
  for (const name of results.head.vars) {
    const cell = document.createElement("th");
    cell.textContent = name;
    headRow.append(cell);
  }
  const body = table.createTBody();
  for (const binding of results.results.bindings) {
    const row = body.insertRow();
    for (const name of results.head.vars) row.insertCell().append(termNode(binding[name]));
  }
  return table;
}

function show(status, content, isError) {
  const statusLine = document.getElementById("status");
  statusLine.textContent = status;
  statusLine.className = isError ? "error" : "";
  document.getElementById("results").replaceChildren(...(content ? [content] : []));
}

async function runQuery(event) {
  if (event) event.preventDefault();
  const query = document.getElementById("query").value;
  show("Running…", null, false);
  const started = performance.now();
  let response;
  try {
    response = await fetch("/sparql", {
      method: "POST",
      headers: { "Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query }),
    });
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
    } else {
      const count = results.results.bindings.length;
      show(count + " rows · " + elapsed + " ms", resultsTable(results), false);
    }
  } else {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    show("Graph · " + elapsed + " ms", pre, false);
  }
}

function choose(queries, name) {
  const chosen = queries.find((query) => query.name === name);
  const description = document.getElementById("description");
  description.replaceChildren();
  if (!chosen) return;
  description.append(chosen.description);
  const params = Object.entries(chosen.params || {});
  if (params.length) {
    const link = document.createElement("a");
    link.href = chosen.url;
    link.textContent = "give them on the query's page";
    description.append(" Parameters: " + params.map(([key, meaning]) => "?" + key + " (" +
                       meaning + ")").join(", ") + "; unbound here, or ", link, ".");
  }
  document.getElementById("query").value = chosen.text;
}

async function loadExamples() {
  const select = document.getElementById("examples");
  const response = await fetch("/queries", { headers: { "Accept": "application/json" } });
  const queries = response.ok ? await response.json() : [];
  for (const query of queries) {
    const option = document.createElement("option");
    option.value = query.name;
    option.textContent = query.title + " (" + query.name + ")";
    select.append(option);
  }
  select.addEventListener("change", () => choose(queries, select.value));
  const named = new URLSearchParams(window.location.search).get("named");
  if (named) {
    select.value = named;
    choose(queries, named);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("query-form").addEventListener("submit", runQuery);
  document.getElementById("query").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) runQuery(event);
  });
  loadExamples();
});
