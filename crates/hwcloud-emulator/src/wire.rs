//! Reading requests and writing responses without ever panicking on what a client sent.

use std::collections::HashMap;

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::errors::{ApiError, Service};

/// A JSON answer; serializing the generated models cannot fail, but a failure would still answer 500.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The path parameters of a matched route, percent-decoded.
pub(crate) struct PathParams(HashMap<String, String>);

impl PathParams {
    /// Takes axum's extraction result; a path that does not decode (e.g. invalid UTF-8) is a parameter error.
    pub(crate) fn from(
        service: Service,
        extracted: Result<Path<HashMap<String, String>>, PathRejection>,
    ) -> Result<Self, ApiError> {
        extracted.map(|Path(map)| PathParams(map)).map_err(|e| ApiError::invalid(service, &e.body_text()))
    }

    pub(crate) fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

/// Query parameters as sent (percent-decoded); a repeated key keeps its first value.
pub(crate) struct Query {
    service: Service,
    pairs: Vec<(String, String)>,
}

impl Query {
    pub(crate) fn parse(service: Service, raw: Option<&str>) -> Self {
        let pairs = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect();
        Query { service, pairs }
    }

    pub(crate) fn get(&self, name: &str) -> Option<String> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// An integer parameter; text that is not an `i32` is a parameter error.
    pub(crate) fn int(&self, name: &str) -> Result<Option<i32>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(text) => text.trim().parse::<i32>().map(Some).map_err(|_| {
                ApiError::invalid(self.service, &format!("`{name}` must be an integer, got {:?}.", truncate(&text)))
            }),
        }
    }
}

/// A header as text, when present and valid.
pub(crate) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Parses a JSON request body into a generated request-body model.
///
/// Malformed JSON and wrong types are parameter errors; a missing mandatory field is reported as missing, so GES
/// answers its documented `GES.7049 The parameter [x] is not exist.`.
pub(crate) fn json_body<T: DeserializeOwned>(service: Service, body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| ApiError::invalid(service, &format!("The body is not JSON: {e}.")))?
    };
    if !value.is_object() {
        return Err(ApiError::invalid(service, "The body must be a JSON object."));
    }
    serde_json::from_value(value).map_err(|e| {
        let text = e.to_string();
        match text.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
            Some(field) => ApiError::missing(service, field),
            None => ApiError::invalid(service, &format!("{text}.")),
        }
    })
}

/// Keeps quoted client text short in error messages.
pub(crate) fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}

/// One page of `items`: `skip` items left out, at most `take` kept (negative numbers count as zero).
pub(crate) fn page<T>(items: Vec<T>, skip: i64, take: i64) -> Vec<T> {
    let skip = usize::try_from(skip.max(0)).unwrap_or(usize::MAX);
    let take = usize::try_from(take.max(0)).unwrap_or(usize::MAX);
    items.into_iter().skip(skip).take(take).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_are_named() {
        #[derive(serde::Deserialize, Debug)]
        struct Body {
            #[allow(dead_code)]
            import_path: String,
        }
        let err = json_body::<Body>(Service::Ges, b"{}").unwrap_err();
        assert_eq!(err.code, "GES.7049");
        assert!(err.message.contains("[import_path]"), "{}", err.message);
        let err = json_body::<Body>(Service::Ges, b"{not json").unwrap_err();
        assert_eq!(err.code, "GES.0001");
        let err = json_body::<Body>(Service::TaurusDb, b"[1]").unwrap_err();
        assert_eq!(err.code, "DBS.200001");
        let err = json_body::<Body>(Service::Ges, br#"{"import_path": 3}"#).unwrap_err();
        assert_eq!(err.code, "GES.0001");
    }

    #[test]
    fn queries_decode_and_integers_are_checked() {
        let q = Query::parse(Service::Ges, Some("limit=2&offset=x&name=a%20b&limit=9"));
        assert_eq!(q.int("limit").unwrap(), Some(2));
        assert_eq!(q.get("name").as_deref(), Some("a b"));
        assert_eq!(q.int("offset").unwrap_err().code, "GES.0001");
        assert_eq!(q.int("absent").unwrap(), None);
    }

    #[test]
    fn pages_clamp() {
        assert_eq!(page(vec![1, 2, 3, 4], 1, 2), vec![2, 3]);
        assert_eq!(page(vec![1, 2, 3], 5, 2), Vec::<i32>::new());
        assert_eq!(page(vec![1, 2, 3], -1, 10), vec![1, 2, 3]);
    }
}
