//! `hwcloud-emulator`: runs the emulated GES, GeminiDB, TaurusDB and IAM endpoints until killed.
//!
//! It prints one line per service, `<service> <base URL>` (ges, geminidb, taurusdb, iam, then metadata when
//! served), then serves; logs go to stderr (`RUST_LOG=hwcloud_emulator=debug` shows every request).
//! `GET /__emulator/metrics` on any service listener answers the request and fault counters as JSON.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use hwcloud_emulator::{Emulator, FaultConfig, MetadataTokens};

/// A local stand-in for the Huawei Cloud backup APIs.
#[derive(Debug, Parser)]
#[command(name = "hwcloud-emulator", version)]
struct Args {
    /// GES listen address (default 127.0.0.1 with a free port).
    #[arg(long, value_name = "ADDR")]
    ges_addr: Option<SocketAddr>,
    /// GeminiDB listen address.
    #[arg(long, value_name = "ADDR")]
    geminidb_addr: Option<SocketAddr>,
    /// TaurusDB listen address.
    #[arg(long, value_name = "ADDR")]
    taurusdb_addr: Option<SocketAddr>,
    /// IAM listen address.
    #[arg(long, value_name = "ADDR")]
    iam_addr: Option<SocketAddr>,
    /// Also serve the ECS metadata service's credential endpoints (on a free port unless --metadata-addr).
    #[arg(long)]
    metadata: bool,
    /// Metadata service listen address (implies --metadata).
    #[arg(long, value_name = "ADDR")]
    metadata_addr: Option<SocketAddr>,
    /// Metadata session tokens: optional (issued, not required), required, or unsupported (the token endpoint
    /// answers 404).
    #[arg(long, value_name = "MODE", default_value = "optional", value_parser = ["optional", "required", "unsupported"])]
    metadata_tokens: String,
    /// How long the metadata service's temporary keys stay valid, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 3_600_000)]
    metadata_credential_ttl_ms: u64,
    /// An extra project IAM lists, as NAME=ID (repeatable; the served project is named like the region).
    #[arg(long = "iam-project", value_name = "NAME=ID")]
    iam_projects: Vec<String>,
    /// Access key accepted for SDK-HMAC-SHA256 signatures (with --sk).
    #[arg(long, requires = "sk")]
    ak: Option<String>,
    /// Secret key of --ak.
    #[arg(long, requires = "ak")]
    sk: Option<String>,
    /// A static X-Auth-Token value to accept (repeatable).
    #[arg(long = "token", value_name = "T")]
    tokens: Vec<String>,
    /// IAM user allowed to obtain tokens by password, as DOMAIN/USER/PASSWORD (repeatable).
    #[arg(long = "iam-user", value_name = "DOMAIN/USER/PASSWORD")]
    iam_users: Vec<String>,
    /// The project id (32 letters and digits).
    #[arg(long)]
    project_id: Option<String>,
    /// Seeded graph id (repeatable).
    #[arg(long = "graph", value_name = "ID")]
    graphs: Vec<String>,
    /// Seeded GeminiDB instance id (repeatable).
    #[arg(long = "geminidb-instance", value_name = "ID")]
    geminidb_instances: Vec<String>,
    /// Seeded TaurusDB instance id (repeatable; 36 letters and digits ending in in07).
    #[arg(long = "taurusdb-instance", value_name = "ID")]
    taurusdb_instances: Vec<String>,
    /// How long each job takes, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 3000)]
    job_duration_ms: u64,
    /// Share of service requests answered 503, from 0.0 to 1.0.
    #[arg(long, value_name = "R", default_value_t = 0.0)]
    fault_rate: f64,
    /// Share of service requests whose connection is dropped, from 0.0 to 1.0.
    #[arg(long, value_name = "R", default_value_t = 0.0)]
    drop_rate: f64,
    /// Share of service requests processed and then answered 503, from 0.0 to 1.0.
    #[arg(long, value_name = "R", default_value_t = 0.0)]
    fault_after_rate: f64,
    /// Share of service requests processed whose answer is then lost (connection closed), from 0.0 to 1.0.
    #[arg(long, value_name = "R", default_value_t = 0.0)]
    drop_after_rate: f64,
    /// Seed of the fault decisions (the same seed and request sequence give the same faults).
    #[arg(long, value_name = "N")]
    fault_seed: Option<u64>,
    /// Latency added to every service request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let emulator = match builder(args) {
        Ok(builder) => match builder.start().await {
            Ok(emulator) => emulator,
            Err(err) => return fail(&err.to_string()),
        },
        Err(message) => return fail(&message),
    };
    let mut stdout = std::io::stdout().lock();
    for (service, url) in emulator.urls() {
        if writeln!(stdout, "{service} {url}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    if stdout.flush().is_err() {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    tracing::info!(project_id = %emulator.project_id(), graph = emulator.graph_id(), "serving until killed");
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    eprintln!("hwcloud-emulator: {message}");
    ExitCode::FAILURE
}

fn builder(args: Args) -> Result<hwcloud_emulator::EmulatorBuilder, String> {
    let mut b = Emulator::builder().job_duration(Duration::from_millis(args.job_duration_ms)).faults(FaultConfig {
        error_rate: args.fault_rate,
        drop_rate: args.drop_rate,
        error_after_rate: args.fault_after_rate,
        drop_after_rate: args.drop_after_rate,
        latency: Duration::from_millis(args.latency_ms),
    });
    if let Some(seed) = args.fault_seed {
        b = b.fault_seed(seed);
    }
    if let Some(addr) = args.ges_addr {
        b = b.ges_addr(addr);
    }
    if let Some(addr) = args.geminidb_addr {
        b = b.geminidb_addr(addr);
    }
    if let Some(addr) = args.taurusdb_addr {
        b = b.taurusdb_addr(addr);
    }
    if let Some(addr) = args.iam_addr {
        b = b.iam_addr(addr);
    }
    if args.metadata {
        b = b.metadata_service();
    }
    if let Some(addr) = args.metadata_addr {
        b = b.metadata_addr(addr);
    }
    b = b.metadata_credential_ttl(Duration::from_millis(args.metadata_credential_ttl_ms)).metadata_tokens(
        match args.metadata_tokens.as_str() {
            "required" => MetadataTokens::Required,
            "unsupported" => MetadataTokens::Unsupported,
            _ => MetadataTokens::Optional,
        },
    );
    for project in args.iam_projects {
        match project.split_once('=') {
            Some((name, id)) if !name.is_empty() && !id.is_empty() => b = b.iam_project(name, id),
            _ => return Err("--iam-project must be NAME=ID".into()),
        }
    }
    if let (Some(ak), Some(sk)) = (args.ak, args.sk) {
        b = b.ak_sk(ak, sk);
    }
    for token in args.tokens {
        b = b.token(token);
    }
    for user in args.iam_users {
        let mut parts = user.splitn(3, '/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(domain), Some(name), Some(password)) if !domain.is_empty() && !name.is_empty() => {
                b = b.iam_user(domain, name, password);
            }
            _ => return Err("--iam-user must be DOMAIN/USER/PASSWORD".into()),
        }
    }
    if let Some(project_id) = args.project_id {
        b = b.project_id(project_id);
    }
    for id in args.graphs {
        b = b.graph(id);
    }
    for id in args.geminidb_instances {
        b = b.geminidb_instance(id);
    }
    for id in args.taurusdb_instances {
        b = b.taurusdb_instance(id);
    }
    Ok(b)
}
