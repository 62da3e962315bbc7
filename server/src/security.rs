//! docs/API.md's "Who may call" as tower layers over every route (REST, server functions, pages,
//! assets): the Host check against DNS rebinding, the cross-origin check against CSRF, the token,
//! and the response headers. A refused request never reaches a handler, so nothing is written.

use app::api::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;

/// Cookie that carries the token after a visit to `/?token=…`.
pub const TOKEN_COOKIE: &str = "ctxgate_token";

#[derive(Clone, Debug)]
pub struct Security {
    /// Host names (no port) accepted in the `Host` header.
    allowed_hosts: Arc<Vec<String>>,
    /// SHA-256 of the token, when one is required.
    token_digest: Option<[u8; 32]>,
}

/// True for 127.0.0.0/8 and ::1.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

impl Security {
    /// Refuses a non-loopback bind without a token (the reason is a one-line message).
    pub fn new(bind: SocketAddr, extra_hosts: &[String], token: Option<&str>) -> Result<Security, String> {
        let token = token.filter(|t| !t.is_empty());
        if !is_loopback(&bind) && token.is_none() {
            return Err(format!(
                "refusing to listen on non-loopback address {bind} without --token (or CTXGATE_TOKEN): anyone on the network could edit this project"
            ));
        }
        if let Some(t) = token {
            // The token travels in a cookie and a query string: keep it to characters both carry as-is.
            if !t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')) {
                return Err("--token may contain only A-Z a-z 0-9 - _ . ~".into());
            }
        }
        let mut allowed: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()];
        allowed.extend(extra_hosts.iter().map(|h| h.trim().to_ascii_lowercase()));
        if token.is_some() {
            // The bind address's own host is allowed automatically in token mode.
            allowed.push(match bind.ip() {
                std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                ip => ip.to_string(),
            });
        }
        Ok(Security { allowed_hosts: Arc::new(allowed), token_digest: token.map(digest) })
    }

    fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        self.allowed_hosts.contains(&name)
    }

    fn token_matches(&self, candidate: &str) -> bool {
        self.token_digest.is_some_and(|expected| constant_time_eq(&expected, &digest(candidate)))
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Compares two digests without an early exit, so timing says nothing about where they differ.
/// Hashing first makes the inputs equal-length whatever the candidate's length.
pub fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b.iter()) {
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

/// `example.com:3000` → `example.com`; `[::1]:3000` → `[::1]`.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    host.rsplit_once(':')
        .map_or(host, |(name, port)| if port.bytes().all(|b| b.is_ascii_digit()) { name } else { host })
}

fn forbidden(reason: &str) -> Response {
    ApiError::Forbidden { reason: reason.to_owned() }.into_response()
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// The Host check, the cross-origin check and the token, in that order.
pub async fn guard(State(security): State<Security>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let Some(host) = header_str(headers, header::HOST).or_else(|| request.uri().authority().map(|a| a.as_str())) else {
        return forbidden("a Host header is required");
    };
    if !security.host_allowed(host) {
        return forbidden("this Host is not served here (use localhost or 127.0.0.1, or start with --allowed-host)");
    }
    // The event stream is a GET, but another site must not be able to listen to it either
    // (docs/API.md, "Who may call").
    let writes = matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    if writes || request.uri().path() == crate::events::PATH {
        if let Some(site) = header_str(headers, header::HeaderName::from_static("sec-fetch-site")) {
            if site != "same-origin" && site != "none" {
                return forbidden("cross-site requests may not change or watch anything");
            }
        } else if let Some(origin) = header_str(headers, header::ORIGIN) {
            if !origin.eq_ignore_ascii_case(&format!("http://{host}")) {
                return forbidden("cross-origin requests may not change or watch anything");
            }
        }
    }
    if security.token_digest.is_some() {
        // `/?token=…` trades the token for a cookie and a clean URL.
        if let Some(token) = request
            .uri()
            .query()
            .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("token=")).map(|t| t.to_owned()))
        {
            if security.token_matches(&token) && request.uri().path() == "/" {
                let cookie = format!("{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
                let mut response =
                    (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response();
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().insert(header::SET_COOKIE, value);
                }
                return response;
            }
            return forbidden("missing or wrong token");
        }
        let bearer = header_str(headers, header::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer "));
        let presented = bearer.or_else(|| cookie(headers, TOKEN_COOKIE));
        if !presented.is_some_and(|t| security.token_matches(t)) {
            return forbidden("missing or wrong token");
        }
    }
    next.run(request).await
}

/// Headers every response carries.
pub async fn common_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("localhost:3000"), "localhost");
        assert_eq!(host_name("[::1]:3000"), "[::1]");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
        let security = Security::new("127.0.0.1:3000".parse().unwrap(), &["Box.Local".into()], None).unwrap();
        assert!(security.host_allowed("LOCALHOST:1"));
        assert!(security.host_allowed("box.local:3000"));
        assert!(!security.host_allowed("evil.example:3000"));
        assert!(!security.host_allowed("localhost.evil.example"));
    }

    #[test]
    fn non_loopback_needs_a_token() {
        assert!(Security::new("0.0.0.0:3000".parse().unwrap(), &[], None).is_err());
        assert!(Security::new("0.0.0.0:3000".parse().unwrap(), &[], Some("")).is_err());
        let security = Security::new("10.1.2.3:3000".parse().unwrap(), &[], Some("s3cret")).unwrap();
        assert!(security.host_allowed("10.1.2.3:3000"));
        assert!(security.token_matches("s3cret"));
        assert!(!security.token_matches("s3cre"));
        assert!(!security.token_matches("s3cret "));
        for bad in ["a;b", "a b", "a\"b", "ä"] {
            assert!(Security::new("127.0.0.1:3000".parse().unwrap(), &[], Some(bad)).is_err(), "{bad}");
        }
    }
}
