//! Runtime for the generated `hwcloud` client: it decides *how* a request is sent (transport, auth, signing,
//! retries, error decoding), while the generated crate describes *what* is sent.
//!
//! Generated code talks to this crate through [`OperationInput`] and [`Client::execute`], [`OperationSpec`],
//! [`Request`], [`validate::Violations`], [`pager`] and [`waiter`]. Users configure a [`Client`] with
//! [`ClientBuilder`] and [`Credentials`].
//!
//! ```no_run
//! use hwcloud_runtime::{Client, Credentials};
//! # fn main() -> Result<(), hwcloud_runtime::Error> {
//! // AK/SK signing; or Credentials::token(..), Credentials::password(domain, user, password).
//! let client = Client::builder()
//!     .credentials(Credentials::ak_sk("AK", "SK"))
//!     .region("cn-north-4")
//!     .project_id("0123456789abcdef0123456789abcdef")
//!     // Any service can be pointed elsewhere, e.g. at a local emulator:
//!     .endpoint("ges", "http://127.0.0.1:8080")
//!     .build()?;
//! // Or: Client::from_env() with HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN / _PROJECT_ID / _REGION.
//! # let _ = client;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod auth;
mod call;
mod client;
pub mod config;
mod decode;
mod endpoint;
pub mod error;
mod error_body;
mod execute;
pub mod operation;
pub mod pager;
pub mod path;
mod retry;
mod secret;
pub mod sign;
mod transport;
pub mod validate;
pub mod waiter;

pub use auth::{Credentials, TokenScope};
pub use client::{Client, ClientBuilder, FromRuntime, Timeouts, USER_AGENT};
pub use config::env;
pub use decode::decode;
pub use error::{Error, ServiceError, TimeoutKind, Violation};
pub use execute::OperationInput;
pub use operation::{Method, OperationSpec, RawResponse, Request, ResponseMeta, ServiceSpec};
pub use retry::RetryConfig;
pub use secret::Secret;
pub use transport::Proxy;
