//! Turning a non-success response into a [`ServiceError`], whatever shape its body has.
//!
//! The services behind the API gateway answer with `error_code`/`error_msg` (GES v2, GeminiDB, TaurusDB, APIG),
//! `errorCode`/`errorMessage` or `errorCode`/`errorMsg` (older GES pages), `code`/`message`, or one of these
//! nested one level down (IAM: `{"error": {"code": 400, "message": ...}}`). Gateways may also answer with HTML.

use crate::error::ServiceError;
use crate::operation::OperationSpec;
use serde_json::{Map, Value};

/// How much of a raw body is kept in [`ServiceError::body_snippet`].
pub(crate) const SNIPPET_BYTES: usize = 512;

const CODE_KEYS: &[&str] = &["error_code", "errorCode", "code"];
const MESSAGE_KEYS: &[&str] = &["error_msg", "errorMessage", "errorMsg", "message", "error_message", "msg"];

/// Builds the error of a failed call; never fails, whatever the body holds.
pub(crate) fn service_error(
    operation: &'static OperationSpec,
    status: u16,
    request_id: Option<String>,
    body: &[u8],
) -> ServiceError {
    let (code, message, body_request_id) = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => parse_object(&map),
        _ => (None, None, None),
    };
    ServiceError {
        operation,
        status,
        code,
        message,
        request_id: request_id.or(body_request_id),
        body_snippet: snippet(body),
        // A 5xx does not say whether the backend carried the request out before failing.
        outcome_unknown: !operation.idempotent && (500..600).contains(&status),
    }
}

type Parsed = (Option<String>, Option<String>, Option<String>);

fn parse_object(map: &Map<String, Value>) -> Parsed {
    let top = fields(map);
    if top.0.is_some() || top.1.is_some() {
        return top;
    }
    // One level down: `error` first (IAM, OpenStack style), then any other object member.
    let nested = map.get("error").into_iter().chain(map.values());
    for value in nested {
        if let Value::Object(inner) = value {
            let (code, message, request_id) = fields(inner);
            if code.is_some() || message.is_some() {
                return (code, message, request_id.or(top.2));
            }
        }
    }
    top
}

fn fields(map: &Map<String, Value>) -> Parsed {
    let pick = |keys: &[&str]| keys.iter().find_map(|k| map.get(*k).and_then(text));
    (pick(CODE_KEYS), pick(MESSAGE_KEYS), pick(&["request_id", "requestId"]))
}

/// A string or number as one line of text; anything else (null, objects) is not an error field.
fn text(value: &Value) -> Option<String> {
    let raw = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

/// The start of the body as text: at most [`SNIPPET_BYTES`] bytes, cut on a character boundary, trimmed.
pub(crate) fn snippet(body: &[u8]) -> String {
    let head = &body[..body.len().min(SNIPPET_BYTES)];
    let text = match std::str::from_utf8(head) {
        Ok(s) => s.to_owned(),
        // Cut inside a multi-byte character: drop the partial character.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned(),
        Err(_) => String::from_utf8_lossy(head).into_owned(),
    };
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{Method, ServiceSpec};

    static SERVICE: ServiceSpec =
        ServiceSpec { name: "s", sdk_name: "S", regions: &[], global_endpoint: None, errors: &[] };
    static OP: OperationSpec = OperationSpec {
        service: &SERVICE,
        name: "op",
        method: Method::Post,
        path_template: "/",
        success: &[200],
        idempotent: false,
        not_found: &[],
    };

    fn parse(body: &str) -> ServiceError {
        service_error(&OP, 400, None, body.as_bytes())
    }

    #[test]
    fn a_5xx_on_a_non_idempotent_call_leaves_the_outcome_unknown() {
        assert!(service_error(&OP, 503, None, b"").outcome_unknown);
        assert!(!service_error(&OP, 409, None, b"").outcome_unknown);
    }

    #[test]
    fn every_documented_shape() {
        for body in [
            r#"{"error_code": "DBS.200001", "error_msg": "Parameter error"}"#,
            r#"{"errorCode": "DBS.200001", "errorMessage": "Parameter error"}"#,
            r#"{"errorCode": "DBS.200001", "errorMsg": "Parameter error"}"#,
            r#"{"code": "DBS.200001", "message": "Parameter error"}"#,
            r#"{"error": {"code": "DBS.200001", "message": "Parameter error"}}"#,
            r#"{"result": {"error_code": "DBS.200001", "error_msg": "Parameter error"}}"#,
        ] {
            let e = parse(body);
            assert_eq!(e.code.as_deref(), Some("DBS.200001"), "{body}");
            assert_eq!(e.message.as_deref(), Some("Parameter error"), "{body}");
        }
    }

    #[test]
    fn numeric_codes_and_body_request_ids() {
        let e = parse(r#"{"error": {"code": 400, "message": "The request body is invalid", "title": "Bad Request"}}"#);
        assert_eq!(e.code.as_deref(), Some("400"));
        let e =
            parse(r#"{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication", "request_id": "r1"}"#);
        assert_eq!(e.request_id.as_deref(), Some("r1"));
    }

    #[test]
    fn snippet_is_bounded_on_a_char_boundary() {
        let body = "备".repeat(400); // 3 bytes each
        let s = snippet(body.as_bytes());
        assert!(s.len() <= SNIPPET_BYTES && s.len().is_multiple_of(3) && s.chars().all(|c| c == '备'));
        assert_eq!(snippet(b"\xff\xfeabc"), "\u{fffd}\u{fffd}abc");
    }

    #[test]
    fn odd_bodies_never_fail() {
        for body in ["", "null", "[1,2]", "\"text\"", "{\"code\": null}", "<html>502 Bad Gateway</html>"] {
            let e = parse(body);
            assert!(e.code.is_none() && e.message.is_none(), "{body}");
        }
    }
}
