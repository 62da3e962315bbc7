//! Command line (docs/USING.md, "Start it" and "With git").

use crate::logging::LogFormat;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "ctxgate",
    version,
    about = "Context Gateway: edit your AI agents' context files from the browser without losing anyone's work"
)]
pub struct Cli {
    /// Defaults to `serve` with its defaults (so `cargo leptos watch` just works).
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the editor and the REST API for one project.
    Serve(ServeArgs),
    /// Three-way merge of one file, shaped like `git merge-file -p --diff3`: the merged text goes
    /// to stdout (or -o OUT); the exit status is the number of conflicts (0 = clean, at most
    /// 127), 255 on any other failure. Regions both sides changed are merged word by word, so
    /// edits on neighbouring lines or different words of one line merge cleanly; true overlaps
    /// become diff3-style conflict blocks. Usable as a git merge driver:
    /// `ctxgate merge %A %O %B -o %A`.
    Merge(MergeArgs),
    /// Check every artifact (or the TYPE/NAME ones given) against the rules of the Agent Skills
    /// specification and of each runtime (docs/CHECKS.md). Exit status: 0 without errors
    /// (warnings allowed), 1 with at least one error, 2 when it could not run.
    Check(CheckArgs),
    /// One store call on the main thread, for the fault enumeration (`server/tests/faults.rs`).
    #[command(hide = true)]
    Op(crate::op::OpArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Project root; artifacts live under <root>/.memtomem/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// `text`: `path:line:column: severity: message [rule]` lines; `json`: one object.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Only these artifacts, as `skills/NAME`, `agents/NAME` or `commands/NAME`.
    #[arg(value_name = "TYPE/NAME")]
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Your version (git's "current", %A).
    #[arg(value_name = "MINE")]
    pub mine: PathBuf,
    /// The common ancestor (%O).
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// The other version (%B; in ctxgate, the file on disk).
    #[arg(value_name = "THEIRS")]
    pub theirs: PathBuf,
    /// Write the result here instead of stdout (may be MINE itself).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Label of your side in conflict markers.
    #[arg(long, value_name = "L", default_value = "mine")]
    pub label_mine: String,
    /// Label of the base in conflict markers.
    #[arg(long, value_name = "L", default_value = "base")]
    pub label_base: String,
    /// Label of the other side in conflict markers.
    #[arg(long, value_name = "L", default_value = "disk")]
    pub label_theirs: String,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            root: PathBuf::from("."),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            allowed_hosts: Vec::new(),
            token: std::env::var("CTXGATE_TOKEN").ok().filter(|t| !t.is_empty()),
            log_format: LogFormat::Text,
            history_dir: None,
            watch: WatchArg::Auto,
            open: false,
            header_timeout_ms: None,
            max_connections: None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Project root; artifacts live under <root>/.memtomem/. Default: the current folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Address to listen on. Loopback by default; any other address needs --token.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Extra Host header value to accept besides localhost, 127.0.0.1 and [::1] (repeatable).
    #[arg(long = "allowed-host", value_name = "H")]
    pub allowed_hosts: Vec<String>,
    /// Shared secret every request must carry (Authorization: Bearer, or the cookie set by
    /// visiting /?token=...). Required when --addr is not a loopback address. Characters:
    /// A-Z a-z 0-9 - _ . ~
    #[arg(long, value_name = "T", env = "CTXGATE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Log line format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Where replaced and deleted versions are kept (history and trash). Default:
    /// <root>/.memtomem/.ctxgate/history/ (git-ignored by a .gitignore inside it).
    #[arg(long, value_name = "DIR")]
    pub history_dir: Option<PathBuf>,
    /// How changes on disk are noticed: `auto` uses the kernel's file events (falling back to
    /// polling when they cannot be had); `poll` rescans once a second (NFS, WSL drives, …);
    /// `off` does not watch (no live notices, no `external` history).
    #[arg(long, value_enum, default_value_t = WatchArg::Auto)]
    pub watch: WatchArg,
    /// Open the app in the default browser once it listens (`$BROWSER` is honoured); where no
    /// browser can be started, the URL printed on start is the way in.
    #[arg(long)]
    pub open: bool,
    /// For tests: the header-read timeout in milliseconds instead of 15 s (see `serve.rs`).
    /// An environment variable too, so a test run against an older binary (`CTXGATE_BIN`)
    /// still starts and shows the missing limit.
    #[arg(long, hide = true, value_name = "MS", env = "CTXGATE_HEADER_TIMEOUT_MS")]
    pub header_timeout_ms: Option<u64>,
    /// For tests: the connection cap instead of 512.
    #[arg(long, hide = true, value_name = "N", env = "CTXGATE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
}

impl ServeArgs {
    /// The HTTP limits, defaults unless a test overrode them.
    pub fn limits(&self) -> crate::serve::Limits {
        let defaults = crate::serve::Limits::default();
        crate::serve::Limits {
            header_read_timeout: self
                .header_timeout_ms
                .map_or(defaults.header_read_timeout, std::time::Duration::from_millis),
            max_connections: self.max_connections.unwrap_or(defaults.max_connections),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WatchArg {
    Auto,
    Poll,
    Off,
}
