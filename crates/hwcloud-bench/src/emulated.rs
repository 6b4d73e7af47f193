//! The emulator as a second server for the peer comparison: started in this process on its own thread and
//! current-thread runtime (like the lean server), so that it competes with the clients for the cores but not for
//! their runtime.

use hwcloud::runtime::Credentials;

/// A running emulator (its graph with one finished backup) and a generated client aimed at its GES endpoint with
/// AK/SK.
pub struct Emulated {
    /// The GES base URL.
    pub ges: String,
    pub project: String,
    pub graph: String,
    pub client: hwcloud::Client,
}

/// Starts the emulator with its defaults; it serves until the process ends.
pub fn start() -> Emulated {
    let (ges, project, graph) = crate::server::serve_on_own_thread("bench-emulator", |ready| async move {
        let emulator = hwcloud_emulator::Emulator::builder().start().await.expect("the emulator starts");
        // One finished backup, so that the emulator's listing has the lean server's one item.
        let operation = &hwcloud::ges::list_graph_backups::OPERATION;
        emulator.fixture(operation, "backup_id").await.expect("the emulator makes a backup");
        ready.send((emulator.ges_url(), emulator.project_id(), emulator.graph_id().to_owned())).expect("main waits");
        // Kept alive (and serving) until the process exits.
        std::future::pending::<()>().await;
        drop(emulator);
    });
    let client = hwcloud::Client::builder()
        .credentials(Credentials::ak_sk(hwcloud_emulator::DEFAULT_AK, hwcloud_emulator::DEFAULT_SK))
        .project_id(&project)
        .endpoint("ges", &ges)
        .build()
        .expect("client aimed at the emulator");
    Emulated { ges, project, graph, client }
}
