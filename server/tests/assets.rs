//! The site's assets: served precompressed when `.br` / `.gz` siblings exist, compressed on the
//! fly otherwise, with the safety headers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;

#[test]
fn pkg_files_are_served_precompressed_or_compressed() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm = vec![7u8; 64 * 1024];
    std::fs::write(pkg.join("ctxgate.wasm"), &wasm).unwrap();
    std::fs::write(pkg.join("ctxgate.wasm.gz"), b"precompressed gzip bytes").unwrap();
    std::fs::write(pkg.join("ctxgate.wasm.br"), b"precompressed brotli bytes").unwrap();
    std::fs::write(pkg.join("ctxgate.css"), "body { color: black; }\n".repeat(200)).unwrap();
    let server = Server::start_with(&[], &[("LEPTOS_SITE_ROOT", site.path().to_str().unwrap())]);
    let get = |path: &str, encoding: &str| {
        server.client.get(server.url(path)).header("accept-encoding", encoding).send().unwrap()
    };

    let br = get("/pkg/ctxgate.wasm", "gzip, br");
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["content-type"], "application/wasm");
    assert_eq!(br.bytes().unwrap().as_ref(), b"precompressed brotli bytes");
    let gz = get("/pkg/ctxgate.wasm", "gzip");
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.headers()["x-content-type-options"], "nosniff");
    assert_eq!(gz.bytes().unwrap().as_ref(), b"precompressed gzip bytes");
    let plain = get("/pkg/ctxgate.wasm", "identity");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().unwrap().as_ref(), wasm.as_slice());
    // no precompressed sibling: compressed on the fly
    let css = get("/pkg/ctxgate.css", "gzip");
    assert_eq!(css.headers()["content-encoding"], "gzip");
    assert!(css.bytes().unwrap().len() < 200 * 23);
}
