//! The release binary serves the site it carries (`server/src/assets.rs`): each encoding's
//! exact bytes and headers, hashed URLs cached for a year, 304 on a matching `If-None-Match`, and
//! nothing from the folder it was started in.
//! The first test needs the release build: `scripts/test` runs this file after `cargo leptos
//! build --release --precompress --split` with `CTXGATE_BIN=target/release/ctxgate … --include-ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use std::path::PathBuf;

fn site() -> PathBuf {
    workspace().join("target/site")
}

/// `binary()` copied into a fresh temp folder (kept while the first value lives).
fn copy_of_binary() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("ctxgate");
    std::fs::copy(binary(), &bin).unwrap_or_else(|e| panic!("copy {}: {e}", binary().display()));
    (dir, bin)
}

/// The build id in the page's script URL: `/pkg/<16 hex>/ctxgate.js`.
fn build_id(html: &str) -> String {
    let at = html.find("/pkg/").expect("a /pkg/ URL in the page");
    let id: String = html[at + 5..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(id.len(), 16, "hashed package folder in {}", &html[at..at + 40]);
    assert!(html.contains(&format!("/pkg/{id}/ctxgate.js")));
    assert!(html.contains(&format!("/pkg/{id}/ctxgate.css")));
    id
}

#[test]
#[ignore = "needs the release build; scripts/test runs it with CTXGATE_BIN=target/release/ctxgate"]
fn embedded_assets_by_encoding_with_etags_and_304() {
    assert!(std::env::var_os("CTXGATE_BIN").is_some(), "set CTXGATE_BIN to the release binary");
    // A copy outside the checkout, started in an empty folder: nothing can come from target/site.
    let (_bin_dir, bin) = copy_of_binary();
    let (root, cwd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let launch = Launch { bin: Some(bin), cwd: Some(cwd.path().to_path_buf()) };
    let server = Server::try_launch(&launch, root.path(), &[], &[]).unwrap();
    let page = server.client.get(server.url("/")).send().unwrap();
    assert_eq!(page.status(), 200);
    let build = build_id(&page.text().unwrap());

    let cases = [
        ("ctxgate.wasm", "br", "ctxgate.wasm.br", Some("br"), "application/wasm"),
        ("ctxgate.wasm", "gzip", "ctxgate.wasm.gz", Some("gzip"), "application/wasm"),
        ("ctxgate.wasm", "identity", "ctxgate.wasm", None, "application/wasm"),
        ("ctxgate.wasm", "br;q=0, gzip", "ctxgate.wasm.gz", Some("gzip"), "application/wasm"),
        ("ctxgate.js", "gzip, deflate, br", "ctxgate.js.br", Some("br"), "text/javascript; charset=utf-8"),
        ("ctxgate.css", "gzip", "ctxgate.css.gz", Some("gzip"), "text/css; charset=utf-8"),
    ];
    let mut etags = Vec::new();
    for (file, accept, expected_file, encoding, content_type) in cases {
        let url = server.url(&format!("/pkg/{build}/{file}"));
        let answer = server.client.get(&url).header("accept-encoding", accept).send().unwrap();
        assert_eq!(answer.status(), 200, "{file} {accept}");
        let headers = answer.headers().clone();
        assert_eq!(headers["content-type"], content_type, "{file} {accept}");
        assert_eq!(headers.get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{file} {accept}");
        assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(headers["vary"], "accept-encoding");
        let etag = headers["etag"].to_str().unwrap().to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() == 18, "strong etag {etag}");
        let expected = std::fs::read(site().join("pkg").join(expected_file)).unwrap();
        assert_eq!(answer.bytes().unwrap().as_ref(), expected.as_slice(), "{file} {accept}: the built bytes");

        let again =
            server.client.get(&url).header("accept-encoding", accept).header("if-none-match", &etag).send().unwrap();
        assert_eq!(again.status(), 304, "{file} {accept}");
        assert_eq!(again.headers()["etag"], etag.as_str());
        assert!(again.bytes().unwrap().is_empty());
        etags.push((file, encoding, etag));
    }
    // Each page's wasm chunks and their loader come from the same hashed folder, byte for byte.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site().join("pkg/__wasm_split_manifest.json")).unwrap()).unwrap();
    let mut chunks: Vec<String> = manifest
        .as_object()
        .expect("the split manifest maps each lazy route to its chunks")
        .values()
        .flat_map(|list| list.as_array().unwrap().iter().map(|c| format!("{}.wasm", c.as_str().unwrap())))
        .collect();
    chunks.sort();
    chunks.dedup();
    assert!(chunks.len() >= 2, "the list and the editor are chunks of their own: {chunks:?}");
    chunks.push(server::assets::SPLIT_LOADER.to_owned());
    for file in &chunks {
        let answer = server
            .client
            .get(server.url(&format!("/pkg/{build}/{file}")))
            .header("accept-encoding", "identity")
            .send()
            .unwrap();
        assert_eq!(answer.status(), 200, "{file}");
        let wanted = if file.ends_with(".wasm") { "application/wasm" } else { "text/javascript; charset=utf-8" };
        assert_eq!(answer.headers()["content-type"], wanted, "{file}");
        assert_eq!(answer.headers()["cache-control"], "public, max-age=31536000, immutable", "{file}");
        let expected = std::fs::read(site().join("pkg").join(file)).unwrap();
        assert_eq!(answer.bytes().unwrap().as_ref(), expected.as_slice(), "{file}: the built bytes");
    }

    // Each encoding of a file is its own representation, with its own tag.
    let wasm: Vec<_> = etags.iter().filter(|(f, ..)| *f == "ctxgate.wasm").map(|(_, e, t)| (e, t)).collect();
    assert_ne!(wasm[0].1, wasm[1].1);
    assert_ne!(wasm[1].1, wasm[2].1);

    // The unhashed URL answers too, to be revalidated; unknown files are 404.
    let plain = server.client.get(server.url("/pkg/ctxgate.css")).send().unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["cache-control"], "no-cache");
    assert_eq!(server.client.get(server.url(&format!("/pkg/{build}/nope.js"))).send().unwrap().status(), 404);
    // public/ files at the root.
    let icon = server.client.get(server.url("/favicon.ico")).header("accept-encoding", "identity").send().unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    assert_eq!(icon.bytes().unwrap().as_ref(), std::fs::read(site().join("favicon.ico")).unwrap().as_slice());
}

/// Started from a folder that holds a `target/site` of its own (any Leptos project does), the
/// binary serves none of it: its site is the one it carries.
#[test]
fn nothing_is_served_from_the_working_folder() {
    let cwd = tempfile::tempdir().unwrap();
    let stray = cwd.path().join("target/site");
    std::fs::create_dir_all(stray.join("pkg")).unwrap();
    std::fs::write(stray.join("stray.txt"), "from the working folder\n").unwrap();
    std::fs::write(stray.join("pkg/stray.js"), "from the working folder\n").unwrap();
    let root = tempfile::tempdir().unwrap();
    let (_bin_dir, bin) = copy_of_binary();
    let launch = Launch { bin: Some(bin), cwd: Some(cwd.path().to_path_buf()) };
    let server = Server::try_launch(&launch, root.path(), &[], &[]).unwrap();
    for path in ["/stray.txt", "/pkg/stray.js"] {
        let answer = server.client.get(server.url(path)).send().unwrap();
        assert_eq!(answer.status(), 404, "{path}");
        assert!(!answer.text().unwrap().contains("from the working folder"), "{path}");
    }
    // The 404 is still the app's own page.
    let page = server.client.get(server.url("/no/such/page")).send().unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}
