// Ask `codex app-server` (JSON-RPC, one JSON object per line on stdio) for the
// skills it loads for a cwd. Usage: node codex-skills.mjs CODEX_BIN CWD [TIMEOUT_MS]
// Prints the raw skills/list result (SkillsListResponse) as JSON.
import { spawn } from "node:child_process";
const [bin, cwd, ms = "45000"] = process.argv.slice(2); // ms: give up after this long
const child = spawn(bin, ["app-server"], { cwd, stdio: ["pipe", "pipe", "inherit"] });
let buf = "";
const send = (m) => child.stdin.write(JSON.stringify(m) + "\n");
const done = (code, out) => { if (out !== undefined) process.stdout.write(JSON.stringify(out) + "\n"); child.kill("SIGTERM"); process.exit(code); };
setTimeout(() => { console.error("codex app-server: timeout"); done(2); }, Number(ms)).unref();
process.on("SIGTERM", () => { child.kill("SIGKILL"); process.exit(143); });
child.on("exit", (c) => { console.error(`codex app-server exited (${c}) before answering`); process.exit(3); });
child.stdout.on("data", (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    if (!line.trim()) continue;
    let m; try { m = JSON.parse(line); } catch { continue; }
    if (m.id === 1) {
      if (m.error) { console.error("initialize failed: " + JSON.stringify(m.error)); done(4); }
      send({ method: "initialized" });
      send({ method: "skills/list", id: 2, params: { cwds: [cwd], forceReload: true } });
    } else if (m.id === 2) {
      if (m.error) { console.error("skills/list failed: " + JSON.stringify(m.error)); done(5); }
      done(0, m.result);
    }
  }
});
send({ method: "initialize", id: 1, params: { clientInfo: { name: "ctxgate-loaders", title: null, version: "0" }, capabilities: null } });
