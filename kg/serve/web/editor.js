// The query box: SPARQL syntax highlighting and completion of prefixes and ontology terms.
// A coloured copy of the text (<pre id="highlight">) sits under the textarea, whose own text is
// transparent; both share font, padding and wrapping. Terms come from /terms (the ontology).
"use strict";

const KEYWORDS = new Set([
  "ASK", "AS", "ASC", "BASE", "BIND", "BY", "CONSTRUCT", "DESC", "DESCRIBE", "DISTINCT",
  "EXISTS", "FILTER", "FROM", "GRAPH", "GROUP", "HAVING", "IN", "LIMIT", "MINUS", "NAMED", "NOT",
  "OFFSET", "OPTIONAL", "ORDER", "PREFIX", "REDUCED", "SELECT", "SERVICE", "UNION", "VALUES",
  "WHERE", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "STR", "LANG",
  "REGEX", "CONTAINS", "STRSTARTS", "IF", "COALESCE", "BOUND", "A",
]);
// One alternative per kind of token; the first group that matches names the kind.
const TOKEN = new RegExp([
  "(#[^\\n]*)",                                                   // comment
  "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')",
  "(<[^<>\"{}|^`\\\\\\s]*>)",                                       // IRI
  "([?$][\\w\\u00b7\\u4e00-\\u9fff]+)",                              // variable
  "((?:[A-Za-z][\\w.-]*)?:[\\w\\u4e00-\\u9fff.%-]*)",               // prefixed name
  "([A-Za-z_]+)",                                                 // keyword or word
  "([0-9]+(?:\\.[0-9]+)?)",                                        // number
].join("|"), "g");
const KINDS = ["comment", "string", "iri", "variable", "pname", "word", "number"];
const MAX_SHOWN = 12;

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
                                            "\"": "&quot;", "'": "&#39;" })[c]);
}

// The text as HTML with one <span class="tok-KIND"> per token.
function highlighted(text) {
  let html = "";
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.slice(1).findIndex((group) => group !== undefined);
    let kind = KINDS[index];
    if (kind === "word") kind = KEYWORDS.has(match[0].toUpperCase()) ? "keyword" : "";
    html += escapeHtml(text.slice(last, match.index));
    const token = escapeHtml(match[0]);
    html += kind ? `<span class="tok-${kind}">${token}</span>` : token;
    last = match.index + match[0].length;
  }
  return html + escapeHtml(text.slice(last)) + "\n";
}

// Candidates for the word before the caret: terms after a colon, prefixes before one.
function candidates(word, vocabulary) {
  if (!word) return [];
  const pool = word.includes(":") ? vocabulary.terms
    : Object.keys(vocabulary.prefixes).map((prefix) => prefix + ":");
  return pool.filter((term) => term.startsWith(word) && term !== word).slice(0, MAX_SHOWN);
}

function setUpEditor(box, highlight, list) {
  const vocabulary = { prefixes: {}, terms: [] };
  let active = 0;
  const refresh = () => {
    highlight.innerHTML = highlighted(box.value);
    highlight.scrollTop = box.scrollTop;
  };
  const wordBefore = () => {
    // a word after ? or $ is a variable's name, not a term
    const before = box.value.slice(0, box.selectionStart);
    const match = before.match(/(^|[^?$\w])([A-Za-z_][\w-]*:?[\w-]*)$/);
    return match ? match[2] : "";
  };
  const hide = () => { list.hidden = true; list.replaceChildren(); };
  const accept = (term) => {
    const caret = box.selectionStart;
    const start = caret - wordBefore().length;
    box.value = box.value.slice(0, start) + term + box.value.slice(caret);
    box.selectionStart = box.selectionEnd = start + term.length;
    hide();
    refresh();
    box.focus();
  };
  const mark = () => list.querySelectorAll("li").forEach((item, index) =>
    item.classList.toggle("active", index === active));
  const suggest = () => {
    const found = candidates(wordBefore(), vocabulary);
    if (!found.length) { hide(); return; }
    active = 0;
    list.replaceChildren(...found.map((term) => {
      const item = document.createElement("li");
      item.textContent = term;
      item.setAttribute("role", "option");
      item.addEventListener("mousedown", (event) => { event.preventDefault(); accept(term); });
      return item;
    }));
    list.hidden = false;
    mark();
  };
  box.addEventListener("input", (event) => { refresh(); if (event.isTrusted) suggest(); });
  box.addEventListener("scroll", () => { highlight.scrollTop = box.scrollTop; });
  box.addEventListener("blur", hide);
  box.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    const items = list.querySelectorAll("li");
    if (event.key === "Tab") {
      event.preventDefault();
      accept(items[active].textContent);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      mark();
    } else if (event.key === "Escape") {
      hide();
    }
  });
  fetch("/terms", { headers: { "Accept": "application/json" } })
    .then((response) => (response.ok ? response.json() : vocabulary))
    .then((loaded) => Object.assign(vocabulary, loaded));
  refresh();
  return refresh;
}
