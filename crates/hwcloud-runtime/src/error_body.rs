//! Turning a non-success response into a [`ServiceError`], whatever shape its body has.
//!
//! The services behind the API gateway answer with `error_code`/`error_msg` (GES v2, GeminiDB, TaurusDB, APIG),
//! `errorCode`/`errorMessage` or `errorCode`/`errorMsg` (older GES pages), `code`/`message`, or one of these
//! nested one level down (IAM: `{"error": {"code": 400, "message": ...}}`). Gateways may also answer with HTML.

use crate::body::{strip_bom, unsupported_encoding};
use crate::error::ServiceError;
use crate::operation::OperationSpec;
use crate::redact::{bounded, Redactor};
use http::HeaderMap;
use serde_json::{Map, Value};

/// How much of a raw body is kept in [`ServiceError::body_snippet`].
pub(crate) const SNIPPET_BYTES: usize = 512;
/// How much of the server's message, code, request id or `Location` an error quotes.
const MESSAGE_BYTES: usize = 1024;
const CODE_BYTES: usize = 128;
const LOCATION_BYTES: usize = 256;

const CODE_KEYS: &[&str] = &["error_code", "errorCode", "code"];
const MESSAGE_KEYS: &[&str] = &["error_msg", "errorMessage", "errorMsg", "message", "error_message", "msg"];

/// One non-success answer, as read (the body at most `ERROR_BODY_BYTES` long).
pub(crate) struct Answered<'a> {
    pub(crate) status: u16,
    pub(crate) request_id: Option<String>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

/// Builds the error of a failed call; never fails, whatever the body holds. Secrets are masked in the whole body
/// before anything is taken from it, so that no cut can leave part of one.
pub(crate) fn service_error(
    operation: &'static OperationSpec,
    answer: Answered<'_>,
    redactor: &Redactor,
) -> ServiceError {
    let Answered { status, request_id, headers, body } = answer;
    let (text, (code, mut message, body_request_id)) = match unsupported_encoding(headers) {
        Some(encoding) => {
            (format!("<{} bytes of {encoding}-encoded body, not decoded>", body.len()), (None, None, None))
        }
        None => {
            let text = redactor.redact_body(strip_bom(body)).into_owned();
            let parsed = match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => parse_object(&map),
                _ => (None, None, None),
            };
            (text, parsed)
        }
    };
    // Parsed strings are unescaped JSON, so they are masked again.
    let clean = |text: Option<String>, max: usize| text.map(|t| bounded(&redactor.redact(&t), max));
    if (300..400).contains(&status) {
        let location = headers.get(http::header::LOCATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let location = clean(location, LOCATION_BYTES).unwrap_or_else(|| "nowhere (no Location header)".to_owned());
        message = Some(format!(
            "the server redirected to {location}; redirects are not followed (these APIs never redirect, and \
             following one would send the credentials to another address): check the endpoint"
        ));
    }
    ServiceError {
        operation,
        status,
        code: clean(code, CODE_BYTES),
        message: clean(message, MESSAGE_BYTES),
        request_id: clean(request_id.or(body_request_id), CODE_BYTES),
        body_snippet: snippet(text.as_bytes()),
        // A 5xx does not say whether the backend carried the request out before failing; a redirect came from a
        // server that received it.
        outcome_unknown: !operation.idempotent && ((500..600).contains(&status) || (300..400).contains(&status)),
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

    fn answer(status: u16, headers: &HeaderMap, body: &str) -> ServiceError {
        let answered = Answered { status, request_id: None, headers, body: body.as_bytes() };
        service_error(&OP, answered, &Redactor::default())
    }

    fn parse(body: &str) -> ServiceError {
        answer(400, &HeaderMap::new(), body)
    }

    #[test]
    fn a_5xx_or_a_redirect_on_a_non_idempotent_call_leaves_the_outcome_unknown() {
        let none = HeaderMap::new();
        assert!(answer(503, &none, "").outcome_unknown);
        assert!(answer(307, &none, "").outcome_unknown);
        assert!(!answer(409, &none, "").outcome_unknown);
    }

    #[test]
    fn a_redirect_names_its_location_bounded() {
        let mut headers = HeaderMap::new();
        let far = format!("http://elsewhere.example/{}", "x".repeat(5000));
        headers.insert(http::header::LOCATION, far.parse().unwrap());
        let e = answer(302, &headers, "<html>Found</html>");
        let message = e.message.unwrap();
        assert!(message.contains("http://elsewhere.example/xxx") && message.len() < 600, "{message}");
        assert_eq!(e.body_snippet, "<html>Found</html>");
    }

    #[test]
    fn a_bom_before_the_json_is_tolerated_and_gzip_is_not_guessed_at() {
        let e = parse("\u{feff}{\"error_code\": \"DBS.200001\", \"error_msg\": \"Parameter error\"}");
        assert_eq!(e.code.as_deref(), Some("DBS.200001"));
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_ENCODING, "gzip".parse().unwrap());
        let e = answer(500, &headers, "\u{1f}\u{8b}junk");
        assert_eq!((e.code, e.message), (None, None));
        assert!(e.body_snippet.contains("gzip-encoded body, not decoded"), "{}", e.body_snippet);
    }

    #[test]
    fn long_messages_are_bounded() {
        let e = parse(&format!("{{\"error_code\": \"X.1\", \"error_msg\": \"{}\"}}", "m".repeat(100_000)));
        assert!(e.message.unwrap().len() <= MESSAGE_BYTES + 3);
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
