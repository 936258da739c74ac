-- The SQLite database of kg.records.merge: the graph of a build, merged on disk.
-- merge.py fills {statement_fields}, {statement_order}, {statement_columns} and {symmetric}
-- (the relation types stated both ways) before it runs a section.

-- section: schema
-- Facts go in under their ends as stated, numbered in the order first stated (id); statements
-- are numbered in the order they came (seq). Both break ties between statements at the same
-- place, so a fact's evidence reads in the order of a stable sort of the records as they came.
CREATE TABLE entity (key TEXT PRIMARY KEY, type TEXT NOT NULL, label TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE alias (key TEXT, name TEXT, PRIMARY KEY (key, name)) WITHOUT ROWID;
CREATE TABLE role (key TEXT, role TEXT, PRIMARY KEY (key, role)) WITHOUT ROWID;
CREATE TABLE mention (key TEXT, article TEXT, date TEXT, PRIMARY KEY (key, article)) WITHOUT ROWID;
CREATE TABLE fact (
    id INTEGER PRIMARY KEY, head TEXT, kind TEXT, tail TEXT, is_value INTEGER,
    UNIQUE (head, kind, tail, is_value));
CREATE TABLE statement (
    seq INTEGER PRIMARY KEY, fact INTEGER, document TEXT, record TEXT, article TEXT, date TEXT,
    text TEXT, start INTEGER, "end" INTEGER, rule TEXT, confidence REAL, triggers TEXT,
    correction TEXT);
CREATE TABLE article (
    seq INTEGER PRIMARY KEY, ref TEXT, document TEXT, record TEXT, idx INTEGER, headline TEXT,
    date TEXT, byline TEXT, meta TEXT);
-- The corrections of kg.records.corrections: each with its line and outcome, and the statements
-- the rejected facts had (is_value: an honour, whose tail is its text).
CREATE TABLE correction (
    seq INTEGER PRIMARY KEY, ident TEXT, line TEXT, applied INTEGER, outcome TEXT, targets TEXT);
CREATE TABLE rejected (
    pos INTEGER PRIMARY KEY, rejected_by TEXT, head TEXT, tail TEXT, kind TEXT, is_value INTEGER,
    {statement_fields});

-- section: finish
-- Run once all records are in. Names that are only aliases fold into their entity (``fold``);
-- every entity then belongs to one node (``member``), and the tables the writers read are
-- made from the members: names, roles, articles, facts with their ends moved to the nodes.
CREATE TEMP TABLE owner AS
    SELECT DISTINCT e.type, a.name, a.key FROM alias a JOIN entity e ON e.key = a.key
    WHERE a.name != e.label;
CREATE INDEX temp.owner_name ON owner (type, name);
CREATE TABLE fold (key TEXT PRIMARY KEY, target TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO fold
    SELECT e.key, MIN(o.key) FROM entity e
    JOIN owner o ON o.type = e.type AND o.name = e.label AND o.key != e.key
    GROUP BY e.key HAVING COUNT(*) = 1;
DELETE FROM fold WHERE EXISTS (
    SELECT 1 FROM entity t JOIN owner o ON o.type = t.type AND o.name = t.label
    WHERE t.key = fold.target);
CREATE TABLE member (key TEXT PRIMARY KEY, node TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO member SELECT e.key, COALESCE(f.target, e.key) FROM entity e
    LEFT JOIN fold f ON f.key = e.key;
CREATE TABLE node (key TEXT PRIMARY KEY, type TEXT, label TEXT) WITHOUT ROWID;
INSERT INTO node SELECT key, type, label FROM entity WHERE key NOT IN (SELECT key FROM fold);
CREATE TABLE node_alias (node TEXT, name TEXT, PRIMARY KEY (node, name)) WITHOUT ROWID;
INSERT OR IGNORE INTO node_alias
    SELECT m.node, a.name FROM alias a JOIN member m ON m.key = a.key
    UNION SELECT f.target, e.label FROM fold f JOIN entity e ON e.key = f.key;
DELETE FROM node_alias WHERE name = (SELECT label FROM node WHERE key = node_alias.node);
CREATE TABLE node_role (node TEXT, role TEXT, PRIMARY KEY (node, role)) WITHOUT ROWID;
INSERT OR IGNORE INTO node_role SELECT m.node, r.role FROM role r JOIN member m ON m.key = r.key;
CREATE TABLE node_article (node TEXT, article TEXT, date TEXT, PRIMARY KEY (node, article))
    WITHOUT ROWID;
INSERT OR IGNORE INTO node_article
    SELECT m.node, x.article, x.date FROM mention x JOIN member m ON m.key = x.key;
CREATE TABLE node_honour (pos INTEGER PRIMARY KEY, node TEXT, honour TEXT, {statement_fields});
INSERT INTO node_honour
    SELECT ROW_NUMBER() OVER (ORDER BY m.node, f.tail, {statement_order}, f.head != m.node,
        f.head, s.seq), m.node, f.tail, {statement_columns}
    FROM fact f JOIN member m ON m.key = f.head JOIN statement s ON s.fact = f.id
    WHERE f.is_value;
CREATE TABLE edge_fact (fact INTEGER PRIMARY KEY, head TEXT, tail TEXT, kind TEXT);
INSERT INTO edge_fact
    SELECT id, IIF(kind IN ({symmetric}), MIN(h, t), h), IIF(kind IN ({symmetric}), MAX(h, t), t),
        kind
    FROM (SELECT f.id, f.kind, mh.node AS h, mt.node AS t FROM fact f
          JOIN member mh ON mh.key = f.head JOIN member mt ON mt.key = f.tail
          WHERE NOT f.is_value)
    WHERE h != t;
CREATE TABLE edge_statement (
    pos INTEGER PRIMARY KEY, head TEXT, tail TEXT, kind TEXT, {statement_fields});
INSERT INTO edge_statement
    SELECT ROW_NUMBER() OVER (ORDER BY e.head, e.tail, e.kind, {statement_order}, e.fact, s.seq),
        e.head, e.tail, e.kind, {statement_columns}
    FROM edge_fact e JOIN statement s ON s.fact = e.fact;
-- section: derive
-- The tables read from the nodes and the statements: run after ``finish`` and again after the
-- corrections (kg.records.corrections) changed them.
DROP TABLE IF EXISTS edge;
CREATE TABLE edge (head TEXT, tail TEXT, kind TEXT, PRIMARY KEY (head, tail, kind)) WITHOUT ROWID;
INSERT OR IGNORE INTO edge SELECT head, tail, kind FROM edge_statement;
DROP TABLE IF EXISTS degree;
CREATE TABLE degree (node TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;
INSERT INTO degree SELECT node, COUNT(*) FROM (
    SELECT head AS node FROM edge UNION ALL SELECT tail FROM edge) GROUP BY node;
DROP TABLE IF EXISTS link;
CREATE TABLE link (subject TEXT, kind TEXT, object TEXT, PRIMARY KEY (subject, kind, object))
    WITHOUT ROWID;
INSERT OR IGNORE INTO link
    SELECT head, kind, tail FROM edge
    UNION ALL SELECT tail, kind, head FROM edge WHERE kind IN ({symmetric});
DROP TABLE IF EXISTS person_name;
CREATE TABLE person_name (name TEXT PRIMARY KEY, key TEXT) WITHOUT ROWID;
INSERT INTO person_name
    SELECT a.name, MIN(a.node) FROM node_alias a JOIN node n ON n.key = a.node
    WHERE n.type = 'PERSON' GROUP BY a.name;
INSERT OR REPLACE INTO person_name SELECT label, key FROM node WHERE type = 'PERSON';

-- section: reorder
-- After corrections: symmetric facts from the smaller key again, no fact from a node to itself,
-- and the statements numbered again in the order the writers read them.
UPDATE edge_statement SET head = tail, tail = head WHERE kind IN ({symmetric}) AND head > tail;
DELETE FROM edge_statement WHERE head = tail;
CREATE TABLE edge_statement_sorted (
    pos INTEGER PRIMARY KEY, head TEXT, tail TEXT, kind TEXT, {statement_fields});
INSERT INTO edge_statement_sorted
    SELECT ROW_NUMBER() OVER (ORDER BY head, tail, kind, article, COALESCE(start, 0), pos),
        head, tail, kind, {statement_fields}
    FROM edge_statement;
DROP TABLE edge_statement;
ALTER TABLE edge_statement_sorted RENAME TO edge_statement;
CREATE TABLE node_honour_sorted (pos INTEGER PRIMARY KEY, node TEXT, honour TEXT, {statement_fields});
INSERT INTO node_honour_sorted
    SELECT ROW_NUMBER() OVER (ORDER BY node, honour, article, COALESCE(start, 0), pos),
        node, honour, {statement_fields}
    FROM node_honour;
DROP TABLE node_honour;
ALTER TABLE node_honour_sorted RENAME TO node_honour;
