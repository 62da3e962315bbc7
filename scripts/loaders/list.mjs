// node list.mjs RUNTIME PROJECT_DIR
// Runs one runtime's own CLI offline over PROJECT_DIR and prints ONE JSON object:
// {"runtime","skills":[..],"agents":[..],"commands":[..],"errors":[..]} naming what it
// loaded from the project's own folders. Each run gets a fresh temporary HOME (XDG
// dirs inside it), dummy keys, proxies/base URLs at a closed loopback port.
// Skills are named by their folder when the CLI reports a path (opencode, codex,
// copilot, gemini, qwen via its debug log), else by the name the CLI reports (claude).
import { spawnSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [runtime, projArg] = process.argv.slice(2);
const RUNTIMES = ["claude", "codex", "opencode", "qwen", "copilot", "gemini"];
if (!RUNTIMES.includes(runtime) || !projArg) {
  console.error(`usage: list {${RUNTIMES.join("|")}} PROJECT_DIR`);
  process.exit(64);
}
const proj = fs.realpathSync(projArg);
const loadersDir = process.env.LOADERS_DIR || path.join(os.homedir(), ".cache/ctxgate/loaders");
const bin = (n) => path.join(loadersDir, "node_modules/.bin", n);
const TIMEOUT = Number(process.env.LOADERS_TIMEOUT || 60) * 1000;
const DEAD = "http://127.0.0.1:9"; // closed loopback port

const home = fs.mkdtempSync(path.join(os.tmpdir(), `ctxgate-${runtime}-home.`));
const env = {
  PATH: process.env.PATH, LANG: "C.UTF-8", TERM: "dumb", CI: "1", NO_COLOR: "1",
  HOME: home, USERPROFILE: home,
  XDG_CONFIG_HOME: `${home}/.config`, XDG_DATA_HOME: `${home}/.local/share`,
  XDG_CACHE_HOME: `${home}/.cache`, XDG_STATE_HOME: `${home}/.local/state`,
  TMPDIR: `${home}/tmp`,
  HTTP_PROXY: DEAD, HTTPS_PROXY: DEAD, http_proxy: DEAD, https_proxy: DEAD, ALL_PROXY: DEAD, NO_PROXY: "",
  ANTHROPIC_API_KEY: "sk-ant-dummy", ANTHROPIC_BASE_URL: DEAD,
  OPENAI_API_KEY: "sk-dummy", OPENAI_BASE_URL: DEAD, CODEX_API_KEY: "sk-dummy",
  GEMINI_API_KEY: "dummy", GOOGLE_GEMINI_BASE_URL: DEAD, GOOGLE_CLOUD_PROJECT: "",
  DASHSCOPE_API_KEY: "dummy", GITHUB_TOKEN: "", GH_TOKEN: "", COPILOT_GITHUB_TOKEN: "",
  DISABLE_AUTOUPDATER: "1", DISABLE_TELEMETRY: "1", DISABLE_ERROR_REPORTING: "1",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  OPENCODE_DISABLE_AUTOUPDATE: "1", OPENCODE_DISABLE_LSP_DOWNLOAD: "1", OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
  GEMINI_TELEMETRY_ENABLED: "false", GEMINI_CLI_NO_RELAUNCH: "true",
  QWEN_TELEMETRY_ENABLED: "false", NO_UPDATE_NOTIFIER: "1", COPILOT_AUTO_UPDATE: "false",
};
fs.mkdirSync(env.TMPDIR, { recursive: true });
const put = (rel, obj) => {
  const f = path.join(home, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, typeof obj === "string" ? obj : JSON.stringify(obj, null, 2));
};

const out = { runtime, skills: [], agents: [], commands: [], errors: [] };
// Reasons the CLI gave no usable listing at all (crash, timeout, unparsable output,
// invalid config). Printed as "fatal" only when non-empty; the matrix uses it.
const fatal = [];
// LIST_KINDS=skills,agents,commands: only ask for these kinds (opencode: skips a call).
const want = new Set((process.env.LIST_KINDS || "skills,agents,commands").split(","));
const under = (p) => p && (p === proj || p.startsWith(proj + path.sep));
const folderOf = (p) => path.basename(p.endsWith("SKILL.md") ? path.dirname(p) : p);
const uniq = (a) => [...new Set(a)].sort();
const cleanup = () => { if (!process.env.LOADERS_KEEP_HOME) fs.rmSync(home, { recursive: true, force: true }); };

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { cwd: proj, env, input: input ?? "", encoding: "utf8", timeout: TIMEOUT, maxBuffer: 256 << 20 });
  if (r.error) {
    const m = `${path.basename(cmd)} ${args[0] ?? ""}: ${r.error.code === "ETIMEDOUT" ? "timeout" : r.error.code || r.error.message}`;
    out.errors.push(m); fatal.push(m);
  }
  return r;
}
// Like run(), but stops the CLI soon after a stdout line satisfies `until` (qwen would
// otherwise go on to try the (closed) model endpoint).
function runUntil(cmd, args, until) {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd: proj, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const kill = (sig) => { try { process.kill(-c.pid, sig); } catch {} }; // whole group: qwen relaunches itself
    let stdout = "", stderr = "", hit = false;
    const timer = setTimeout(() => { out.errors.push(`${path.basename(cmd)}: timeout`); fatal.push(`${path.basename(cmd)}: timeout`); kill("SIGKILL"); }, TIMEOUT);
    c.stdout.on("data", (d) => {
      stdout += d;
      if (!hit && stdout.split("\n").some((l) => { try { return until(JSON.parse(l)); } catch { return false; } })) {
        hit = true; setTimeout(() => kill("SIGKILL"), 300);
      }
    });
    c.stderr.on("data", (d) => (stderr += d));
    c.on("close", (status) => { clearTimeout(timer); resolve({ stdout, stderr, status }); });
  });
}
function json(s, what) {
  try { return JSON.parse(s); } catch {
    const m = `${what}: unparsable output: ${String(s).slice(0, 300)}`;
    out.errors.push(m); fatal.push(m); return null;
  }
}
// Lines of stderr that speak of a project file: the CLI's own per-file complaints.
function projErrors(text) {
  for (const l of String(text || "").split("\n")) {
    if (!l.includes(proj)) continue;
    const bare = l.split(proj).join("");
    if (/\[(DEBUG|INFO)\]|level=(DEBUG|INFO)|^\s*Location:/.test(l)) continue;
    if (/error|warn|fail|invalid|skip|could not|cannot|unable|duplicate|conflict|overrid/i.test(bare)) out.errors.push(l.trim().slice(0, 600));
  }
}
// Names that a runtime lists on an empty project (built-ins), cached per version.
function baseline(key, fn) {
  const f = path.join(loadersDir, `baseline-${runtime}-${key}.json`);
  try { return new Set(JSON.parse(fs.readFileSync(f, "utf8"))); } catch {}
  const names = fn();
  try { fs.writeFileSync(f, JSON.stringify(names)); } catch {}
  return new Set(names);
}

async function main() {
  switch (runtime) {
    case "opencode": {
      if (want.has("skills")) {
        const r = run(bin("opencode"), ["debug", "skill", "--print-logs", "--log-level", "WARN"]);
        projErrors(r.stderr);
        const skills = json(r.stdout, "opencode debug skill") || [];
        out.skills = skills.filter((s) => under(s.location)).map((s) => folderOf(s.location));
      }
      if (!want.has("agents") && !want.has("commands")) break;
      const c = run(bin("opencode"), ["debug", "config", "--print-logs", "--log-level", "WARN"]);
      projErrors(c.stderr);
      if (c.status !== 0) {
        const m = `opencode debug config exit ${c.status}: ${(c.stderr || c.stdout).trim().slice(0, 800)}`;
        out.errors.push(m); fatal.push(m);
      }
      const cfg = c.status === 0 ? json(c.stdout, "opencode debug config") : null;
      out.agents = Object.keys(cfg?.agent || {});
      out.commands = Object.keys(cfg?.command || {});
      break;
    }
    case "codex": {
      const r = run(process.execPath, [path.join(here, "codex-skills.mjs"), bin("codex"), proj, String(Math.max(3000, TIMEOUT - 3000))]);
      const res = json(r.stdout, "codex skills/list");
      for (const e of res?.data || []) {
        out.skills.push(...e.skills.filter((s) => under(s.path)).map((s) => folderOf(s.path)));
        out.errors.push(...e.errors.map((x) => `${x.path}: ${x.message}`));
      }
      if (r.status !== 0) {
        const m = `codex app-server: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`;
        out.errors.push(m); fatal.push(m);
      }
      break;
    }
    case "claude": {
      const ask = () => run(bin("claude"), ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"],
        JSON.stringify({ type: "control_request", request_id: "1", request: { subtype: "initialize" } }) + "\n");
      const parse = (r) => r.stdout.split("\n").map((l) => { try { return JSON.parse(l); } catch { return null; } })
        .find((m) => m?.type === "control_response")?.response?.response;
      const r = ask();
      projErrors(r.stderr);
      const resp = parse(r);
      if (!resp) { const m = `claude: no initialize response: ${(r.stderr || r.stdout).slice(0, 500)}`; out.errors.push(m); fatal.push(m); break; }
      const projectCmds = (resp.commands || []).filter((c) => !c.builtin && / \(project\)$/.test(c.description || "") || (!c.builtin && c.description === "(project)"));
      // Skills and commands share one list; a name is a skill if .claude/skills/<name> exists.
      const skillDirs = new Set(fs.existsSync(path.join(proj, ".claude/skills")) ? fs.readdirSync(path.join(proj, ".claude/skills")) : []);
      for (const c of projectCmds) (skillDirs.has(c.name) || !commandExists(c.name) ? out.skills : out.commands).push(c.name);
      const base = baseline(resp.claude_code_version || "x", () => {
        const saved = process.cwd(); const empty = fs.mkdtempSync(path.join(home, "empty."));
        const b = spawnSync(bin("claude"), ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"],
          { cwd: empty, env, input: JSON.stringify({ type: "control_request", request_id: "1", request: { subtype: "initialize" } }) + "\n", encoding: "utf8", timeout: TIMEOUT });
        return (parse(b)?.agents || []).map((a) => a.name);
      });
      out.agents = (resp.agents || []).map((a) => a.name).filter((n) => !base.has(n));
      break;
    }
    case "qwen": {
      put(".qwen/settings.json", { privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false }, general: { disableAutoUpdate: true, disableUpdateNag: true } });
      const args = ["-d", "--output-format", "stream-json", "--auth-type", "openai", "--openai-api-key", "sk-dummy", "--openai-base-url", DEAD, "-m", "dummy", "--max-session-turns", "1", "hi"];
      const isInit = (m) => m?.type === "system" && m.subtype === "init";
      const r = await runUntil(bin("qwen"), args, isInit);
      const init = r.stdout.split("\n").map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((m) => m?.type === "system" && m.subtype === "init");
      if (!init) { const m = `qwen: no system/init line: ${r.stderr.slice(0, 500)}`; out.errors.push(m); fatal.push(m); break; }
      let log = "";
      const dbg = path.join(home, ".qwen/debug");
      if (fs.existsSync(dbg)) for (const f of fs.readdirSync(dbg)) log += fs.readFileSync(path.join(dbg, f), "utf8");
      const skillNames = new Set();
      for (const m of log.matchAll(/Successfully parsed skill: (.+?) \(project\) from (\S+)/g)) { out.skills.push(folderOf(m[2])); skillNames.add(m[1]); }
      projErrors(log);
      const base = baseline(init.qwen_code_version || "x", () => {
        const empty = fs.mkdtempSync(path.join(home, "empty."));
        const b = spawnSync(bin("qwen"), args, { cwd: empty, env, input: "", encoding: "utf8", timeout: TIMEOUT });
        const i = b.stdout.split("\n").map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((m) => m?.subtype === "init");
        return [...(i?.slash_commands || []).map((n) => "/" + n), ...(i?.agents || [])];
      });
      out.commands = (init.slash_commands || []).filter((n) => !base.has("/" + n) && !skillNames.has(n));
      out.agents = (init.agents || []).filter((n) => !base.has(n));
      break;
    }
    case "copilot": {
      const r = run(bin("copilot"), ["skill", "list", "--json"]);
      projErrors(r.stderr);
      const list = json(r.stdout, "copilot skill list") || [];
      if (r.status !== 0) fatal.push(`copilot skill list exit ${r.status}: ${(r.stderr || "").trim().slice(0, 500)}`);
      for (const s of list.filter((s) => s.source === "project" || under(s.path))) {
        // .claude/commands/*.md are offered as skills too; their path is the folder.
        if (/[\\/]\.claude[\\/]commands$/.test(s.path)) out.commands.push(s.name);
        else out.skills.push(folderOf(s.path));
      }
      break;
    }
    case "gemini": {
      put(".gemini/trustedFolders.json", { [proj]: "TRUST_FOLDER" });
      put(".gemini/settings.json", { privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false }, general: { disableAutoUpdate: true, disableUpdateNag: true }, security: { auth: { selectedType: "gemini-api-key" } } });
      const r = run(bin("gemini"), ["skills", "list", "--all"]);
      projErrors(r.stderr); projErrors(r.stdout);
      const locs = [...r.stdout.matchAll(/^\s*Location:\s+(\S.*?)\s*$/gm)].map((m) => m[1]);
      for (const l of locs) if (under(l)) out.skills.push(folderOf(l));
      // Built-in skills are always listed; none at all means the listing itself failed.
      if (r.status !== 0 || !locs.some((l) => !under(l))) fatal.push(`gemini skills list exit ${r.status}, ${locs.length} locations: ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
      break;
    }
  }
}
function commandExists(name) {
  return fs.existsSync(path.join(proj, ".claude/commands", name + ".md")) ||
    fs.existsSync(path.join(proj, ".claude/commands", ...name.split(":")) + ".md");
}

const t0 = Date.now();
try { await main(); } catch (e) { out.errors.push(`harness: ${e.stack || e}`); fatal.push(`harness: ${e.message || e}`); }
out.skills = uniq(out.skills); out.agents = uniq(out.agents); out.commands = uniq(out.commands);
out.errors = [...new Set(out.errors.map((e) => e.replace(/\x1b\[[0-9;]*m/g, "")))];
if (fatal.length) out.fatal = [...new Set(fatal.map((e) => e.replace(/\x1b\[[0-9;]*m/g, "")))];
out.ms = Date.now() - t0;
cleanup();
process.stdout.write(JSON.stringify(out) + "\n");
