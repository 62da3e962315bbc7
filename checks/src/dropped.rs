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

pub fn check(report: &mut Report, rule: &'static str, text: &str, name: &str, fields: &Fields) {
    let Some(Ok(parsed)) = runtimes::parse(report.kind, text, name) else { return };
    let targets = runtimes::runtimes(report.kind);
    let renders: Vec<(&str, Vec<&str>)> =
        targets.iter().map(|rt| (rt.vendor, runtimes::render(rt, &parsed).1)).collect();
    for (key, at, _) in &fields.entries {
        let key = key.replace('_', "-");
        if key == "name" || key == "description" {
            continue;
        }
        let lost: Vec<String> = if canonical(report.kind).contains(&key.as_str()) {
            renders
                .iter()
                .filter(|(_, dropped)| dropped.contains(&key.as_str()))
                .map(|(v, _)| (*v).to_owned())
                .collect()
        } else {
            targets.iter().map(|rt| rt.vendor.to_owned()).collect()
        };
        if !lost.is_empty() {
            report.add_for(rule, *at, format!("`{key}` is not written for {}", lost.join(", ")), lost);
        }
    }
}
