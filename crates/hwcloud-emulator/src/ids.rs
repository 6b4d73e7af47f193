//! Identifiers shaped like the real services' (so that they pass the documented rules).

use rand::Rng;

/// `n` random lower-case hex digits.
pub(crate) fn hex(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect()
}

/// A random UUID-formatted id, e.g. GES backup ids and DB job ids.
pub(crate) fn uuid() -> String {
    let h = hex(32);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// A DB backup id: 32 hex digits and the service's suffix (`br06`, `br07`), 36 characters.
pub(crate) fn db_backup_id(suffix: &str) -> String {
    format!("{}{suffix}", hex(32))
}

/// A DB instance id: 32 hex digits and the service's suffix (`in06`, `in07`), 36 characters.
pub(crate) fn db_instance_id(suffix: &str) -> String {
    format!("{}{suffix}", hex(32))
}

/// An opaque IAM token; real ones are long base64 blobs starting with `MII`.
pub(crate) fn token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    let tail: String = (0..120).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
    format!("MIIemu{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(uuid().len(), 36);
        let id = db_backup_id("br07");
        assert!(id.len() == 36 && id.ends_with("br07") && id.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(hex(32), hex(32));
    }
}
