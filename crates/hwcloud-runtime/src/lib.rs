//! Runtime for the generated `hwcloud` client: it decides *how* a request is sent (transport, auth, signing,
//! retries, error decoding), while the generated crate describes *what* is sent.
//!
//! Generated code talks to this crate through [`OperationInput`] and [`Client::execute`], [`OperationSpec`],
//! [`ServiceSpec`], [`Request`], [`validate::Violations`], [`pager`] and [`waiter`]. Users configure a client
//! with [`ClientBuilder`] (which `hwcloud::Client::builder()` returns) and [`Credentials`].
//!
//! ```no_run
//! use hwcloud_runtime::{Client, Credentials};
//! # fn main() -> Result<(), hwcloud_runtime::Error> {
//! // AK/SK signing; or Credentials::token(..), Credentials::password(domain, user, password).
//! let client = Client::builder()
//!     .credentials(Credentials::ak_sk("AK", "SK"))
//!     .region("cn-north-4")
//!     .project_id("0123456789abcdef0123456789abcdef")
//!     .build()?;
//! // Or, configured like the official SDKs: Client::from_env().
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! # Configuring like the official SDKs
//!
//! A client reads the environment variables and files of the official Huawei Cloud SDKs (Python, Go, Java), so
//! an existing setup works unchanged. In each lookup the first match wins.
//!
//! - **Credentials**, when code gives none: (1) `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (with
//!   `HUAWEICLOUD_SDK_SECURITY_TOKEN` for a temporary key, and `HUAWEICLOUD_SDK_PROJECT_ID`); (2) the profile
//!   file named by `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`: INI section `[basic]`
//!   with `ak`, `sk` and optionally `project_id`, `security_token`, `iam_endpoint` (a misspelt key or an unreadable
//!   file is an error naming the file and line); (3) the ECS metadata service, for code on a cloud server with an
//!   agency: a temporary key fetched on the first call and again before its `expires_at`, from
//!   `http://169.254.169.254`, or the URL in `HWCLOUD_METADATA_ENDPOINT` (ours) or `.endpoint("metadata", url)`.
//!   Not supported yet: OIDC federation (`HUAWEICLOUD_OIDC_*`) and federated id tokens
//!   (`HUAWEICLOUD_SDK_IDP_ID`, `idp_id`), which are errors rather than skipped, and container pod identity.
//! - **Region**: [`ClientBuilder::region`], else `HUAWEICLOUD_SDK_REGION` ([`ClientBuilder::from_env`] only).
//! - **Endpoint** of a service (official names `GES`, `GAUSSDBFORNOSQL`, `GAUSSDB`): (1)
//!   [`ClientBuilder::endpoint`]; (2) `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION}`, e.g.
//!   `HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4`; (3) the regions file named by `HUAWEICLOUD_SDK_REGIONS_FILE`, else
//!   `~/.huaweicloud/regions.yaml`, shaped `GES: [{id: cn-north-4, endpoint: URL}]` (or `endpoints: [URL, ...]`);
//!   (4) the service's region table (every region the official SDKs list); else a configuration error listing the
//!   known regions. A URL without a scheme gets `https://`. Variables and files may list several endpoints: a call
//!   moves to the next one when the host cannot be resolved or the TLS handshake fails, and only then; later calls
//!   start there.
//! - **IAM endpoint** (project-id lookups, password logins): `.endpoint("iam", url)`, `iam_endpoint` of the
//!   profile, `HUAWEICLOUD_SDK_IAM_ENDPOINT`, the IAM table for the region, `https://iam.myhuaweicloud.com`.
//! - **Project id**: [`ClientBuilder::project_id`], `HUAWEICLOUD_SDK_PROJECT_ID` or the profile's `project_id`;
//!   else, with AK/SK and a region, IAM is asked once (`GET /v3/projects?name={region}`) and exactly one project
//!   must come back (see [`Client::resolve_project_id`]).
//! - **HTTP**: [`ClientBuilder::proxy`] (with credentials), [`ClientBuilder::ca_bundle`],
//!   [`ClientBuilder::client_certificate`], [`ClientBuilder::danger_skip_tls_verification`] (logged as a
//!   warning), [`ClientBuilder::user_agent_suffix`], the timeouts; `Retry-After` as seconds or an HTTP date.
//!
//! [`ClientBuilder::env_lookup`] replaces the process environment (`|_| None` reads no variable and no file).
//!
//! # Broken and hostile servers
//!
//! - Redirects are never followed (these APIs never redirect): a 3xx is an [`Error::Service`] naming the
//!   `Location`; on a create its outcome is unknown. A client given with [`ClientBuilder::http_client`] must be
//!   built with `redirect(reqwest::redirect::Policy::none())` (see there).
//! - Success bodies are read up to [`ClientBuilder::max_response_bytes`] (8 MiB by default), error bodies up to
//!   64 KiB, chunk by chunk; beyond, [`Error::ResponseTooLarge`]. Any 2xx is a success.
//! - A non-idempotent call is sent again only when nothing reached the server (the connection could not be
//!   made); an idempotent `DELETE` whose retry finds the resource gone after an attempt that may have been
//!   carried out succeeds.
//! - Every secret the client holds (token, password, SK, security token, IAM-issued tokens, keys from the
//!   metadata service, the proxy password) is masked as `***` in errors and logs when a server echoes it.
//! - URLs over [`MAX_URL_BYTES`] are refused before sending, naming the parameter; errors quote bounded parts of
//!   URLs and bodies; [`Error::Decode`] carries the content type and the start of the body.

#![warn(missing_docs)]

mod auth;
mod body;
mod call;
mod client;
pub mod config;
mod decode;
mod endpoint;
pub mod error;
mod error_body;
mod execute;
pub mod lenient;
pub mod operation;
pub mod pager;
pub mod path;
mod redact;
mod retry;
mod secret;
pub mod sign;
pub mod timestamp;
mod transport;
pub mod validate;
pub mod waiter;

pub use auth::{Credentials, TokenScope};
pub use call::{CallOptions, SignedRequest, MAX_URL_BYTES};
pub use client::{Client, ClientBuilder, FromRuntime, Timeouts, USER_AGENT};
pub use config::env;
pub use decode::decode;
pub use error::{Cause, Error, ServiceError, Started, TimeoutKind, Violation};
pub use execute::OperationInput;
pub use operation::{ErrorCode, Method, OperationSpec, RawResponse, Request, ResponseMeta, ServiceSpec};
pub use retry::RetryConfig;
pub use secret::Secret;
pub use time;
pub use transport::Proxy;
