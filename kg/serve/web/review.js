// The review page of kg review: the queue one fact at a time (a / r / space), merge suggestions,
// and the corrections they make, posted one after another to /api/corrections.
// Everything from the graph is put in the page as text (textContent), never as HTML.
"use strict";

const BATCH = 50;   // facts fetched at a time
const REFILL = 10;  // fetch more when fewer facts than this are ahead

const queue = { ahead: [], skipped: [], total: 0 };
const pending = new Set();  // facts decided on the page whose correction is not written yet
let writes = Promise.resolve();  // corrections and fetches in the order they were asked for

const $ = (id) => document.getElementById(id);
const factId = (f) => `${f.head}\u0000${f.relation}\u0000${f.tail}`;

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function say(text, isError) {
  $("message").textContent = text;
  $("message").classList.toggle("error", Boolean(isError));
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error);
  return body;
}

async function post(line) {
  const response = await fetch("/api/corrections", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(line),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error);
  showStatus(body);
  return body;
}

function showStatus(status) {
  $("build").textContent = status.build;
  $("by").textContent = status.by;
  $("command").textContent = status.command;
  $("session-count").textContent = status.session;
  $("file-count").textContent = status.in_file;
  $("queue-count").textContent = status.queue;
}

function current() {
  return queue.ahead[0] || queue.skipped[0] || null;
}

function held() {
  return queue.ahead.length + queue.skipped.length;
}

// The facts the page holds, with those decided but not yet written, are the first ones of the
// server's queue: fetch what follows them.
function refill() {
  if (queue.ahead.length >= REFILL || held() >= queue.total) return;
  writes = writes.then(async () => {
    const page = await getJSON(`/api/queue?start=${held() + pending.size}&limit=${BATCH}`);
    const known = new Set([...queue.ahead, ...queue.skipped].map(factId).concat([...pending]));
    queue.total = page.total;
    const fresh = page.items.filter((f) => !known.has(factId(f)));
    const wasEmpty = current() === null;
    queue.ahead.push(...fresh);
    if (wasEmpty) render();
  }).catch((error) => say(error.message, true));
}

function marked(pieces) {
  const sentence = element("span", undefined, "sentence");
  for (const [text, role] of pieces) {
    sentence.append(role ? element("mark", text, role) : document.createTextNode(text));
  }
  return sentence;
}

function statementBlock(statement) {
  const block = element("div", undefined, "statement");
  const where = [statement.headline && `《${statement.headline}》`, statement.document,
                 statement.date, `rule ${statement.rule}`,
                 `confidence ${statement.confidence}`].filter(Boolean).join(" · ");
  block.append(element("div", where, "source"));
  const passage = element("p", undefined, "passage");
  passage.append(element("span", statement.before, "context"), marked(statement.marked),
                 element("span", statement.after, "context"));
  block.append(passage);
  return block;
}

function fillAddForm(fact) {
  const first = fact.statements[0];
  const head = $("add-head");
  const entities = $("add-entities");
  head.replaceChildren();
  entities.replaceChildren();
  for (const key of fact.entities) {
    const option = element("option", key);
    option.value = key;
    head.append(option);
    const choice = element("option");
    choice.value = key;
    entities.append(choice);
  }
  head.value = fact.head;
  $("add-relation").value = fact.relation;
  $("add-tail").value = "";
  $("add-sentence").value = first ? first.sentence : "";
}

function render() {
  const fact = current();
  $("fact").hidden = fact === null;
  $("done").hidden = fact !== null;
  if (fact === null) return;
  const card = $("fact");
  card.dataset.head = fact.head;
  card.dataset.relation = fact.relation;
  card.dataset.tail = fact.tail;
  $("fact-head").textContent = fact.head_label;
  $("fact-relation").textContent = fact.relation;
  $("fact-tail").textContent = fact.tail_label;
  $("fact-confidence").textContent = fact.confidence;
  $("fact-gain").textContent = fact.gain;
  $("fact-keys").textContent = `${fact.head} ${fact.relation} ${fact.tail}`;
  const statements = fact.statements.map(statementBlock);
  if (fact.more) statements.push(element("p", `… and ${fact.more} more sentences`, "hint"));
  $("statements").replaceChildren(...statements);
  fillAddForm(fact);
}

function drop(fact) {
  for (const list of [queue.ahead, queue.skipped]) {
    const at = list.indexOf(fact);
    if (at >= 0) list.splice(at, 1);
  }
}

// The decided fact leaves the page at once; the write follows, in order, and a refused one
// puts the fact back in front with the server's message.
function decide(op) {
  const fact = current();
  if (fact === null) return;
  drop(fact);
  queue.total -= 1;
  render();
  const line = { op, head: fact.head, relation: fact.relation, tail: fact.tail };
  pending.add(factId(fact));
  writes = writes.then(() => post(line)).finally(() => pending.delete(factId(fact))).then(
    () => say(`${op === "accept_fact" ? "accepted" : "rejected"}: ${fact.head_label} ${fact.relation} ${fact.tail_label}`),
    (error) => { queue.ahead.unshift(fact); queue.total += 1; render(); say(error.message, true); },
  );
  refill();
}

function skip() {
  const fact = current();
  if (fact === null) return;
  drop(fact);
  queue.skipped.push(fact);
  render();
  refill();
}

function addFact(event) {
  event.preventDefault();
  const fact = current();
  if (fact === null) return;
  const first = fact.statements[0];
  const sentence = $("add-sentence").value.trim();
  const line = {
    op: "add_fact", head: $("add-head").value, relation: $("add-relation").value,
    tail: $("add-tail").value.trim(), document: first.document, sentence,
    article: first.article_index,
  };
  if (first.record) line.record = first.record;
  if (sentence === first.sentence && first.start !== null) {
    line.start = first.start;
    line.end = first.end;
  }
  writes = writes.then(() => post(line)).then(
    () => say(`added: ${line.head} ${line.relation} ${line.tail}`),
    (error) => say(error.message, true),
  );
}

function mergeRow(suggestion) {
  const row = element("li");
  row.dataset.keys = suggestion.keys.join(" ");
  row.append(element("span", suggestion.labels[0], "name head"), " ⟷ ",
             element("span", suggestion.labels[1], "name tail"),
             element("span", ` · ${suggestion.reason}`, "hint"));
  const merge = element("button", `merge as ${suggestion.name}`, "merge");
  const apart = element("button", "keep apart", "keep-apart");
  merge.type = apart.type = "button";
  const settle = (line, done) => {
    row.remove();
    $("no-merges").hidden = $("merge-list").children.length > 0;
    writes = writes.then(() => post(line)).then(
      () => say(done),
      (error) => { $("merge-list").prepend(row); say(error.message, true); },
    );
  };
  merge.addEventListener("click", () => settle(
    { op: "merge", keys: suggestion.keys, name: suggestion.name }, `merged as ${suggestion.name}`));
  apart.addEventListener("click", () => settle(
    { op: "keep_apart", keys: suggestion.keys }, `kept apart: ${suggestion.labels.join(", ")}`));
  row.append(merge, apart);
  return row;
}

function onKey(event) {
  if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey ||
      event.altKey) return;
  if (!["a", "r", " "].includes(event.key)) return;
  // A button or summary clicked last keeps the focus: let go of it, or space would press it too.
  if (event.target.closest("button, summary")) event.target.blur();
  if (event.key === "a") decide("accept_fact");
  else if (event.key === "r") decide("reject_fact");
  else skip();
  event.preventDefault();
}

async function start() {
  const [status, page, merges] = await Promise.all(
    [getJSON("/api/status"), getJSON(`/api/queue?start=0&limit=${BATCH}`), getJSON("/api/merges")]);
  showStatus(status);
  for (const relation of status.relations) {
    const option = element("option", relation);
    option.value = relation;
    $("add-relation").append(option);
  }
  queue.ahead = page.items;
  queue.total = page.total;
  $("merge-list").replaceChildren(...merges.map(mergeRow));
  $("no-merges").hidden = merges.length > 0;
  render();
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", () => {
  $("accept").addEventListener("click", () => decide("accept_fact"));
  $("reject").addEventListener("click", () => decide("reject_fact"));
  $("skip").addEventListener("click", skip);
  $("add-form").addEventListener("submit", addFact);
  document.addEventListener("keydown", onKey);
  start().catch((error) => say(error.message, true));
});
