//! Test harness: the real `ctxgate` binary on an ephemeral loopback port over a temp project.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TYPES: [&str; 3] = ["skills", "agents", "commands"];

pub struct Server {
    child: Child,
    pub base: String,
    pub root: tempfile::TempDir,
    log: Arc<Mutex<String>>,
    pub client: reqwest::blocking::Client,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[], &[])
    }

    /// Starts `ctxgate serve` on a fresh temp root with extra args and env.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Server {
        let root = tempfile::tempdir().expect("temp root");
        Server::start_in(root, args, env)
    }

    pub fn start_in(root: tempfile::TempDir, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ctxgate"));
        command
            .args(["serve", "--root"])
            .arg(root.path())
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "info")
            .env_remove("CTXGATE_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn ctxgate");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().expect("log lock");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("ctxgate printed nothing").expect("stdout line");
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("URL on the first stdout line")
            .trim_end_matches('/')
            .to_owned();
        std::thread::spawn(move || for _ in lines {});
        let client =
            reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().expect("http client");
        Server { child, base, root, log, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log lock").clone()
    }

    /// Waits (with a deadline) until the server log contains `needle`.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            if log.contains(needle) || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        self.client.get(self.url(path)).send().expect("GET")
    }

    pub fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::blocking::Response {
        self.client.request(method, self.url(path)).json(body).send().expect("request")
    }

    pub fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::blocking::Response {
        self.send_json(reqwest::Method::POST, path, body)
    }

    pub fn put(&self, path: &str, body: &serde_json::Value) -> reqwest::blocking::Response {
        self.send_json(reqwest::Method::PUT, path, body)
    }

    pub fn put_raw(&self, path: &str, body: impl Into<reqwest::blocking::Body>) -> reqwest::blocking::Response {
        self.client.put(self.url(path)).header("content-type", "application/json").body(body).send().expect("PUT")
    }

    pub fn delete(&self, path: &str) -> reqwest::blocking::Response {
        self.client.delete(self.url(path)).send().expect("DELETE")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status and JSON body.
pub fn json(resp: reqwest::blocking::Response) -> (u16, serde_json::Value) {
    let status = resp.status().as_u16();
    let text = resp.text().expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, value)
}

/// `st_mtime_ns` as the API writes it.
pub fn mtime_ns(path: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).expect("metadata");
    (i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec())).to_string()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// Every file and folder under `dir` with its bytes (folders and links get markers): compare
/// before and after a refused request to prove nothing changed.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            let p = entry.path();
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            if meta.file_type().is_symlink() {
                out.insert(p.clone(), format!("link:{}", std::fs::read_link(&p).expect("link").display()).into_bytes());
            } else if meta.is_dir() {
                out.insert(p.clone(), b"dir".to_vec());
                stack.push(p);
            } else {
                let mut bytes = std::fs::read(&p).expect("read");
                bytes.extend_from_slice(format!("|mtime={}", mtime_ns(&p)).as_bytes());
                out.insert(p, bytes);
            }
        }
    }
    out
}

/// Singular file path of a new (folder-layout) artifact.
pub fn folder_file(kind: &str, name: &str) -> String {
    let file = match kind {
        "skills" => "SKILL.md",
        "agents" => "agent.md",
        _ => "command.md",
    };
    format!(".memtomem/{kind}/{name}/{file}")
}

/// Creates an artifact over HTTP and returns (mtime_ns, etag).
pub fn create(server: &Server, kind: &str, name: &str, content: &str) -> (String, String) {
    let (status, body) =
        json(server.post(&format!("/api/context/{kind}"), &serde_json::json!({"name": name, "content": content})));
    assert_eq!(status, 201, "{body}");
    (body["mtime_ns"].as_str().expect("mtime").to_owned(), body["etag"].as_str().expect("etag").to_owned())
}

/// Makes sure the next write lands on a different mtime even on a coarse clock.
pub fn bump_mtime(path: &Path) {
    let meta = std::fs::metadata(path).expect("metadata");
    let later = meta.modified().expect("mtime") + Duration::from_millis(1500);
    std::fs::File::options().write(true).open(path).expect("open").set_modified(later).expect("set mtime");
}
