//! Cross-origin refusal: a web page on another site must not drive a server on this machine.
//! A request to a loopback host whose `Origin` names another host is refused with 403 (as
//! ComfyUI does), unless the server allows that origin (`--enable-cors-header`).
use crate::api_error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether a `Host` header's name is this machine (`localhost`, `127.x.x.x`, `[::1]`).
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `host[:port]` of an `Origin` header (`http://localhost:8188` → `localhost:8188`).
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin.split_once("://")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// Refuses cross-origin requests to a loopback host, or answers them with CORS headers
/// when an origin is allowed.
pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let Some(origin) = origin else {
        return next.run(request).await;
    };
    if let Some(allowed) = state.config.cors_origin.clone() {
        if allowed == "*" || allowed == origin {
            return with_cors(request, next, &allowed).await;
        }
    }
    let same = origin_host(&origin).is_some_and(|o| o.eq_ignore_ascii_case(&host));
    if is_loopback_host(&host) && !same {
        let msg = format!(
            "cross-origin request from {origin} refused; start the server with --enable-cors-header to allow it"
        );
        return ApiError::bad_request("forbidden_origin", msg, "")
            .with_status(StatusCode::FORBIDDEN)
            .into_response();
    }
    next.run(request).await
}

async fn with_cors(request: Request, next: Next, allowed: &str) -> Response {
    let preflight = request.method() == Method::OPTIONS;
    let mut response = if preflight {
        StatusCode::OK.into_response()
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(allowed) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, GET, DELETE, PUT, OPTIONS, PATCH"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Authorization"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        for host in ["localhost:8188", "127.0.0.1:1", "[::1]:8188", "LOCALHOST", "127.1.2.3"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["example.com", "192.168.1.2:8188", "[2001:db8::1]:80"] {
            assert!(!is_loopback_host(host), "{host}");
        }
        assert_eq!(origin_host("http://localhost:8188"), Some("localhost:8188"));
    }
}
