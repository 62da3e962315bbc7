//! What sync cannot carry: the keys memtomem's renderings leave out, per runtime, from the table
//! `runtimes::carried` that a test holds equal to the renderers' own `dropped`.

use crate::map::Fields;
use crate::yaml::{Node, Type};
use crate::Report;

/// Past this many keys the comparison is skipped: no real frontmatter comes near it.
const MAX_KEYS: usize = 256;

/// A value memtomem's parser treats as unset, which no rendering drops.
fn unset(node: &Node) -> bool {
    match node {
        Node::Scalar(s) => s.ty() == Type::Null || s.text.trim().is_empty(),
        Node::Seq(items, _) => items.is_empty(),
        Node::Map(entries, _) => entries.is_empty(),
        Node::Alias(_) => false,
    }
}

pub fn check(report: &mut Report, rule: &'static str, fields: &Fields) {
    if fields.entries.len() > MAX_KEYS {
        return;
    }
    let targets = runtimes::runtimes(report.kind);
    for (key, at, value) in &fields.entries {
        // memtomem's two spellings of a command's keys.
        let key = match key.as_str() {
            "argument_hint" => "argument-hint",
            "allowed_tools" => "allowed-tools",
            other => other,
        };
        if key == "name" || key == "description" || unset(value) {
            continue;
        }
        let lost: Vec<String> = targets
            .iter()
            .filter(|rt| !runtimes::carried(report.kind, rt.vendor).contains(&key))
            .map(|rt| rt.vendor.to_owned())
            .collect();
        if !lost.is_empty() {
            report.add_for(rule, *at, format!("`{key}` is not written for {}", lost.join(", ")), lost);
        }
    }
}
