//! docs/API.md's "Who may call" over real HTTP: every refusal answers 403 in the envelope and
//! leaves the project tree byte-for-byte unchanged; the same requests from the app's own origin
//! succeed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use reqwest::blocking::RequestBuilder;
use serde_json::json;

fn refused(server: &Server, request: RequestBuilder) {
    let before = snapshot(server.root());
    let (status, body) = json(request.send().unwrap());
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["status"], "error");
    assert_eq!(body["error_kind"], "forbidden");
    assert!(!body["reason"].as_str().unwrap().is_empty());
    assert_eq!(snapshot(server.root()), before, "a refused request changed the tree");
}

fn put_body(server: &Server, name: &str) -> serde_json::Value {
    let (_, current) = json(server.get(&format!("/api/context/skills/{name}")));
    json!({"content": "changed\n", "mtime_ns": current["mtime_ns"], "etag": current["etag"]})
}

#[test]
fn wrong_host_is_refused_everywhere() {
    let server = Server::start();
    create(&server, "skills", "s", "x\n");
    let c = &server.client;
    for host in ["evil.example", "evil.example:80", "localhost.evil.example", "127.0.0.2:1"] {
        refused(&server, c.get(server.url("/api/context/skills")).header("host", host));
        refused(&server, c.get(server.url("/")).header("host", host));
        refused(&server, c.get(server.url("/skills/s")).header("host", host));
        refused(&server, c.put(server.url("/api/context/skills/s")).header("host", host).json(&put_body(&server, "s")));
        refused(&server, c.post(server.url("/_fn/get_overview")).header("host", host).json(&json!({})));
    }
    // the allowed names pass
    for host in ["localhost", "127.0.0.1", "LOCALHOST:9"] {
        assert_eq!(
            c.get(server.url("/api/context/skills")).header("host", host).send().unwrap().status(),
            200,
            "{host}"
        );
    }
}

#[test]
fn allowed_host_flag_adds_a_name() {
    let server = Server::start_with(&["--allowed-host", "ctxgate.box"], &[]);
    let c = &server.client;
    assert_eq!(
        c.get(server.url("/api/context/skills")).header("host", "ctxgate.box:3000").send().unwrap().status(),
        200
    );
    refused(&server, c.get(server.url("/api/context/skills")).header("host", "other.box"));
}

#[test]
fn cross_origin_writes_are_refused_same_origin_pass() {
    let server = Server::start();
    create(&server, "skills", "s", "x\n");
    let c = &server.client;
    let url = server.url("/api/context/skills/s");
    let own_origin = server.base.clone();
    refused(&server, c.put(&url).header("origin", "http://evil.example").json(&put_body(&server, "s")));
    refused(&server, c.put(&url).header("origin", "http://localhost:1").json(&put_body(&server, "s")));
    refused(&server, c.put(&url).header("origin", "null").json(&put_body(&server, "s")));
    refused(&server, c.delete(&url).header("origin", "http://evil.example"));
    refused(
        &server,
        c.post(server.url("/api/context/skills"))
            .header("origin", "http://evil.example")
            .json(&json!({"name": "n", "content": "x"})),
    );
    for site in ["cross-site", "same-site"] {
        refused(&server, c.put(&url).header("sec-fetch-site", site).json(&put_body(&server, "s")));
        // Sec-Fetch-Site decides even when Origin looks right
        refused(&server, c.delete(&url).header("sec-fetch-site", site).header("origin", &own_origin));
    }
    // a form-encoded cross-site POST to a server function URL
    refused(
        &server,
        c.post(server.url("/_fn/create_artifact"))
            .header("origin", "http://evil.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("kind=skills&request[name]=pwned&request[content]=x"),
    );
    refused(
        &server,
        c.post(server.url("/_fn/delete_artifact"))
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("kind=skills&name=s"),
    );
    // reads are not cross-origin checked (the Host check covers rebinding)
    assert_eq!(c.get(&url).header("origin", "http://evil.example").send().unwrap().status(), 200);
    // the same writes from the app's own origin succeed
    let resp = c
        .put(&url)
        .header("origin", &own_origin)
        .header("sec-fetch-site", "same-origin")
        .json(&put_body(&server, "s"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = c
        .put(&url)
        .header("sec-fetch-site", "none")
        .json(&json!({"content": "again\n", "mtime_ns": "0", "force": true}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = c
        .post(server.url("/_fn/create_artifact"))
        .header("origin", &own_origin)
        .json(&json!({"kind": "skills", "request": {"name": "via-fn", "content": "hi\n"}}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap());
    assert_eq!(std::fs::read(server.file(&folder_file("skills", "via-fn"))).unwrap(), b"hi\n");
}

#[test]
fn token_mode_needs_the_token_on_every_request() {
    let token = "correct-horse-battery-staple";
    let server = Server::start_with(&["--token", token], &[]);
    let c = &server.client;
    std::fs::create_dir_all(server.file(".memtomem/skills/s")).unwrap();
    std::fs::write(server.file(".memtomem/skills/s/SKILL.md"), "x\n").unwrap();
    let url = server.url("/api/context/skills/s");
    refused(&server, c.get(&url));
    refused(&server, c.get(server.url("/")));
    refused(&server, c.put(&url).json(&json!({"content": "y", "mtime_ns": "0", "force": true})));
    for wrong in
        ["", "correct-horse-battery-stapl", "correct-horse-battery-staple!", "CORRECT-horse-battery-staple", "x"]
    {
        refused(&server, c.get(&url).header("authorization", format!("Bearer {wrong}")));
        refused(&server, c.get(&url).header("cookie", format!("ctxgate_token={wrong}")));
    }
    refused(&server, c.get(server.url("/?token=nope")));
    refused(&server, c.get(&url).header("authorization", format!("Basic {token}")));
    // the right token, as a bearer
    assert_eq!(c.get(&url).header("authorization", format!("Bearer {token}")).send().unwrap().status(), 200);
    // visiting /?token=… sets an HttpOnly, SameSite=Strict cookie and redirects to a clean URL
    let no_redirect = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = no_redirect.get(server.url(&format!("/?token={token}"))).send().unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with(&format!("ctxgate_token={token};")), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let resp = c
        .put(&url)
        .header("cookie", format!("ctxgate_token={token}"))
        .json(&json!({"content": "y\n", "mtime_ns": "0", "force": true}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(std::fs::read(server.file(".memtomem/skills/s/SKILL.md")).unwrap(), b"y\n");
    let page = c.get(server.url("/")).header("cookie", format!("ctxgate_token={token}")).send().unwrap();
    assert_eq!(page.status(), 200);
}

#[test]
fn non_loopback_bind_without_token_refuses_to_start() {
    let root = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctxgate"))
        .args(["serve", "--root"])
        .arg(root.path())
        .args(["--addr", "0.0.0.0:0"])
        .env_remove("CTXGATE_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--token"), "{stderr}");
}

#[test]
fn pages_carry_csp_with_the_script_nonce_and_safety_headers() {
    let server = Server::start();
    let resp = server.get("/");
    assert_eq!(resp.status(), 200);
    let headers = resp.headers().clone();
    let html = resp.text().unwrap();
    let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("style-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!("<script type=\"module\" nonce=\"{nonce}\"")).count()
            + html.matches(&format!("<script nonce=\"{nonce}\"")).count(),
        scripts,
        "every inline script carries the nonce"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    // a fresh nonce per response
    let again = server.get("/");
    assert_ne!(again.headers()["content-security-policy"].to_str().unwrap(), csp);
    // API answers carry the safety headers too
    let api = server.get("/api/context/skills");
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
}
