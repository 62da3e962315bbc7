//! The engine alone on a 500-line skill, once per simulated keystroke (docs/CHECKS.md,
//! "Figures"): prints median and p95, asserts nothing. `cargo bench -p checks`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // bench code: a panic is the failure report

use model::Kind;
use std::time::Instant;

fn main() {
    let body: String = (1..=496).map(|i| format!("Line {i} of the body, with some words in it.\n")).collect();
    let mut samples = Vec::new();
    for i in 0..2000 {
        let description = if i % 2 == 0 { "\"\"" } else { "Bench." };
        let text = format!("---\nname: bench\ndescription: {description}\nmetadata: {{v: \"{i}\"}}\n---\n{body}");
        let start = Instant::now();
        let found = checks::check(Kind::Skills, "bench", &text);
        samples.push(start.elapsed().as_secs_f64() * 1e6);
        assert_eq!(found.len(), usize::from(i % 2 == 0));
    }
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "checks::check, 500-line skill (native, release): median {:.1} µs, p95 {:.1} µs over 2000",
        at(0.5),
        at(0.95)
    );
}
