// node matrix.mjs [CORPUS_DIR...] [--extra DIR]... [OUT.json] [runtime,...] [--plan]
// Runs every runtime's own loader (./list) over every corpus case (skills/<folder>/SKILL.md,
// agents/<file>.md, commands/<file>.md) and records whether it was loaded.
// Several CORPUS_DIRs (and --extra DIRs, added to the default corpus when no CORPUS_DIR is
// given) are merged; a case key present in two of them is an error.
//
// Fast path: the cases are PACKED into a few projects per runtime. A project never holds two
// cases that could be listed under the same identifier (folder / file stem, frontmatter name,
// NFKC-lowercased with [space _ .] folded to "-"; name-less cases count as one shared
// identifier "<noname>"). Skills and commands share one namespace (claude, qwen and copilot
// list them together), agents have their own. opencode agents get projects of their own (one
// bad agent makes opencode's whole config invalid) and only the `debug config` call.
// Each packed project also holds one known-good canary per kind. A packed listing is trusted only if:
// it is not fatal, every canary is listed, every listed item maps to exactly one case of that
// kind, every message names exactly the path of a case, and no message speaks of duplicates or
// overriding. Otherwise: if the fatal message names some cases (opencode "Configuration is
// invalid at X"), those are peeled off and run alone and the rest is re-packed; else every
// case of that project is run alone (exactly the old one-case-per-project procedure).
// A runtime whose canary-only preflight project does not list, a listing that times out twice,
// or a runtime that loads nothing at all: exit 2 with a message, no OUT written.
//
// Writes {"<runtime>": {"skills": {"<folder>": bool}, "agents": {...}, "commands": {...},
//         "names": {"skills/<folder>": [names reported]}, "errors": {"skills/<folder>": [..]}}}
// Env: MATRIX_JOBS (parallel listings, default 2), LOADERS_TIMEOUT (s per CLI call, default 40 here),
// MATRIX_ALONE=1 (no packing: every case in its own project, the slow reference procedure).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_CORPUS = path.resolve(here, "../../checks/tests/corpus");
// Where each runtime reads project files (verified with ./list; see README). These are also
// exactly the kinds that ./list reports for that runtime.
const PLACES = {
  claude: { skills: ".claude/skills", agents: ".claude/agents", commands: ".claude/commands" },
  codex: { skills: ".agents/skills" },
  opencode: { skills: ".opencode/skills", agents: ".opencode/agents", commands: ".opencode/commands" },
  qwen: { skills: ".qwen/skills", agents: ".qwen/agents", commands: ".qwen/commands" },
  copilot: { skills: ".github/skills", commands: ".claude/commands" },
  gemini: { skills: ".gemini/skills" },
};
// Kinds that must not share a project with the other kinds, per runtime.
const OWN_PROJECTS = { opencode: ["agents"] };
// Rough seconds per listing, only to start the slow runtimes first.
const COST = { opencode: 3.5, qwen: 3, copilot: 2.2, gemini: 1.2, claude: 0.7, codex: 0.5 };
const KINDS = ["skills", "agents", "commands"];
const GROUP = { skills: "S", commands: "S", agents: "A" };

// ---- arguments
const corpora = [], extras = [];
let outFile = "/tmp/loaders-matrix.json", only = null, planOnly = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--extra") { extras.push(argv[++i]); continue; }
  if (a === "--plan") { planOnly = true; continue; }
  if (a.endsWith(".json")) { outFile = a; continue; }
  if (/^[a-z,]+$/.test(a) && a.split(",").every((r) => PLACES[r]) && !fs.existsSync(a)) { only = a.split(","); continue; }
  corpora.push(a);
}
if (!corpora.length) corpora.push(DEFAULT_CORPUS);
corpora.push(...extras);
for (const c of corpora) {
  if (!c || !fs.existsSync(c) || !fs.statSync(c).isDirectory()) die(`corpus dir not found: ${c}`);
  if (!KINDS.some((k) => fs.existsSync(path.join(c, k)))) die(`${c}: no skills/, agents/ or commands/ inside`);
}
const runtimes = only || Object.keys(PLACES);
const loadersDir = process.env.LOADERS_DIR || path.join(os.homedir(), ".cache/ctxgate/loaders");
for (const rt of runtimes) if (!fs.existsSync(path.join(loadersDir, "node_modules/.bin", rt)))
  die(`${rt} is not installed in ${loadersDir} (run scripts/loaders/install)`);
const P = Math.max(1, Number(process.env.MATRIX_JOBS || 2));
const TIMEOUT_S = Number(process.env.LOADERS_TIMEOUT || 40);
const HARD_MS = (TIMEOUT_S * 3 + 15) * 1000; // list.mjs makes at most 3 CLI calls (opencode 2, baseline 1)

function die(msg) { process.stderr.write(`matrix: ERROR: ${msg}\n`); process.exit(2); }

// ---- identifiers a case could be listed under
const norm = (s) => String(s).normalize("NFKC").toLowerCase().trim().replace(/[\s_.]+/g, "-");
function identifiers(text, base, kind) {
  const ids = new Set([base]);
  const lines = text.split(/\r?\n/);
  const fence = (l) => /^---[ \t]*$/.test(l);
  const close = fence(lines[0]) ? lines.findIndex((l, i) => i > 0 && fence(l)) : -1;
  const clean = close > 0; // opens at byte 0 (no BOM, no blank line), closes at column 0
  const region = clean ? lines.slice(1, close) : lines.slice(0, 40);
  const line = region.find((l) => /^name[ \t]*:/.test(l));
  let named = false;
  if (line) {
    let v = line.replace(/^name[ \t]*:/, "").replace(/[ \t]+#.*$/, "").trim().replace(/^!!\w+[ \t]+/, "");
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    if (/^\[.*\]$/.test(v)) {
      const items = v.slice(1, -1).split(",").map((x) => x.trim().replace(/^(["'])(.*)\1$/, "$2")).filter(Boolean);
      for (const x of items) ids.add(x);
      if (items.length) { ids.add(items.join(",")); ids.add(items.join(", ")); named = true; }
    } else if (v && !/^(~|null|Null|NULL|[|>].*)$/.test(v)) { ids.add(v); ids.add(v.trim()); named = true; }
  }
  const out = new Set([...ids].map(norm));
  if (!named && kind !== "commands") out.add("<noname>"); // commands are keyed by file stem
  return { ids: out, clean, named };
}

// ---- cases
const cases = [];
const seen = new Map();
for (const corpus of corpora) for (const kind of KINDS) {
  const d = path.join(corpus, kind);
  if (!fs.existsSync(d)) continue;
  for (const entry of fs.readdirSync(d).sort()) {
    const src = path.join(d, entry);
    const isDir = fs.statSync(src).isDirectory();
    if (kind === "skills" ? !isDir : (isDir || !entry.endsWith(".md"))) continue;
    const key = kind === "skills" ? entry : entry.replace(/\.md$/, "");
    const id = `${kind}/${key}`;
    if (seen.has(id)) die(`case ${id} is in both ${seen.get(id)} and ${corpus}`);
    seen.set(id, corpus);
    if (/^zz-ctxgate-canary/.test(key)) die(`case ${id}: the zz-ctxgate-canary* names are reserved for the matrix`);
    const file = kind === "skills" ? path.join(src, "SKILL.md") : src;
    const text = fs.existsSync(file) ? fs.readFileSync(file).subarray(0, 65536).toString("utf8") : "";
    cases.push({ kind, entry, key, id, src, ...identifiers(text, key, kind) });
  }
}
const CANARY = {
  skills: { kind: "skills", entry: "zz-ctxgate-canary", key: "zz-ctxgate-canary", canary: true,
    body: "---\nname: zz-ctxgate-canary\ndescription: Canary skill of the ctxgate loader matrix.\n---\nCanary.\n" },
  agents: { kind: "agents", entry: "zz-ctxgate-canary-agent.md", key: "zz-ctxgate-canary-agent", canary: true,
    body: "---\nname: zz-ctxgate-canary-agent\ndescription: Canary agent of the ctxgate loader matrix.\n---\nYou are a canary.\n" },
  commands: { kind: "commands", entry: "zz-ctxgate-canary-cmd.md", key: "zz-ctxgate-canary-cmd", canary: true,
    body: "---\ndescription: Canary command of the ctxgate loader matrix.\n---\nSay canary.\n" },
};
for (const c of Object.values(CANARY)) c.ids = new Set([norm(c.key)]);

// ---- partition: least-loaded fit over bins whose identifier sets stay disjoint (per namespace)
function partition(rt) {
  const mine = cases.filter((c) => PLACES[rt][c.kind]);
  const own = OWN_PROJECTS[rt] || [];
  const classes = [mine.filter((c) => !own.includes(c.kind)), ...own.map((k) => mine.filter((c) => c.kind === k))];
  const bins = [];
  for (const cls of classes) {
    if (!cls.length) continue;
    const mybins = [];
    // name-less cases first (one per bin at most), then the ones with most identifiers
    const order = [...cls].sort((a, b) => (b.ids.has("<noname>") - a.ids.has("<noname>")) || (b.ids.size - a.ids.size));
    for (const c of order) {
      const keys = [...c.ids].map((x) => GROUP[c.kind] + ":" + x);
      const fit = mybins.filter((b) => !keys.some((k) => b.used.has(k))).sort((a, b) => a.cases.length - b.cases.length)[0];
      const bin = fit || (mybins.push({ cases: [], used: new Set() }), mybins[mybins.length - 1]);
      bin.cases.push(c); for (const k of keys) bin.used.add(k);
    }
    bins.push(...mybins.map((b) => b.cases));
  }
  return bins;
}
const plan = Object.fromEntries(runtimes.map((rt) => [rt, partition(rt)]));
for (const rt of runtimes) {
  const desc = plan[rt].map((b) => KINDS.map((k) => b.filter((c) => c.kind === k).length).map((n, i) => n ? n + "skc"[i] : "").join("")).join(" ");
  process.stderr.write(`plan ${rt}: ${plan[rt].length} projects [${desc}]\n`);
}
if (planOnly) {
  for (const rt of runtimes) plan[rt].forEach((b, i) => console.log(`${rt} #${i + 1}: ${b.map((c) => c.id).join(" ")}`));
  process.exit(0);
}

// ---- running listings
const work = fs.mkdtempSync(path.join(os.tmpdir(), "ctxgate-matrix."));
const homes = path.join(work, "homes");
fs.mkdirSync(homes);
const children = new Set();
let aborted = false;
function abort(msg) {
  if (aborted) return; aborted = true;
  process.stderr.write(`matrix: ERROR: ${msg}\nmatrix: aborted; ${outFile} NOT written\n`);
  for (const pid of children) { try { process.kill(-pid, "SIGKILL"); } catch {} }
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(2);
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => abort(`interrupted (${sig})`));
let nproj = 0, nlist = 0;
function layout(rt, list, canaryKinds) {
  const proj = path.join(work, `${rt}-${nproj++}`);
  fs.mkdirSync(proj, { recursive: true });
  const kinds = [...new Set([...list.map((c) => c.kind), ...canaryKinds])];
  for (const c of list) {
    const dest = path.join(proj, PLACES[rt][c.kind], c.entry);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(c.src, dest, { recursive: true });
  }
  for (const k of canaryKinds) {
    const c = CANARY[k];
    const dest = path.join(proj, PLACES[rt][k], k === "skills" ? path.join(c.entry, "SKILL.md") : c.entry);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, c.body);
  }
  return { proj: fs.realpathSync(proj), kinds };
}
function listOnce(rt, proj, kinds) {
  return new Promise((resolve) => {
    // TMPDIR: list.mjs makes its temp HOME there, so an abort (SIGKILL) leaves nothing outside `work`.
    const env = { ...process.env, LOADERS_TIMEOUT: String(TIMEOUT_S), LIST_KINDS: kinds.join(","), TMPDIR: homes };
    const c = spawn(process.execPath, [path.join(here, "list.mjs"), rt, proj], { stdio: ["ignore", "pipe", "pipe"], env, detached: true });
    children.add(c.pid); nlist++;
    let o = "", e = "", hard = false;
    const timer = setTimeout(() => { hard = true; try { process.kill(-c.pid, "SIGKILL"); } catch {} }, HARD_MS);
    c.stdout.on("data", (d) => (o += d)); c.stderr.on("data", (d) => (e += d));
    c.on("close", (status) => {
      clearTimeout(timer); children.delete(c.pid);
      try { process.kill(-c.pid, "SIGKILL"); } catch {} // leftovers of the group
      if (hard) return resolve({ skills: [], agents: [], commands: [], errors: ["list: hard timeout"], fatal: ["list: hard timeout"] });
      try { resolve(JSON.parse(o)); } catch {
        const m = `list failed (exit ${status}): ${(e || o).slice(0, 400)}`;
        resolve({ skills: [], agents: [], commands: [], errors: [m], fatal: [m] });
      }
    });
  });
}
const isTimeout = (r) => (r.fatal || []).some((f) => /timeout|ETIMEDOUT/i.test(f));
// A listing that timed out is repeated once; a second timeout aborts the whole matrix.
async function listRetry(rt, list, canaryKinds, what) {
  for (let attempt = 1; ; attempt++) {
    const { proj, kinds } = layout(rt, list, canaryKinds);
    const r = await listOnce(rt, proj, kinds);
    if (!process.env.MATRIX_KEEP) fs.rmSync(proj, { recursive: true, force: true });
    const strip = (x) => String(x).split(proj + "/").join("").split(proj).join("");
    r.errors = (r.errors || []).map(strip); r.fatal = (r.fatal || []).map(strip);
    if (!isTimeout(r)) return r;
    process.stderr.write(`${rt} ${what}: TIMEOUT (attempt ${attempt}): ${r.fatal.join(" | ").slice(0, 300)}\n`);
    if (attempt >= 2) abort(`${rt}: listing of ${what} timed out twice (LOADERS_TIMEOUT=${TIMEOUT_S}s per call)`);
  }
}

const result = {};
for (const rt of runtimes) result[rt] = { skills: {}, agents: {}, commands: {}, names: {}, errors: {} };
const rec = {}; // rt -> id -> {loaded, names, errors}
for (const rt of runtimes) rec[rt] = {};
const stats = { packedOk: 0, packedBad: 0, singles: 0, reasons: [] };

// Path of a case inside a project, as it appears in messages (with a boundary after it).
const relOf = (rt, c) => path.join(PLACES[rt][c.kind], c.entry);
const mentions = (msg, rel) => {
  let i = -1;
  // the path must end there: not followed by a name character, nor by "." + name character
  while ((i = msg.indexOf(rel, i + 1)) >= 0) if (!/^([A-Za-z0-9_-]|\.[A-Za-z0-9_-])/.test(msg.slice(i + rel.length))) return true;
  return false;
};
const untimed = (e) => e.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s*/, "");
const SHADOW = /duplicate (skill|agent|command|name)|skipping duplicate|conflict|overrid|shadow/i;

async function runSingle(rt, c) {
  const r = await listRetry(rt, [c], [], c.id);
  stats.singles++;
  const names = r[c.kind] || [];
  rec[rt][c.id] = { loaded: names.length > 0, names, errors: r.errors };
  process.stderr.write(`${rt} ${c.id}: ${names.length ? "loaded" : "REFUSED"} (alone)${r.fatal.length ? " [listing failed: " + r.fatal[0].slice(0, 120) + "]" : ""}\n`);
}

async function runPacked(rt, list) {
  const what = `project of ${list.length}`;
  const r = await listRetry(rt, list, [...new Set(list.map((c) => c.kind))], what);
  const bad = [];
  if (r.fatal.length) {
    // Peel off the cases the failure names (opencode names the invalid file), re-pack the rest.
    const culprits = list.filter((c) => r.fatal.some((f) => mentions(f, relOf(rt, c))));
    if (culprits.length && culprits.length < list.length) {
      process.stderr.write(`${rt} ${what}: listing failed because of ${culprits.map((c) => c.id).join(", ")}; running those alone, re-packing ${list.length - culprits.length}\n`);
      stats.packedBad++;
      for (const c of culprits) enqueue(() => runSingle(rt, c), 1, rt);
      const rest = list.filter((c) => !culprits.includes(c));
      enqueue(() => runPacked(rt, rest), 1, rt);
      return;
    }
    bad.push(`listing failed: ${r.fatal.join(" | ").slice(0, 300)}`);
  }
  const byId = new Map();
  for (const c of [...list, ...Object.values(CANARY)]) for (const x of c.ids) byId.set(GROUP[c.kind] + ":" + x, c);
  const got = new Map(list.map((c) => [c.id, []]));
  const canarySeen = new Set();
  if (!bad.length) for (const kind of KINDS) for (const n of r[kind] || []) {
    const c = byId.get(GROUP[kind] + ":" + norm(n));
    if (!c) bad.push(`${kind} "${n}" matches no case`);
    else if (c.kind !== kind) bad.push(`${kind} "${n}" matches ${c.kind} case ${c.key}`);
    else if (c.canary) canarySeen.add(kind);
    else if (list.includes(c)) got.get(c.id).push(n);
    else bad.push(`${kind} "${n}" is a canary of another kind`);
  }
  const kinds = [...new Set(list.map((c) => c.kind))];
  if (!bad.length) for (const k of kinds) if (!canarySeen.has(k)) bad.push(`canary ${k} not listed`);
  const errs = new Map(list.map((c) => [c.id, []]));
  if (!bad.length) for (const e of r.errors) {
    const who = list.filter((c) => mentions(e, relOf(rt, c)));
    const canaryHit = kinds.some((k) => mentions(e, path.join(PLACES[rt][k], CANARY[k].entry)));
    if (canaryHit) bad.push(`message about the canary: ${e.slice(0, 200)}`);
    else if (who.length !== 1) bad.push(`message names ${who.length} cases: ${e.slice(0, 200)}`);
    else if (SHADOW.test(e.split(relOf(rt, who[0])).join(""))) bad.push(`shadowing message: ${e.slice(0, 200)}`);
    else if (!errs.get(who[0].id).some((x) => untimed(x) === untimed(e))) errs.get(who[0].id).push(e); // qwen logs some twice
  }
  if (bad.length) {
    stats.packedBad++;
    stats.reasons.push(`${rt} ${what} [${list.map((c) => c.id).join(" ")}]: ${bad.slice(0, 3).join("; ")}`);
    process.stderr.write(`${rt} ${what}: NOT trusted (${bad[0].slice(0, 200)}); running its ${list.length} cases alone\n`);
    for (const c of list) enqueue(() => runSingle(rt, c), 1, rt);
    return;
  }
  stats.packedOk++;
  for (const c of list) rec[rt][c.id] = { loaded: got.get(c.id).length > 0, names: got.get(c.id), errors: errs.get(c.id) };
  const n = list.filter((c) => got.get(c.id).length).length;
  process.stderr.write(`${rt} ${what}: ${n} loaded, ${list.length - n} refused\n`);
}

async function preflight(rt) {
  const kinds = Object.keys(PLACES[rt]);
  const r = await listRetry(rt, [], kinds, "preflight"); // a project holding only the canaries
  const missing = kinds.filter((k) => !(r[k] || []).includes(CANARY[k].key));
  if ((r.fatal || []).length || missing.length)
    abort(`${rt}: preflight failed, the CLI did not list a project holding only known-good canaries` +
      `${missing.length ? ` (missing: ${missing.join(", ")})` : ""}: ${[...(r.fatal || []), ...(r.errors || [])].join(" | ").slice(0, 600)}`);
  process.stderr.write(`${rt} preflight: ok (${r.ms} ms)\n`);
}

// ---- scheduler: P listings at a time; lower priority number first, then costlier runtime first
const queue = [];
let active = 0, finish;
const finished = new Promise((r) => (finish = r));
function enqueue(fn, prio, rt) { queue.push({ fn, prio, cost: COST[rt] || 1, seq: queue.length }); pump(); }
function pump() {
  queue.sort((a, b) => a.prio - b.prio || b.cost - a.cost || a.seq - b.seq);
  while (active < P && queue.length && !aborted) {
    const j = queue.shift(); active++;
    Promise.resolve().then(j.fn).catch((e) => abort(`harness: ${e.stack || e}`)).finally(() => {
      active--; pump();
      if (!active && !queue.length) finish();
    });
  }
}
const t0 = Date.now();
for (const rt of runtimes) enqueue(() => preflight(rt), 0, rt);
const ALONE = !!process.env.MATRIX_ALONE; // the old procedure: every case alone (reference runs)
for (const rt of runtimes) for (const b of plan[rt])
  if (ALONE) for (const c of b) enqueue(() => runSingle(rt, c), 2, rt);
  else enqueue(() => runPacked(rt, b), 2, rt);
await finished;

// ---- output, in corpus order
for (const rt of runtimes) {
  const R = result[rt];
  let loaded = 0;
  for (const c of cases) {
    if (!PLACES[rt][c.kind]) continue;
    const x = rec[rt][c.id];
    if (!x) abort(`${rt} ${c.id}: no verdict recorded (harness bug)`);
    R[c.kind][c.key] = x.loaded; loaded += x.loaded;
    if (x.names.length && !(x.names.length === 1 && x.names[0] === c.key)) R.names[c.id] = x.names;
    if (x.errors.length) R.errors[c.id] = x.errors;
  }
  if (!loaded) abort(`${rt}: not one case loaded; the runtime is not listing (see messages above)`);
}
fs.writeFileSync(outFile, JSON.stringify(result, null, 1) + "\n");
fs.rmSync(work, { recursive: true, force: true });
for (const x of stats.reasons) process.stderr.write(`untrusted: ${x}\n`);
process.stderr.write(`matrix: ${cases.length} cases, ${nlist} listings (${stats.packedOk} packed projects trusted, ` +
  `${stats.packedBad} not, ${stats.singles} cases run alone), ${P} parallel, ${Math.round((Date.now() - t0) / 1000)}s -> ${outFile}\n`);
