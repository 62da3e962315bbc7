//! The access log: one `info` line per request with method, path, status and duration; never a
//! query string, a header or a body, so the token cannot leak into it. Text and JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use serde_json::json;

const TOKEN: &str = "tok-3c2b1a9f8e7d";

fn exchange(server: &Server, format: &str) {
    let auth = format!("Bearer {TOKEN}");
    let created = server
        .client
        .post(server.url("/api/context/skills"))
        .header("authorization", &auth)
        .json(&json!({"name": "logged", "content": "one\n"}))
        .send()
        .unwrap();
    assert_eq!(created.status(), 201, "{format}");
    let etag = created.json::<serde_json::Value>().unwrap()["etag"].as_str().unwrap().to_owned();
    let put = server
        .client
        .put(server.url("/api/context/skills/logged"))
        .header("authorization", &auth)
        .json(&json!({"content": "two\n", "etag": etag, "mtime_ns": "0"}))
        .send()
        .unwrap();
    assert_eq!(put.status(), 200, "{format}");
    // A cross-site write, refused before any handler runs.
    let refused = server
        .client
        .put(server.url("/api/context/skills/logged"))
        .header("authorization", &auth)
        .header("origin", "http://evil.example")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"content": "evil\n", "etag": "x", "mtime_ns": "0"}))
        .send()
        .unwrap();
    assert_eq!(refused.status(), 403, "{format}");
    // The token in a query string and in a cookie: neither may reach the log.
    let no_redirects =
        reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = no_redirects.get(server.url(&format!("/?token={TOKEN}"))).send().unwrap();
    assert_eq!(page.status(), 303, "{format}: the token is traded for a cookie");
}

#[test]
fn access_log_in_text_lists_each_request_and_never_the_token() {
    let server = Server::start_with(&["--token", TOKEN], &[]);
    exchange(&server, "text");
    let log = server.wait_for_log("path=/}: ctxgate::access");
    let access: Vec<&str> = log.lines().filter(|l| l.contains("ctxgate::access")).collect();
    let line = |method: &str, path: &str, status: u16| {
        access
            .iter()
            .find(|l| l.contains(&format!("method={method} path={path}}}")) && l.contains(&format!("status={status} ")))
            .unwrap_or_else(|| panic!("no access line for {method} {path} {status} in:\n{log}"))
            .to_string()
    };
    let put = line("PUT", "/api/context/skills/logged", 200);
    assert!(put.contains(" INFO ") && put.contains(" ms="), "{put}");
    line("POST", "/api/context/skills", 201);
    line("PUT", "/api/context/skills/logged", 403);
    line("GET", "/", 303);
    assert!(!log.contains(TOKEN), "the token leaked into the log:\n{log}");
    assert!(!log.contains("?token"), "a query string reached the log:\n{log}");
    assert!(!log.contains("two\\n") && !log.contains("evil"), "a body reached the log:\n{log}");
}

#[test]
fn access_log_in_json_has_the_fields_as_values() {
    let server = Server::start_with(&["--token", TOKEN, "--log-format", "json"], &[]);
    exchange(&server, "json");
    let log = server.wait_for_log(r#""path":"/","name":"request""#);
    let entries: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .filter(|v: &serde_json::Value| v["target"] == "ctxgate::access")
        .collect();
    let find = |method: &str, status: u16| {
        entries
            .iter()
            .find(|v| {
                v["span"]["method"] == method
                    && v["span"]["path"] == "/api/context/skills/logged"
                    && v["fields"]["status"] == status
            })
            .unwrap_or_else(|| panic!("no {method} {status} entry in:\n{log}"))
    };
    let put = find("PUT", 200);
    assert_eq!(put["level"], "INFO");
    assert!(put["fields"]["ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{put}");
    find("PUT", 403);
    assert!(!log.contains(TOKEN), "the token leaked into the log:\n{log}");
}
