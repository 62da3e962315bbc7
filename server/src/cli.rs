//! Command line (SPEC §10, §11).

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
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the editor and the REST API for one project.
    Serve(ServeArgs),
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
    /// visiting /?token=...). Required when --addr is not a loopback address.
    #[arg(long, value_name = "T", env = "CTXGATE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Log line format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}
