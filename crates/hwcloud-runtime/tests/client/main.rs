//! The client against real HTTP servers on 127.0.0.1: errors, authentication, retries, endpoints, redaction,
//! HTTP settings and failover.

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod endpoints;
mod errors;
mod redaction;
mod retries;
mod transport;
