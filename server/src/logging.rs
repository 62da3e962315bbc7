//! tracing to stderr (docs/USING.md, "Start it"): `RUST_LOG` respected, `info` by default, colours
//! only on a terminal, `--log-format json` for one JSON object per line. The writer is stderr
//! itself (blocking), so the audit line is out before the response is sent.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => builder.json().with_ansi(false).try_init(),
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}
