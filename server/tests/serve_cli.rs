//! `ctxgate --version`, the start-up line, and `serve --open`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use std::time::{Duration, Instant};

#[test]
fn version_prints_the_package_version() {
    let out = std::process::Command::new(binary()).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("ctxgate {}\n", env!("CARGO_PKG_VERSION")));
}

/// The first stdout line names the address, the project and whether a token is needed.
fn first_line(args: &[&str], env: &[(&str, &str)]) -> (String, tempfile::TempDir, std::process::Child) {
    use std::io::BufRead;
    let root = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--root"])
        .arg(root.path())
        .args(args)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    std::thread::spawn(move || for _ in lines {});
    (first, root, child)
}

#[test]
fn start_up_line_says_address_project_and_token() {
    let (line, root, mut child) = first_line(&[], &[]);
    let _ = child.kill();
    let project = std::fs::canonicalize(root.path()).unwrap();
    assert!(line.starts_with("ctxgate listening on http://127.0.0.1:"), "{line}");
    assert!(line.ends_with(&format!("/ for project {} (token not required)", project.display())), "{line}");
    let (line, _root, mut child) = first_line(&["--token", "abc"], &[]);
    let _ = child.kill();
    assert!(line.ends_with("(token required)"), "{line}");
}

#[test]
fn open_starts_the_browser_with_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("opened.txt");
    let browser = dir.path().join("browser.sh");
    // Written aside and renamed, so the test never reads a half-written file.
    let script = format!("#!/bin/sh\nprintf '%s' \"$1\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n", seen.display());
    std::fs::write(&browser, script).unwrap();
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (line, _root, mut child) = first_line(&["--open"], &[("BROWSER", browser.to_str().unwrap())]);
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !seen.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    assert_eq!(std::fs::read_to_string(&seen).unwrap(), url);
}

/// `webbrowser` waits for a text browser (lynx, w3m, curl) to exit; the server must be answering
/// meanwhile, or the browser waits for a page that never comes.
#[test]
fn open_with_a_text_browser_does_not_hold_up_serving() {
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("status.txt");
    // Named `curl` so that `webbrowser` runs it in the foreground, as it would lynx.
    let browser = dir.path().join("curl");
    let script = format!(
        "#!/bin/bash\nhp=${{1#http://}}; hp=${{hp%/}}\nexec 3<>/dev/tcp/${{hp%:*}}/${{hp##*:}} || exit 1\nprintf 'GET / HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n' \"$hp\" >&3\nstatus=$(timeout 5 head -n 1 <&3)\nprintf '%s' \"$status\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
        seen.display()
    );
    std::fs::write(&browser, script).unwrap();
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (_line, _root, mut child) = first_line(&["--open"], &[("BROWSER", browser.to_str().unwrap())]);
    let deadline = Instant::now() + Duration::from_secs(15);
    while !seen.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let status = std::fs::read_to_string(&seen).unwrap();
    assert!(status.starts_with("HTTP/1.1 200 ") || status.starts_with("HTTP/1.0 200 "), "{status:?}");
}
