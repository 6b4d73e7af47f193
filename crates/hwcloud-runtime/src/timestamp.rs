//! Reading the timestamp formats the documentation gives for time fields, for the typed accessors that
//! generated outputs offer next to the documented string.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// `yyyy-mm-ddThh:mm:ssZ`, where `Z` is the zone offset as the services print it: `Z`, `+08:00` or `+0800`
/// (also with fractional seconds). `None` when the text is not in that form.
pub fn date_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(parsed) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(parsed);
    }
    // `+0800`: the offset without a colon, which RFC 3339 does not allow.
    let cut = text.len().checked_sub(5).filter(|cut| text.is_char_boundary(*cut))?;
    let (stamp, offset) = text.split_at(cut);
    let sign = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = offset.get(1..)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i8 = digits.get(..2)?.parse().ok()?;
    let minutes: i8 = digits.get(2..)?.parse().ok()?;
    let offset = UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()?;
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]");
    PrimitiveDateTime::parse(stamp, format).ok().map(|t| t.assume_offset(offset))
}

/// `yyyy-mm-dd hh:mm:ss` in UTC; also with a `T` between date and time, as some servers send it.
pub fn utc_date_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let spaced = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let with_t = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let parsed = PrimitiveDateTime::parse(text, spaced).or_else(|_| PrimitiveDateTime::parse(text, with_t));
    parsed.ok().map(PrimitiveDateTime::assume_utc)
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// Milliseconds since the Unix epoch written as text, as some fields carry them.
pub fn unix_ms_text(text: &str) -> Option<OffsetDateTime> {
    text.trim().parse().ok().and_then(unix_ms)
}

/// A time as milliseconds since the Unix epoch, for the fields that take one (sub-millisecond parts are dropped).
pub fn to_unix_ms(time: OffsetDateTime) -> i64 {
    i64::try_from(time.unix_timestamp_nanos().div_euclid(1_000_000)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_forms() {
        let noon = OffsetDateTime::from_unix_timestamp(1_694_500_000).unwrap();
        assert_eq!(date_time("2023-09-12T06:26:40Z"), Some(noon));
        assert_eq!(date_time("2023-09-12T06:26:40+0000"), Some(noon));
        assert_eq!(date_time("2023-09-12T14:26:40+0800"), Some(noon));
        assert_eq!(date_time("2023-09-12T14:26:40+08:00"), Some(noon));
        assert_eq!(utc_date_time("2023-09-12 06:26:40"), Some(noon));
        assert_eq!(utc_date_time("2023-09-12T06:26:40"), Some(noon));
        assert_eq!(unix_ms(1_694_500_000_000), Some(noon));
        for bad in ["", "2023-09-12", "2023-09-12T06:26:40+08", "2023-09-12T06:26:40x0800", "备备备备备备"] {
            assert_eq!(date_time(bad), None, "{bad}");
        }
        assert_eq!(unix_ms(i64::MAX), None);
        assert_eq!(unix_ms_text("1694500000000"), Some(noon));
        assert_eq!(to_unix_ms(noon), 1_694_500_000_000);
    }
}
