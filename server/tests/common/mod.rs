//! Test harness: the real `ctxgate` binary on an ephemeral loopback port over a temp project.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TYPES: [&str; 3] = ["skills", "agents", "commands"];

/// How `Server::try_launch` starts the process.
#[derive(Default)]
pub struct Launch {
    /// Default: `binary()`.
    pub bin: Option<PathBuf>,
    /// Default: the test's own (the `server/` folder).
    pub cwd: Option<PathBuf>,
}

pub struct Server {
    child: Child,
    pub base: String,
    /// Owned temp root (removed on drop); `None` when the server works on someone else's root.
    _owned: Option<tempfile::TempDir>,
    root: PathBuf,
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
        let mut server = Server::start_on(root.path(), args, env);
        server._owned = Some(root);
        server
    }

    /// A server on an existing root that the caller owns (several servers may share it).
    pub fn start_on(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::try_start_on(root, args, env).unwrap_or_else(|err| panic!("ctxgate did not start: {err}"))
    }

    /// Starts `ctxgate serve`; `Err` with its stderr when it exits instead of printing its URL.
    pub fn try_start_on(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Server, String> {
        Server::try_launch(&Launch::default(), root, args, env)
    }

    /// Like `try_start_on`, with another binary or working folder.
    pub fn try_launch(launch: &Launch, root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Server, String> {
        let mut command = Command::new(launch.bin.clone().unwrap_or_else(binary));
        if let Some(cwd) = &launch.cwd {
            command.current_dir(cwd);
        }
        command
            .args(["serve", "--root"])
            .arg(root)
            .args(if args.contains(&"--addr") { &[][..] } else { &["--addr", "127.0.0.1:0"][..] })
            .args(args)
            .env("RUST_LOG", "info")
            .env_remove("CTXGATE_TOKEN")
            // The site comes out of the binary unless a test points it at a folder.
            .env_remove("LEPTOS_SITE_ROOT")
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
        let Some(Ok(first)) = lines.next() else {
            let _ = child.wait();
            // The stderr reader ends with the process; give it a moment to drain.
            let deadline = Instant::now() + Duration::from_secs(5);
            while log.lock().expect("log lock").is_empty() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            return Err(log.lock().expect("log lock").clone());
        };
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("URL on the first stdout line")
            .trim_end_matches('/')
            .to_owned();
        std::thread::spawn(move || for _ in lines {});
        let client =
            reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().expect("http client");
        Ok(Server { child, base, _owned: None, root: root.to_path_buf(), log, client })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
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

    /// The server's process id (for `/proc/<pid>/…`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (`libc::SIGTERM`, …) to the server process.
    pub fn signal(&self, signal: i32) {
        let status = Command::new("kill").arg(format!("-{signal}")).arg(self.child.id().to_string()).status();
        assert!(status.is_ok_and(|s| s.success()), "kill failed");
    }

    /// Waits up to `limit` for the process to exit; its status, or `None` if it still runs.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
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

/// The binary under test: this build's, or `CTXGATE_BIN` (to run the suite against an older
/// build and see a regression test fail there; a relative path is taken from the workspace root,
/// where scripts run, not from `server/`, where cargo runs the tests).
pub fn binary() -> PathBuf {
    match std::env::var_os("CTXGATE_BIN").map(PathBuf::from) {
        Some(bin) if bin.is_relative() => workspace().join(bin),
        Some(bin) => bin,
        None => PathBuf::from(env!("CARGO_BIN_EXE_ctxgate")),
    }
}

/// The repository's root folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("server/ has a parent").to_path_buf()
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
            // memtomem's lock files are created empty by the first locked write and never
            // change or go: they are not content.
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".lock") {
                continue;
            }
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

/// Sends a request over a raw socket (the body from another thread, errors ignored: the server
/// may answer and close before reading it all) and returns the status and body of the answer.
pub fn raw_exchange(host: &str, head: Vec<u8>, body: Vec<u8>) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(&head);
        let _ = writer.write_all(&body);
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
        let text = String::from_utf8_lossy(&answer);
        if let Some((headers, rest)) = text.split_once("\r\n\r\n") {
            let len = headers.lines().find_map(|l| {
                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
            });
            if len.is_some_and(|len| rest.len() >= len) {
                break;
            }
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}
