//! Decoding a successful response body into the operation's output type.

use crate::error::Error;
use crate::operation::{OperationSpec, RawResponse};
use serde::de::DeserializeOwned;

/// Decodes a response body as `T`; on failure [`Error::Decode`] says where in the body (e.g. `backups[2].size`).
///
/// An empty (or all-whitespace) body decodes as `{}`, since several operations document "no body" on success.
pub fn decode<T: DeserializeOwned>(op: &'static OperationSpec, raw: &RawResponse) -> Result<T, Error> {
    let body: &[u8] = if raw.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &raw.body };
    let error = |path: String, message: String| Error::Decode {
        operation: op,
        status: raw.status,
        request_id: raw.request_id.clone(),
        path,
        message,
    };
    // Tracking the path costs an allocation per key, so it is paid only to explain a failure.
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| error(e.path().to_string(), e.into_inner().to_string()))?;
    deserializer.end().map_err(|e| error(".".into(), e.to_string()))?;
    Ok(value)
}
