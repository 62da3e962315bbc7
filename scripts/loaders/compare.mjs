// node compare.mjs A.json B.json — compare two loader matrices case by case.
// Prints verdict and reported-name differences (exit 1 if any), cases only in one of them,
// and, for information, cases whose messages differ.
import fs from "node:fs";
const [fa, fb] = process.argv.slice(2);
if (!fa || !fb) { console.error("usage: compare.mjs A.json B.json"); process.exit(64); }
const A = JSON.parse(fs.readFileSync(fa, "utf8")), B = JSON.parse(fs.readFileSync(fb, "utf8"));
let diff = 0, same = 0;
const onlyIn = [], msgs = [];
for (const rt of new Set([...Object.keys(A), ...Object.keys(B)])) {
  const a = A[rt] || {}, b = B[rt] || {};
  for (const kind of ["skills", "agents", "commands"]) {
    for (const k of new Set([...Object.keys(a[kind] || {}), ...Object.keys(b[kind] || {})])) {
      const va = a[kind]?.[k], vb = b[kind]?.[k], id = `${kind}/${k}`;
      if (va === undefined || vb === undefined) { onlyIn.push(`${rt} ${id} (only in ${va === undefined ? fb : fa})`); continue; }
      const na = JSON.stringify(a.names?.[id] || []), nb = JSON.stringify(b.names?.[id] || []);
      if (va !== vb) { diff++; console.log(`VERDICT ${rt} ${id}: ${va} vs ${vb}`); }
      else if (na !== nb) { diff++; console.log(`NAMES   ${rt} ${id}: ${na} vs ${nb}`); }
      else same++;
      const untimed = (l) => JSON.stringify([...new Set((l || []).map((e) => e.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s*/, "")))]);
      const ea = untimed(a.errors?.[id]), eb = untimed(b.errors?.[id]); // log timestamps ignored
      if (ea !== eb) msgs.push(`${rt} ${id}:\n    A ${ea.slice(0, 400)}\n    B ${eb.slice(0, 400)}`);
    }
  }
}
if (onlyIn.length) console.log(`in one matrix only (${onlyIn.length}): ${onlyIn.join(", ")}`);
if (msgs.length) console.log(`messages differ (${msgs.length}, informational):\n  ${msgs.join("\n  ")}`);
console.log(`${same} cases agree, ${diff} disagree`);
process.exit(diff ? 1 : 0);
