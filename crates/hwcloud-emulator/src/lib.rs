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
pub use faults::FaultConfig;
pub use fixture::FixtureError;
pub use inspect::{ResourceData, DATA_PATH};
pub use metadata::MetadataTokens;
pub use server::Emulator;
