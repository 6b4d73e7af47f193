//! The cached IAM token of a password login: fetched on first use, renewed shortly before it expires and when a
//! call is refused with 401. Concurrent calls share one fetch, because the cache lock is held while fetching.

use super::iam::{parse_token_response, token_request};
use super::{Password, TokenScope};
use crate::client::Client;
use crate::error::Error;
use crate::secret::Secret;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::Mutex;

/// Renew this long before `expires_at` (or at half the token's lifetime, when that is shorter).
const RENEW_MARGIN: Duration = Duration::from_secs(5 * 60);
/// Assumed lifetime when IAM does not say (tokens are documented to last 24 hours).
const FALLBACK_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// Never trust a token longer than its documented lifetime.
const MAX_CACHE: Duration = Duration::from_secs(24 * 60 * 60);

pub(crate) struct TokenSource {
    login: Password,
    scope: TokenScope,
    cache: Mutex<Option<Cached>>,
    /// The last tokens issued (the one in use and the ones it replaced), for masking them when a server echoes
    /// one; a plain lock, because errors are built outside async code.
    recent: std::sync::Mutex<Vec<Secret>>,
    /// How many tokens were issued, so that masking knows when to learn a new one.
    issued: std::sync::atomic::AtomicU64,
}

/// How many issued tokens are remembered for masking: a renewed token's predecessor may still be echoed by an
/// answer to a call that used it.
const RECENT_TOKENS: usize = 4;

struct Cached {
    token: Secret,
    renew_at: Instant,
}

impl TokenSource {
    pub(crate) fn new(login: Password, scope: TokenScope) -> Self {
        TokenSource {
            login,
            scope,
            cache: Mutex::new(None),
            recent: std::sync::Mutex::default(),
            issued: Default::default(),
        }
    }

    pub(crate) fn scope(&self) -> &TokenScope {
        &self.scope
    }

    pub(crate) fn login(&self) -> &Password {
        &self.login
    }

    /// How many tokens were issued so far.
    pub(crate) fn issued(&self) -> u64 {
        self.issued.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The secrets this source holds: the password and the tokens issued lately.
    pub(crate) fn secrets(&self, into: &mut Vec<Secret>) {
        into.push(self.login.password.clone());
        into.extend(self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned());
    }

    /// A token that is not about to expire, fetching one if needed.
    pub(crate) async fn token(&self, client: &Client) -> Result<Secret, Error> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref().filter(|c| Instant::now() < c.renew_at) {
            return Ok(cached.token.clone());
        }
        // Boxed: the fetch is rare, and inline it would enlarge every call's future (see `Client::call`).
        let fresh = Box::pin(self.fetch(client)).await?;
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    /// A token other than `rejected` (which a server just refused with 401): if another call has already renewed
    /// it, that token is reused; otherwise a new one is fetched.
    pub(crate) async fn renew(&self, client: &Client, rejected: &Secret) -> Result<Secret, Error> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref().filter(|c| c.token != *rejected && Instant::now() < c.renew_at) {
            return Ok(cached.token.clone());
        }
        *cache = None;
        let fresh = Box::pin(self.fetch(client)).await?;
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    async fn fetch(&self, client: &Client) -> Result<Cached, Error> {
        let request = token_request(&self.login, &self.scope);
        let raw = client.send_unauthenticated(request).await?;
        let issued = parse_token_response(&raw, &client.redactor())?;
        {
            let mut recent = self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if recent.len() == RECENT_TOKENS {
                recent.remove(0);
            }
            recent.push(issued.token.clone());
        }
        self.issued.fetch_add(1, std::sync::atomic::Ordering::Release);
        let lifetime = match issued.expires_at {
            Some(at) => Duration::try_from(at - OffsetDateTime::now_utc()).unwrap_or(Duration::ZERO),
            None => FALLBACK_LIFETIME,
        };
        // Capped so that an absurd `expires_at` cannot overflow the clock.
        let renew_in = lifetime.saturating_sub(RENEW_MARGIN.min(lifetime / 2)).min(MAX_CACHE);
        tracing::debug!(renew_in_s = renew_in.as_secs(), "obtained an IAM token");
        Ok(Cached { token: issued.token, renew_at: Instant::now() + renew_in })
    }
}
