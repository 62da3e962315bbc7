//! The site's files — wasm, JS, CSS with their `.br` / `.gz` siblings, and `public/` — built into
//! the binary, so a `ctxgate` copied anywhere serves its own page. `LEPTOS_SITE_ROOT` serves them
//! from that folder instead (`cargo leptos watch` sets it).
//!
//! The page asks for `/pkg/<build>/…`, `<build>` being a hash of the embedded files: those URLs
//! never change meaning, so browsers may keep them for a year. Plain `/pkg/…` still answers, to be
//! revalidated each time. Every answer carries a strong ETag per encoding and honours
//! `If-None-Match`.

use app::ui::PageChunks;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

// Release builds hold the files; debug builds read the same folder from disk on each request.
// `allow_missing`: clippy and tests build on a clean clone before any site exists.
#[derive(rust_embed::RustEmbed)]
#[folder = "../target/site"]
#[allow_missing = true]
// wasm-bindgen's TypeScript declarations (and cargo-leptos's compressed copies of them): no page
// asks for them.
#[exclude = "*.d.ts*"]
struct Site;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Where the site's files come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Inside the binary; `build` names this set of files in URLs.
    Embedded { build: String },
    /// A folder on disk (`LEPTOS_SITE_ROOT`).
    Disk,
}

/// The script that fetches a page's wasm chunks (`cargo leptos build --split` writes it).
pub const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

impl Source {
    /// Embedded unless `LEPTOS_SITE_ROOT` is set.
    pub fn detect() -> Source {
        if std::env::var_os("LEPTOS_SITE_ROOT").is_some() {
            return Source::Disk;
        }
        Source::Embedded { build: build_id() }
    }

    /// Whether the embedded set holds the page's wasm and the loader of its per-page chunks
    /// (false for a binary built without a site, or without `--split`).
    pub fn is_complete(&self) -> bool {
        match self {
            Source::Embedded { .. } => {
                Site::get("pkg/ctxgate.wasm").is_some() && Site::get(&format!("pkg/{SPLIT_LOADER}")).is_some()
            }
            Source::Disk => true,
        }
    }

    /// Whether the embedded wasm has its brotli copy (false when the release build ran without
    /// `--precompress`: the page then loads nearly four times the bytes).
    pub fn is_precompressed(&self) -> bool {
        match self {
            Source::Embedded { .. } => Site::get("pkg/ctxgate.wasm.br").is_some(),
            Source::Disk => true,
        }
    }

    /// The wasm chunks of each page, from the build's split manifest (none without one).
    pub fn page_chunks(&self, site_root: &str) -> PageChunks {
        let manifest = match self {
            Source::Embedded { .. } => Site::get("pkg/__wasm_split_manifest.json").map(|file| file.data.into_owned()),
            Source::Disk => std::fs::read(std::path::Path::new(site_root).join("pkg/__wasm_split_manifest.json")).ok(),
        };
        manifest.and_then(|json| PageChunks::from_manifest(&json, &self.pkg_dir(), SPLIT_LOADER)).unwrap_or_default()
    }

    /// The `site_pkg_dir` the page's URLs use.
    pub fn pkg_dir(&self) -> String {
        match self {
            Source::Embedded { build } => format!("pkg/{build}"),
            Source::Disk => "pkg".to_owned(),
        }
    }
}

/// 16 hex digits of a hash over every embedded file's name and hash.
fn build_id() -> String {
    let mut names: Vec<_> = Site::iter().collect();
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        if let Some(file) = Site::get(&name) {
            hasher.update(name.as_bytes());
            hasher.update(file.metadata.sha256_hash());
        }
    }
    hex16(&hasher.finalize())
}

fn hex16(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `GET /pkg/{*path}` from the embedded set.
pub async fn pkg(State(build): State<String>, Path(path): Path<String>, headers: HeaderMap) -> Response {
    let (file, cache) = match path.strip_prefix(&build).and_then(|rest| rest.strip_prefix('/')) {
        Some(file) => (file, IMMUTABLE),
        None => (path.as_str(), REVALIDATE),
    };
    respond(&format!("pkg/{file}"), &headers, cache).unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}

/// A file at the site's root (`/favicon.ico`, `/robots.txt`) from the embedded set, if it has one.
pub fn root_file(path: &str, headers: &HeaderMap) -> Option<Response> {
    let path = path.trim_start_matches('/');
    if path.is_empty() || path.starts_with("pkg/") || path.ends_with(".br") || path.ends_with(".gz") {
        return None;
    }
    respond(path, headers, REVALIDATE)
}

/// Marks a response whose content coding this module already chose: the on-the-fly compression
/// layer leaves it alone, so its strong ETag always names the bytes sent.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated;

fn respond(path: &str, headers: &HeaderMap, cache: &'static str) -> Option<Response> {
    // A client asking for `x.br` itself gets it as bytes, like any file; variants are chosen below.
    let plain = Site::get(path)?;
    let accepted = accepted_encodings(headers);
    let (file, encoding) = [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(name, _)| accepted.contains(name))
        .find_map(|(name, ext)| Site::get(&format!("{path}{ext}")).map(|file| (file, Some(name))))
        .unwrap_or((plain, None));
    let etag = format!("\"{}\"", hex16(&file.metadata.sha256_hash()));
    let mut response = if if_none_match(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        // Borrowed from the binary in release builds: no copy per request.
        let mut response = Body::from(file.data).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, content_type(path));
        if let Some(encoding) = encoding {
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response.extensions_mut().insert(Negotiated);
    Some(response)
}

/// The codings of `Accept-Encoding` with a non-zero q (`*` stands for br and gzip).
fn accepted_encodings(headers: &HeaderMap) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        for item in value.to_str().unwrap_or_default().split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(|q| q.trim().parse::<f32>().unwrap_or(0.0)))
                .unwrap_or(1.0);
            let names: &[&'static str] = match coding.as_str() {
                "br" => &["br"],
                "gzip" | "x-gzip" => &["gzip"],
                "*" => &["br", "gzip"],
                _ => &[],
            };
            for name in names {
                if q > 0.0 {
                    out.push(*name);
                } else {
                    refused.push(*name);
                }
            }
        }
    }
    out.retain(|name| !refused.contains(name));
    out
}

/// `If-None-Match` names this ETag (weak comparison, as RFC 9110 asks for this header) or `*`.
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().any(|value| {
        value
            .to_str()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
    })
}

fn content_type(path: &str) -> HeaderValue {
    let ext = path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    HeaderValue::from_static(match ext.as_str() {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn accept_encoding_honours_q_zero_and_star() {
        assert_eq!(accepted_encodings(&headers(&[("accept-encoding", "gzip, deflate, br")])), ["gzip", "br"]);
        assert_eq!(accepted_encodings(&headers(&[("accept-encoding", "br;q=0, gzip;q=0.5")])), ["gzip"]);
        assert_eq!(accepted_encodings(&headers(&[("accept-encoding", "*, br;q=0")])), ["gzip"]);
        assert!(accepted_encodings(&headers(&[("accept-encoding", "identity")])).is_empty());
        assert!(accepted_encodings(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        assert!(if_none_match(&headers(&[("if-none-match", "\"a\", \"b\"")]), "\"b\""));
        assert!(if_none_match(&headers(&[("if-none-match", "W/\"b\"")]), "\"b\""));
        assert!(if_none_match(&headers(&[("if-none-match", "*")]), "\"b\""));
        assert!(!if_none_match(&headers(&[("if-none-match", "\"a\"")]), "\"b\""));
    }
}
