//! Path filling: each parameter becomes exactly one path segment, whatever it contains.

use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{Error, Violation};
use crate::operation::OperationSpec;

/// Everything except `A-Za-z0-9-_.~` is encoded, as the official SDKs do for path parameters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes one path parameter so that `/`, `..`, `?` or `#` in it can never change the path.
///
/// `.` and `..` are encoded as `%2E` / `%2E%2E` so that no URL normaliser treats them as dot segments.
pub fn encode_segment(value: &str) -> String {
    if value == "." || value == ".." {
        return value.replace('.', "%2E");
    }
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// One mandatory path parameter, encoded as its segment (borrowed when nothing needed encoding, as for most ids).
/// A missing value, or `.`/`..` (which would address another resource once a URL parser resolves it), is refused
/// as input naming the parameter.
pub fn segment<'v>(
    operation: &'static OperationSpec,
    field: &str,
    value: Option<&'v str>,
) -> Result<Cow<'v, str>, Error> {
    let refuse =
        |rule, message: &str| Error::InvalidInput { operation, violations: vec![Violation::new(field, rule, message)] };
    match value {
        None => Err(refuse("required", "is mandatory")),
        Some("." | "..") => Err(refuse("path_segment", "cannot be `.` or `..`: it fills one path segment; give an id")),
        Some(value) => Ok(utf8_percent_encode(value, SEGMENT).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::encode_segment;

    #[test]
    fn separators_and_dot_segments_stay_inside_one_segment() {
        assert_eq!(encode_segment("a/b"), "a%2Fb");
        assert_eq!(encode_segment("../x"), "..%2Fx");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("q?x#y"), "q%3Fx%23y");
        assert_eq!(encode_segment("Ab9-_.~"), "Ab9-_.~");
        assert_eq!(encode_segment("备"), "%E5%A4%87");
    }
}
