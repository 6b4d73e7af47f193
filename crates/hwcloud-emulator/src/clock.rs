//! The time formats each service prints (they all differ).

use time::macros::format_description;
use time::OffsetDateTime;

/// GES: `2021-06-08T13:55:13` (UTC, no offset).
pub(crate) fn ges(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]")).unwrap_or_default()
}

/// GeminiDB backups: `2022-01-01 00:00:00` (UTC).
pub(crate) fn spaced(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).unwrap_or_default()
}

/// GeminiDB jobs and TaurusDB: `2023-09-12T06:44:01+0000`.
pub(crate) fn with_offset(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    ))
    .unwrap_or_default()
}

/// IAM: `2020-01-04T09:05:22.701000Z`.
pub(crate) fn iam(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"))
        .unwrap_or_default()
}

/// Parses the DB services' `yyyy-mm-ddThh:mm:ssZ` query times, where Z is an offset such as `+0800` (a literal
/// `Z` is read as UTC).
pub(crate) fn parse_with_offset(text: &str) -> Option<OffsetDateTime> {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]");
    let utc = text.strip_suffix('Z').map(|t| format!("{t}+0000"));
    OffsetDateTime::parse(utc.as_deref().unwrap_or(text), format).ok()
}

/// Milliseconds since the epoch (GES timestamps, restore times).
pub(crate) fn millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or_default()
}

/// The time of a millisecond timestamp, when it is one.
pub(crate) fn from_millis(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_match_the_documented_examples() {
        let t = datetime!(2021-06-08 13:55:13.5 UTC);
        assert_eq!(ges(t), "2021-06-08T13:55:13");
        assert_eq!(spaced(t), "2021-06-08 13:55:13");
        assert_eq!(with_offset(t), "2021-06-08T13:55:13+0000");
        assert_eq!(iam(t), "2021-06-08T13:55:13.500000Z");
        assert_eq!(millis(t), 1_623_160_513_500);
        assert_eq!(parse_with_offset("2021-06-08T21:55:13+0800"), Some(datetime!(2021-06-08 13:55:13 UTC)));
        assert_eq!(parse_with_offset("2021-06-08T13:55:13Z"), Some(datetime!(2021-06-08 13:55:13 UTC)));
        assert_eq!(parse_with_offset("2021-06-08 13:55:13"), None);
    }
}
