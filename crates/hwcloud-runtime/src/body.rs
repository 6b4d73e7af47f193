//! Reading a response body with a size limit, chunk by chunk, so that a broken or hostile server cannot make the
//! client hold more than the limit: reading stops at the limit and the connection is dropped with the rest unread.

use bytes::Bytes;

/// Default limit of a success body (see `ClientBuilder::max_response_bytes`): far above the largest documented
/// answer (a page of 1,000 backups is a few hundred KiB).
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 << 20;

/// How much of an error body is read: enough for every documented error shape and any gateway page; the rest is
/// left unread (the error keeps a bounded snippet of it).
pub(crate) const ERROR_BODY_BYTES: usize = 64 << 10;

/// A body read up to a limit.
pub(crate) struct Limited {
    /// At most the limit's bytes.
    pub(crate) bytes: Bytes,
    /// The body went on past the limit (it was not read further).
    pub(crate) truncated: bool,
}

/// Reads at most `limit` bytes of `response`'s body; `truncated` says whether more was there.
pub(crate) async fn read(response: &mut reqwest::Response, limit: usize) -> Result<Limited, reqwest::Error> {
    // The usual case, one chunk, is kept without copying.
    let Some(first) = response.chunk().await? else {
        return Ok(Limited { bytes: Bytes::new(), truncated: false });
    };
    if first.len() > limit {
        return Ok(Limited { bytes: first.slice(..limit), truncated: true });
    }
    let Some(second) = response.chunk().await? else {
        return Ok(Limited { bytes: first, truncated: false });
    };
    // Grown by doubling, but never beyond the limit, so that the buffer stays within it.
    let mut all =
        Vec::with_capacity(response.content_length().map_or(first.len() + second.len(), |n| n as usize).min(limit));
    let mut next = Some(second);
    all.extend_from_slice(&first);
    while let Some(chunk) = next {
        let room = limit - all.len();
        let take = chunk.len().min(room);
        if all.capacity() - all.len() < take {
            let wanted = (all.capacity() * 2).max(all.len() + take).min(limit);
            all.reserve_exact(wanted - all.len());
        }
        all.extend_from_slice(&chunk[..take]);
        if take < chunk.len() {
            return Ok(Limited { bytes: all.into(), truncated: true });
        }
        next = response.chunk().await?;
    }
    Ok(Limited { bytes: all.into(), truncated: false })
}

/// The response's `Content-Encoding` when it is one the client cannot read (anything but `identity`): the client
/// is built without decompression and asks for `Accept-Encoding: identity`, so such a body is undecodable.
pub(crate) fn unsupported_encoding(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get(http::header::CONTENT_ENCODING)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    let text = text.trim();
    (!text.is_empty() && !text.eq_ignore_ascii_case("identity")).then(|| crate::redact::bounded(text, 64))
}

/// The body without a leading UTF-8 byte order mark, which some servers put before JSON (and JSON parsers refuse).
pub(crate) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}
