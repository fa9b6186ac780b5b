//! Response shapes that several endpoints share, modelled on what Vanta returns.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Builds a JSON error `{"error": message}`, the shape of Vanta's resource and OAuth errors.
pub fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// Builds the 401 that Vanta returns for a missing, revoked or expired access token.
pub fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, "unauthorized")
}

/// Builds the 403 that Vanta returns for a valid token without the required scope.
pub fn forbidden() -> Response {
    error(StatusCode::FORBIDDEN, "unauthorized")
}

/// Builds the plain-text 429 that Vanta returns, with `Retry-After` in whole seconds (rounded
/// up, at least 1) when `retry_after` is set.
pub fn rate_limited(wait: Duration, retry_after: bool) -> Response {
    let mut response = (StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded").into_response();
    if retry_after {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    response
}

/// Builds the HTML 404 of an unknown route. Vanta returns the page of Express's default
/// handler, `Cannot <METHOD> <path>`, for unknown routes.
pub fn route_not_found(method: &str, path: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Error</title>\n</head>\n<body>\n<pre>Cannot {method} {}</pre>\n</body>\n</html>\n",
        escape_html(path)
    );
    html(StatusCode::NOT_FOUND, body)
}

/// Builds the HTML 403 that Vanta's CDN (CloudFront) returns for a GET with a body.
pub fn get_with_body_forbidden() -> Response {
    let body = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \
                \"http://www.w3.org/TR/html4/loose.dtd\">\n<HTML><HEAD><META HTTP-EQUIV=\
                \"Content-Type\" CONTENT=\"text/html; charset=iso-8859-1\">\n\
                <TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n\
                <H1>403 ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n\
                <HR noshade size=\"1px\">\nBad request.\n</BODY></HTML>\n";
    html(StatusCode::FORBIDDEN, body.to_owned())
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
