//! What sync cannot carry: the keys memtomem's renderings leave out, per runtime, taken from the
//! renderers themselves (`runtimes::render`) so the warning and the sync report's `dropped` agree.

use crate::map::Fields;
use crate::Report;
use model::Kind;

/// The canonical keys memtomem's parser reads beyond `name` and `description`; any other key is
/// written by no rendering.
fn canonical(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Agents => &["tools", "model", "skills", "isolation", "kind", "temperature"],
        Kind::Commands => &["argument-hint", "allowed-tools", "model"],
        Kind::Skills => &[],
    }
}

/// Past this many keys the per-runtime comparison is skipped: memtomem's parser (which the
/// renderers take) is quadratic in keys, and no real frontmatter comes near it.
const MAX_KEYS: usize = 256;

pub fn check(report: &mut Report, rule: &'static str, text: &str, name: &str, fields: &Fields) {
    if fields.entries.len() > MAX_KEYS {
        return;
    }
    // What is dropped depends on the frontmatter only: render without the body, so a keystroke in
    // a long prompt does not copy it once per runtime.
    let head = match crate::front::split(text).block {
        crate::front::Block::Closed { yaml, .. } => format!("---\n{yaml}---\n"),
        _ => return,
    };
    let Some(Ok(parsed)) = runtimes::parse(report.kind, &head, name) else { return };
    let targets = runtimes::runtimes(report.kind);
    let renders: Vec<(&str, Vec<&str>)> =
        targets.iter().map(|rt| (rt.vendor, runtimes::render(rt, &parsed).1)).collect();
    for (key, at, _) in &fields.entries {
        // memtomem's two spellings of a command's keys.
        let key = match key.as_str() {
            "argument_hint" => "argument-hint",
            "allowed_tools" => "allowed-tools",
            other => other,
        };
        if key == "name" || key == "description" {
            continue;
        }
        let lost: Vec<String> = if canonical(report.kind).contains(&key) {
            renders.iter().filter(|(_, dropped)| dropped.contains(&key)).map(|(v, _)| (*v).to_owned()).collect()
        } else {
            targets.iter().map(|rt| rt.vendor.to_owned()).collect()
        };
        if !lost.is_empty() {
            report.add_for(rule, *at, format!("`{key}` is not written for {}", lost.join(", ")), lost);
        }
    }
}
