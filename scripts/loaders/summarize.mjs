// node summarize.mjs MATRIX.json [CORPUS_DIR]
// Per runtime and kind: which cases it refused, and where it departs from the
// corpus's expected.tsv (refuses an expected-valid/warning case = STRICTER,
// loads an expected-error case = LENIENT).
import fs from "node:fs";
import path from "node:path";
const [mf, corpus = "checks/tests/corpus"] = process.argv.slice(2);
const m = JSON.parse(fs.readFileSync(mf, "utf8"));
const exp = {};
const tsv = path.join(corpus, "expected.tsv");
if (fs.existsSync(tsv)) for (const l of fs.readFileSync(tsv, "utf8").split("\n").slice(1)) {
  const [file, expect] = l.split("\t");
  if (!file) continue;
  const [kind, entry] = file.split("/");
  exp[`${kind}/${kind === "skills" ? entry : entry.replace(/\.md$/, "")}`] = expect;
}
for (const [rt, R] of Object.entries(m)) {
  console.log(`## ${rt}`);
  for (const kind of ["skills", "agents", "commands"]) {
    const e = Object.entries(R[kind] || {});
    if (!e.length) continue;
    const refused = e.filter(([, v]) => !v).map(([k]) => k).sort();
    const stricter = refused.filter((k) => exp[`${kind}/${k}`] && !exp[`${kind}/${k}`].startsWith("error"));
    const lenient = e.filter(([k, v]) => v && (exp[`${kind}/${k}`] || "").startsWith("error")).map(([k]) => k).sort();
    console.log(`${kind}: ${e.length - refused.length}/${e.length} loaded; refused: ${refused.join(", ") || "-"}`);
    if (stricter.length) console.log(`  stricter than expected (refused, expected valid/warning): ${stricter.join(", ")}`);
    if (lenient.length) console.log(`  lenient (loaded, expected error): ${lenient.join(", ")}`);
  }
  const names = Object.entries(R.names || {});
  if (names.length) console.log(`names reported != case: ${names.map(([k, v]) => `${k}→${v.join("|")}`).join(", ")}`);
  console.log();
}
