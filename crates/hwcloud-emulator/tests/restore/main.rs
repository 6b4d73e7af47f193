//! Restores and automated backup policies end to end over HTTP, through the generated client: on each service a
//! backup, a change of the data, a restore and the data back; restores refused as documented; the policies stored,
//! validated and returned; nested and conditional rules checked on both sides; the official Python SDK's request
//! shapes accepted; lenient fields and other success statuses read from a small test server.

#[path = "../common/mod.rs"]
mod common;

mod geminidb;
mod ges;
mod rules;
mod taurusdb;

use std::collections::BTreeMap;
use std::time::Duration;

use hwcloud_emulator::Emulator;

/// An emulator whose jobs take 150 ms, and which accepts the common test token.
pub async fn emulator() -> Emulator {
    Emulator::builder().job_duration(Duration::from_millis(150)).token(common::TOKEN).start().await.expect("starts")
}

/// One table of rows.
pub fn table(name: &str, rows: &[&str]) -> BTreeMap<String, Vec<String>> {
    BTreeMap::from([(name.to_owned(), rows.iter().map(|r| (*r).to_owned()).collect())])
}

/// The rows of one table of a graph or instance, and its version, read over the emulator-only call.
pub async fn rows(emu: &Emulator, service: &str, id: &str, name: &str) -> (u64, Vec<String>) {
    let data = emu.data(service, id).await.expect("the emulator answers");
    (data.data.version, data.data.rows(name).to_vec())
}
