//! Decoding a successful response body into the operation's output type, and saying what the body was when it
//! does not decode.

use crate::body::{strip_bom, unsupported_encoding, ERROR_BODY_BYTES};
use crate::error::Error;
use crate::error_body::snippet;
use crate::operation::{OperationSpec, RawResponse};
use crate::redact::{bounded, Redactor};
use serde::de::DeserializeOwned;

/// Decodes a response body as `T`; on failure [`Error::Decode`] says where in the body (e.g. `backups[2].size`),
/// with the response's content type and the start of the body.
///
/// An empty (or all-whitespace) body decodes as `{}`, since several operations document "no body" on success; a
/// leading UTF-8 byte order mark is skipped. A body in a `Content-Encoding` such as gzip is refused with a
/// [`Error::Decode`] saying so: the client does not decompress (it asks servers for `identity`).
///
/// This function knows no secrets; [`crate::Client::execute`] decodes the same way and also masks the client's
/// secrets in the error.
pub fn decode<T: DeserializeOwned>(op: &'static OperationSpec, raw: &RawResponse) -> Result<T, Error> {
    decode_with(op, raw, &Redactor::default())
}

/// [`decode`], masking `redactor`'s secrets in the error.
pub(crate) fn decode_with<T: DeserializeOwned>(
    op: &'static OperationSpec,
    raw: &RawResponse,
    redactor: &Redactor,
) -> Result<T, Error> {
    let failure = |path: String, message: String| decode_error(op, raw, path, message, redactor);
    if let Some(encoding) = unsupported_encoding(&raw.headers) {
        let message = format!(
            "the body is `Content-Encoding: {encoding}`, which this client does not decode (it asks for \
             `Accept-Encoding: identity`); the server or a proxy on the way compressed it anyway"
        );
        return Err(failure(".".into(), message));
    }
    let body = strip_bom(&raw.body);
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    // Tracking the path costs an allocation per key, so it is paid only to explain a failure.
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| failure(e.path().to_string(), e.into_inner().to_string()))?;
    deserializer.end().map_err(|e| failure(".".into(), e.to_string()))?;
    Ok(value)
}

/// How much of a `Content-Type` an error quotes.
const CONTENT_TYPE_BYTES: usize = 128;
/// How much of a decoder's message an error quotes (serde quotes the offending value).
const MESSAGE_BYTES: usize = 1024;

/// [`Error::Decode`] for `raw`, with its content type and the start of its body, secrets masked.
pub(crate) fn decode_error(
    operation: &'static OperationSpec,
    raw: &RawResponse,
    path: String,
    message: String,
    redactor: &Redactor,
) -> Error {
    let content_type = raw
        .headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| bounded(&String::from_utf8_lossy(v.as_bytes()), CONTENT_TYPE_BYTES).into_boxed_str());
    let body_snippet = match unsupported_encoding(&raw.headers) {
        Some(encoding) => format!("<{} bytes of {encoding}-encoded body, not decoded>", raw.body.len()),
        // The secrets are masked in far more than the snippet shows, so that none is cut in half.
        None => snippet(redactor.redact_body(&raw.body[..raw.body.len().min(ERROR_BODY_BYTES)]).as_bytes()),
    };
    let error = Error::Decode {
        operation,
        status: raw.status,
        request_id: raw.request_id.clone(),
        path: bounded(&path, MESSAGE_BYTES),
        message: bounded(&message, MESSAGE_BYTES),
        content_type,
        body_snippet: body_snippet.into_boxed_str(),
    };
    error.redact(redactor)
}
