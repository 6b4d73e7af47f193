//! A local stand-in for the Huawei Cloud backup APIs (GES, GeminiDB, TaurusDB, the IAM token and project
//! endpoints, and optionally the ECS metadata service's credential endpoints), for tests, demos and benchmarks, in
//! the spirit of LocalStack or moto.
//!
//! Every service listens on its own address, as in the cloud, and speaks the documented wire format through the
//! generated `hwcloud` models: request bodies are parsed into the generated `XRequestBody` types and every input
//! is checked with the generated `validate()`, so the emulator refuses exactly what the client refuses.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = hwcloud_emulator::Emulator::builder().start().await?;
//! let client = emulator.client()?; // endpoints, region, project and credentials of this emulator
//! let backups = client.ges().list_graph_backups().graph_id(emulator.graph_id()).send().await?;
//! assert!(backups.backup_list().is_empty());
//! # Ok(()) }
//! ```
//!
//! Graphs and instances hold data, so that restores can be seen to work: a version counter and a few tables of rows
//! (seeded with version 1 and one small table), written and read with the emulator-only calls `PUT` and `GET
//! /__emulator/data/{resource_id}` on each service ([`Emulator::write_data`], [`Emulator::data`]). A backup records
//! the data when it starts; a restore (a GES graph started from a backup, a TaurusDB restore in place or table by
//! table, a new instance created from a backup or a point in time) sets it when its job succeeds, version included.
//! Points in time are restorable from the start of the oldest successful backup until now (TaurusDB), or at the
//! start of each successful backup (GeminiDB, whose documented periods are points).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use std::collections::BTreeMap;
//! let emulator = hwcloud_emulator::Emulator::builder().start().await?;
//! let instance = emulator.taurusdb_instance_id();
//! let orders = BTreeMap::from([("shop.orders".to_owned(), vec!["order 1".to_owned()])]);
//! let written = emulator.write_data("taurusdb", instance, orders).await?;
//! assert_eq!(written.data.version, 2);
//! assert_eq!(emulator.data("taurusdb", instance).await?.data.rows("shop.orders"), ["order 1"]);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod auth;
mod clock;
mod config;
mod contents;
mod errors;
mod faults;
mod fixture;
mod geminidb;
mod ges;
mod iam;
mod ids;
mod inspect;
mod jobs;
mod metadata;
mod metrics;
mod router;
mod server;
mod state;
mod taurusdb;
mod wire;

pub use config::{
    EmulatorBuilder, StartError, DEFAULT_AK, DEFAULT_GEMINIDB_INSTANCE_ID, DEFAULT_GRAPH_ID, DEFAULT_IAM_USER,
    DEFAULT_JOB_DURATION, DEFAULT_METADATA_CREDENTIAL_TTL, DEFAULT_PROJECT_ID, DEFAULT_REGION, DEFAULT_SK,
    DEFAULT_TAURUSDB_INSTANCE_ID,
};
pub use contents::Dataset;
pub use faults::{FaultConfig, FaultCounts};
pub use fixture::FixtureError;
pub use inspect::{ResourceData, DATA_PATH};
pub use metadata::MetadataTokens;
pub use server::Emulator;
