//! A local stand-in for the Huawei Cloud backup APIs (GES, GeminiDB, TaurusDB, the IAM token and project
//! endpoints, and optionally the ECS metadata service's credential endpoints), for tests, demos and benchmarks, in
//! the spirit of LocalStack or moto.
//!
//! Every service listens on its own address, as in the cloud, and speaks the documented wire format through the
//! generated `hwcloud` models: request bodies are parsed into the generated `XRequestBody` types and every input
//! is checked with the generated `validate()`, so the emulator refuses exactly what the client refuses.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = hwcloud_emulator::Emulator::builder().start().await?;
//! let client = hwcloud::Client::new(emulator.runtime_client_builder().build()?);
//! let backups = client.ges().list_graph_backups().graph_id(emulator.graph_id()).send().await?;
//! println!("{:?}", backups.backup_list);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod auth;
mod clock;
mod config;
mod errors;
mod faults;
mod geminidb;
mod ges;
mod iam;
mod ids;
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
pub use faults::FaultConfig;
pub use metadata::MetadataTokens;
pub use server::Emulator;
