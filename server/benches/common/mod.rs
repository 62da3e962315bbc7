//! What the load benches share: the real `ctxgate` on a loopback port over a temp project, and
//! the server process's CPU and memory read from /proc.
#![allow(dead_code)] // each bench uses its own part

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Server {
    pub child: Child,
    pub pid: u32,
    /// `HOST:PORT`.
    pub host: String,
    pub root: tempfile::TempDir,
}

impl Server {
    /// On a fresh temp project (inside `parent`, e.g. `/dev/shm`, when given).
    pub fn start(parent: Option<&str>) -> Server {
        let root = match parent {
            Some(dir) => tempfile::tempdir_in(dir).unwrap(),
            None => tempfile::tempdir().unwrap(),
        };
        Server::start_in(root)
    }

    /// On a project the caller prepared. `CTXGATE_BIN` measures another build (e.g. the previous
    /// commit's) on the same machine; `CTXGATE_ARGS="--watch off"` takes the watcher's share out.
    pub fn start_in(root: tempfile::TempDir) -> Server {
        let binary = std::env::var_os("CTXGATE_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_ctxgate").into());
        let mut child = Command::new(binary)
            .args(["serve", "--root"])
            .arg(root.path())
            .args(["--addr", "127.0.0.1:0"])
            .args(std::env::var("CTXGATE_ARGS").unwrap_or_default().split_whitespace())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        // `ctxgate listening on http://HOST:PORT/ for project …`: the URL is one word of the line.
        let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap();
        let host = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
        Server { child, pid, host, root }
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn proc_field(pid: u32, file: &str, key: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap();
    text.lines().find_map(|l| l.strip_prefix(key)).unwrap().split_whitespace().next().unwrap().parse().unwrap()
}

pub fn rss_mib(pid: u32) -> f64 {
    proc_field(pid, "status", "VmRSS:") as f64 / 1024.0
}

/// (user, system) CPU time of the process in milliseconds.
pub fn cpu_split_ms(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ms = |i: usize| fields[i].parse::<u64>().unwrap() as f64 * 1000.0 / 100.0; // CLK_TCK is 100
    (ms(11), ms(12))
}

pub fn cpu_ms(pid: u32) -> f64 {
    let (user, sys) = cpu_split_ms(pid);
    user + sys
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
