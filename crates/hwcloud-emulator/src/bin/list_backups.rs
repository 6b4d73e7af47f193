//! `hwcloud-list-backups GRAPH_ID`: lists a graph's GES backups with a client configured only by
//! `hwcloud::Client::from_env()`, the way the official SDKs configure themselves (environment variables,
//! `~/.huaweicloud/credentials`, `~/.huaweicloud/regions.yaml`, the ECS metadata service). A quick check that a
//! machine's setup works; the emulator's `sdk_config` tests run it in clean environments.
//!
//! Prints `backups N`, one `backup ID` line per backup and `project P` (the project id used); on failure the
//! error on stderr and exit status 1.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(graph) = std::env::args().nth(1) else {
        eprintln!("usage: hwcloud-list-backups GRAPH_ID   (configured like the official SDKs, see the README)");
        return ExitCode::from(2);
    };
    let client = match hwcloud::Client::from_env() {
        Ok(client) => client,
        Err(error) => return fail(&error),
    };
    let page = match client.ges().list_graph_backups().graph_id(graph).send().await {
        Ok(page) => page,
        Err(error) => return fail(&error),
    };
    println!("backups {}", page.backup_count.unwrap_or(0));
    for backup in page.backup_list.iter().flatten() {
        println!("backup {}", backup.id.as_deref().unwrap_or("?"));
    }
    println!("project {}", client.runtime().project_id().unwrap_or("?"));
    ExitCode::SUCCESS
}

fn fail(error: &hwcloud::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}
