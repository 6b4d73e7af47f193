//! Walking offset/limit listings lazily, one page in memory at a time, and never forever.
//!
//! A listing ends at the documented total, at an empty page, or at a short page (fewer items than asked for).
//! A server that ignores `offset` would otherwise return the first page again and again, so a page identical to
//! an earlier one ends the walk with [`Error::Paging`], and so does fetching more pages than the first page's
//! total allows.

use crate::call::CallOptions;
use crate::client::Client;
use crate::error::{Error, Violation};
use crate::execute::OperationInput;
use crate::operation::OperationSpec;
use futures::stream::{self, BoxStream, Stream, StreamExt};
use serde::Serialize;
use std::collections::HashSet;
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};

/// One page of a listing, as generated for each paginated operation's response.
pub trait Page {
    /// What the listing lists.
    type Item: Send + 'static;
    /// Number of items on this page.
    fn item_count(&self) -> usize;
    /// The total number of items the server reports, when it does.
    fn total(&self) -> Option<i64>;
    /// The page's items, consuming the page.
    fn into_items(self) -> Vec<Self::Item>;
    /// A hash of the page's items (see [`fingerprint`]); equal pages must give equal values.
    fn fingerprint(&self) -> u64;
}

/// A stable hash of anything serializable (its JSON form), for implementing [`Page::fingerprint`].
pub fn fingerprint<T: Serialize + ?Sized>(items: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    // Serializing plain response data into memory cannot fail; if it ever did, the page hashes as empty.
    serde_json::to_vec(items).unwrap_or_default().hash(&mut hasher);
    hasher.finish()
}

/// Pages of a listing whose `offset` is an item index: `fetch(offset, limit)` is called with `start_offset`, then
/// with `offset + items received`, until the listing ends. Nothing is fetched until the stream is polled.
///
/// The first page is yielded even when empty (it carries the total); later empty pages are not.
pub fn pages<P, F, Fut>(
    operation: &'static OperationSpec,
    start_offset: i64,
    limit: i64,
    fetch: F,
) -> impl Stream<Item = Result<P, Error>> + Unpin
where
    P: Page,
    F: FnMut(i64, i64) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    walk(operation, Offset::Items(start_offset), limit, fetch)
}

/// Pages of a listing whose `offset` is a 1-based page number (e.g. GeminiDB): `fetch(page, limit)` is called
/// with `first_page`, `first_page + 1`, ... until the listing ends, with the same stop rules as [`pages`].
pub fn numbered_pages<P, F, Fut>(
    operation: &'static OperationSpec,
    first_page: i64,
    limit: i64,
    fetch: F,
) -> impl Stream<Item = Result<P, Error>> + Unpin
where
    P: Page,
    F: FnMut(i64, i64) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    walk(operation, Offset::PageNumber(first_page), limit, fetch)
}

/// The items of a page stream, in order; an error ends the stream after being yielded.
pub fn items<S, P>(pages: S) -> impl Stream<Item = Result<P::Item, Error>> + Unpin
where
    S: Stream<Item = Result<P, Error>>,
    P: Page,
{
    Box::pin(pages.flat_map(|page| {
        stream::iter(match page {
            Ok(page) => page.into_items().into_iter().map(Ok).collect::<Vec<_>>(),
            Err(error) => vec![Err(error)],
        })
    }))
}

/// What a listing's `offset` parameter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageUnit {
    /// An item index, starting at 0.
    Items,
    /// A page number, starting at `first`.
    Pages {
        /// The number of the first page (1 for GeminiDB).
        first: i64,
    },
}

/// Implemented by the generated inputs of operations that page with offset/limit.
pub trait PagedInput: OperationInput {
    /// What `offset` counts.
    const UNIT: PageUnit;
    /// The documented name of the page-size parameter, for errors.
    const LIMIT_FIELD: &'static str;
    /// The offset the caller set, if any.
    fn offset(&self) -> Option<i64>;
    /// The page size the caller set, else the documented default, else the documented maximum.
    fn limit(&self) -> Option<i64>;
    /// A copy of this input asking for one page.
    fn with_page(&self, offset: i32, limit: i32) -> Self;
}

/// Every page of a generated listing, fetched lazily one at a time with [`Client::execute_with`], from the offset
/// set on `input` (or the first page), with the stop rules of [`pages`].
pub fn paginate<I>(client: Client, input: I, options: CallOptions) -> BoxStream<'static, Result<I::Output, Error>>
where
    I: PagedInput,
    I::Output: Page,
{
    let operation = I::OPERATION;
    let Some(limit) = input.limit() else {
        let message = format!("has no documented default, so paging needs it: set `.{}(...)`", I::LIMIT_FIELD);
        let violation = Violation::new(I::LIMIT_FIELD, "required", message);
        let error = Error::InvalidInput { operation, violations: vec![violation] };
        return stream::once(async move { Err(error) }).boxed();
    };
    let start = input.offset();
    let fetch = move |offset: i64, limit: i64| {
        let client = client.clone();
        let page = match (i32::try_from(offset), i32::try_from(limit)) {
            (Ok(offset), Ok(limit)) => Ok(input.with_page(offset, limit)),
            _ => Err(Error::Paging { operation, message: format!("offset {offset} does not fit the API's Integer") }),
        };
        async move { client.execute_with(page?, &options).await }
    };
    match I::UNIT {
        PageUnit::Items => pages(operation, start.unwrap_or(0), limit, fetch).boxed(),
        PageUnit::Pages { first } => numbered_pages(operation, start.unwrap_or(first), limit, fetch).boxed(),
    }
}

#[derive(Clone, Copy)]
enum Offset {
    Items(i64),
    PageNumber(i64),
}

struct Walk<F> {
    fetch: F,
    /// What the next `fetch` is called with.
    offset: i64,
    /// Index of the next item in the whole listing.
    position: i64,
    pages: u64,
    max_pages: Option<u64>,
    /// Fingerprints of the non-empty pages seen so far (8 bytes a page).
    seen: HashSet<u64>,
    done: bool,
}

fn walk<P, F, Fut>(
    operation: &'static OperationSpec,
    start: Offset,
    limit: i64,
    fetch: F,
) -> impl Stream<Item = Result<P, Error>> + Unpin
where
    P: Page,
    F: FnMut(i64, i64) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    let (offset, position) = match start {
        Offset::Items(offset) => (offset, offset),
        Offset::PageNumber(page) => (page, page.saturating_sub(1).max(0).saturating_mul(limit)),
    };
    let state = Walk { fetch, offset, position, pages: 0, max_pages: None, seen: HashSet::new(), done: false };
    let paging = move |message: String| Error::Paging { operation, message };
    Box::pin(stream::unfold(state, move |mut s| async move {
        if s.done {
            return None;
        }
        s.done = true;
        if limit <= 0 {
            return Some((Err(paging(format!("the page size (limit) must be positive, got {limit}"))), s));
        }
        let page = match (s.fetch)(s.offset, limit).await {
            Ok(page) => page,
            Err(error) => return Some((Err(error), s)),
        };
        s.pages += 1;
        let count = page.item_count();
        let fingerprint = page.fingerprint();
        if count > 0 && !s.seen.insert(fingerprint) {
            let message = format!(
                "the page at offset {} repeats an earlier page exactly; the server seems to ignore `offset`",
                s.offset
            );
            return Some((Err(paging(message)), s));
        }
        let total = page.total();
        if let (None, Some(total)) = (s.max_pages, total) {
            let left = u64::try_from(total.saturating_sub(s.position)).unwrap_or(0);
            s.max_pages = Some(left / limit.unsigned_abs() + 1);
        }
        if let Some(max) = s.max_pages.filter(|max| s.pages > *max) {
            let message = format!("more than {max} pages of {limit} for the reported total; the listing does not end");
            return Some((Err(paging(message)), s));
        }
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        s.position = s.position.saturating_add(count);
        s.offset = match start {
            Offset::Items(_) => s.offset.saturating_add(count),
            Offset::PageNumber(_) => s.offset.saturating_add(1),
        };
        let ended = count == 0 || count < limit || total.is_some_and(|total| s.position >= total);
        s.done = ended;
        if count == 0 && s.pages > 1 {
            return None;
        }
        Some((Ok(page), s))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_tells_pages_apart() {
        assert_eq!(fingerprint(&[1, 2]), fingerprint(&vec![1, 2]));
        assert_ne!(fingerprint(&[1, 2]), fingerprint(&[2, 1]));
    }
}
