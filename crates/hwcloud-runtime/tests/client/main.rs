//! The client against real HTTP servers on 127.0.0.1: errors, authentication, retries, endpoints, redaction,
//! HTTP settings and failover.

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod bodies;
mod endpoints;
mod errors;
mod inputs;
mod lost_answers;
mod redaction;
mod redirects;
mod retries;
mod transport;
