//! Runtime for the generated `hwcloud` client: it decides *how* a request is sent (transport, auth, signing,
//! retries, error decoding), while the generated crate describes *what* is sent.
//!
//! Generated code talks to this crate through [`OperationSpec`], [`Request`], [`Client::send`],
//! [`RawResponse`] and [`validate::Violations`].

pub mod error;
pub mod operation;
pub mod path;
pub mod validate;

pub use error::{Error, Violation};
pub use operation::{Method, OperationSpec, RawResponse, Request, ResponseMeta, ServiceSpec};
