//! Configuring like the official SDKs, end to end: a program that only calls `hwcloud::Client::from_env()` (the
//! `hwcloud-list-backups` binary) lists GES backups on an emulator on 127.0.0.1, run as a child process with a
//! clean, explicit environment and a temporary HOME, in each setup the official SDKs read; plus the errors a
//! broken setup gives. In-process tests below cover what needs timing or concurrency (IAM lookup sharing,
//! metadata key refresh).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hwcloud_emulator::{Emulator, MetadataTokens, DEFAULT_AK, DEFAULT_GRAPH_ID, DEFAULT_PROJECT_ID, DEFAULT_SK};
use tokio::process::Command;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("hwcloud-sdk-config-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn write(&self, relative: &str, text: &str) -> String {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }

    fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the program printed and how it ended.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs `hwcloud-list-backups` with only `HOME` and `vars` set. Unless a test names one, the metadata service is
/// a closed port on 127.0.0.1, so that nothing ever reaches for 169.254.169.254.
async fn list_backups(home: &TempDir, vars: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hwcloud-list-backups"));
    command.arg(DEFAULT_GRAPH_ID).env_clear().env("HOME", home.path()).kill_on_drop(true);
    if !vars.iter().any(|(name, _)| *name == "HWCLOUD_METADATA_ENDPOINT") {
        command.env("HWCLOUD_METADATA_ENDPOINT", closed_port());
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the program ends in time")
        .expect("the program runs");
    Run {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

/// An emulator (serving the metadata endpoints too) with one backup of the default graph, and its backup id.
async fn emulator_with_a_backup(builder: hwcloud_emulator::EmulatorBuilder) -> (Emulator, String) {
    let emulator = builder.metadata_service().start().await.expect("emulator starts");
    let client = emulator.client().expect("client");
    let created = client.ges().create_backup().graph_id(DEFAULT_GRAPH_ID).send().await.expect("backup created");
    let id = created.backup_id.clone().expect("backup id");
    emulator.reset_counters();
    (emulator, id)
}

#[track_caller]
fn assert_lists(run: &Run, backup_id: &str) {
    assert!(run.ok, "the program failed: {}", run.stderr);
    assert!(run.stdout.contains("backups 1"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("backup {backup_id}")), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("project {DEFAULT_PROJECT_ID}")), "{}", run.stdout);
}

#[track_caller]
fn assert_fails(run: &Run, parts: &[&str]) {
    assert!(!run.ok, "the program should fail: {}", run.stdout);
    for part in parts {
        assert!(run.stderr.contains(part), "expected {part:?} in: {}", run.stderr);
    }
}

fn ges_variable(emulator: &Emulator) -> (&'static str, String) {
    ("HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4", emulator.ges_url())
}

#[tokio::test]
async fn env_ak_sk_and_the_ges_region_variable_with_the_project_id_looked_up_in_iam() {
    let (emulator, backup) = emulator_with_a_backup(Emulator::builder()).await;
    let home = TempDir::new("env");
    let (ges_var, ges) = ges_variable(&emulator);
    let run = list_backups(
        &home,
        &[
            ("HUAWEICLOUD_SDK_AK", DEFAULT_AK),
            ("HUAWEICLOUD_SDK_SK", DEFAULT_SK),
            ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
            (ges_var, &ges),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &emulator.iam_url()),
        ],
    )
    .await;
    assert_lists(&run, &backup);
    assert_eq!(emulator.request_count("iam", "keystone_list_projects"), 1);
}

#[tokio::test]
async fn the_profile_file_named_by_its_variable() {
    let (emulator, backup) = emulator_with_a_backup(Emulator::builder()).await;
    let home = TempDir::new("profile-var");
    let elsewhere = TempDir::new("profile-file");
    let profile = elsewhere.write(
        "my-credentials.ini",
        &format!("[basic]\nak = {DEFAULT_AK}\nsk = {DEFAULT_SK}\niam_endpoint = {}\n", emulator.iam_url()),
    );
    let (ges_var, ges) = ges_variable(&emulator);
    let run = list_backups(
        &home,
        &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &profile), ("HUAWEICLOUD_SDK_REGION", "cn-north-4"), (ges_var, &ges)],
    )
    .await;
    assert_lists(&run, &backup);
    assert_eq!(emulator.request_count("iam", "keystone_list_projects"), 1, "iam_endpoint of the profile");
}

#[tokio::test]
async fn credentials_and_regions_yaml_under_the_home_directory() {
    let (emulator, backup) = emulator_with_a_backup(Emulator::builder()).await;
    let home = TempDir::new("home");
    home.write(
        ".huaweicloud/credentials",
        &format!("[basic]\nak = {DEFAULT_AK}\nsk = {DEFAULT_SK}\nproject_id = {DEFAULT_PROJECT_ID}\n"),
    );
    home.write(
        ".huaweicloud/regions.yaml",
        &format!("GES:\n  - id: cn-north-4\n    endpoint: {}\n", emulator.ges_url()),
    );
    let run = list_backups(&home, &[("HUAWEICLOUD_SDK_REGION", "cn-north-4")]).await;
    assert_lists(&run, &backup);
    assert_eq!(emulator.request_count("iam", "keystone_list_projects"), 0, "the profile names the project");
}

#[tokio::test]
async fn the_regions_file_named_by_its_variable() {
    let (emulator, backup) = emulator_with_a_backup(Emulator::builder()).await;
    let home = TempDir::new("regions-var");
    home.write(".huaweicloud/regions.yaml", "GES:\n  - id: cn-north-4\n    endpoint: http://127.0.0.1:1\n");
    let elsewhere = TempDir::new("regions-file");
    let regions = elsewhere
        .write("regions.yaml", &format!("GES:\n  - id: cn-north-4\n    endpoints:\n      - {}\n", emulator.ges_url()));
    let run = list_backups(
        &home,
        &[
            ("HUAWEICLOUD_SDK_AK", DEFAULT_AK),
            ("HUAWEICLOUD_SDK_SK", DEFAULT_SK),
            ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
            ("HUAWEICLOUD_SDK_REGIONS_FILE", &regions),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &emulator.iam_url()),
        ],
    )
    .await;
    assert_lists(&run, &backup);
}

#[tokio::test]
async fn temporary_keys_from_the_ecs_metadata_service() {
    let builder = Emulator::builder().metadata_tokens(MetadataTokens::Required);
    let (emulator, backup) = emulator_with_a_backup(builder).await;
    let home = TempDir::new("metadata");
    let (ges_var, ges) = ges_variable(&emulator);
    let metadata = emulator.metadata_url().expect("metadata served");
    let run = list_backups(
        &home,
        &[
            ("HWCLOUD_METADATA_ENDPOINT", &metadata),
            ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
            (ges_var, &ges),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &emulator.iam_url()),
        ],
    )
    .await;
    assert_lists(&run, &backup);
    assert_eq!(emulator.request_count("metadata", "create_session_token"), 1);
    assert_eq!(emulator.request_count("metadata", "show_security_key"), 1, "one key for the lookup and the call");
}

#[tokio::test]
async fn a_wrong_secret_key_gets_the_emulators_401() {
    let (emulator, _) = emulator_with_a_backup(Emulator::builder()).await;
    let home = TempDir::new("wrong-sk");
    let (ges_var, ges) = ges_variable(&emulator);
    let wrong = [
        ("HUAWEICLOUD_SDK_AK", DEFAULT_AK),
        ("HUAWEICLOUD_SDK_SK", "not-the-secret-key"),
        ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
        (ges_var, &ges),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &emulator.iam_url()),
    ];
    let with_project = [wrong.as_slice(), &[("HUAWEICLOUD_SDK_PROJECT_ID", DEFAULT_PROJECT_ID)]].concat();
    let run = list_backups(&home, &with_project).await;
    assert_fails(&run, &["list_graph_backups failed with HTTP 401", "APIGW.0301", "verify aksk signature fail"]);
    assert!(!run.stderr.contains("not-the-secret-key"), "{}", run.stderr);
    let run = list_backups(&home, &wrong).await;
    assert_fails(&run, &["keystone_list_projects failed with HTTP 401", "Incorrect IAM authentication information"]);
}

#[tokio::test]
async fn setup_mistakes_are_named() {
    let builder = Emulator::builder().iam_project("cn-south-1", "11111111111111111111111111111111");
    let builder = builder.iam_project("cn-south-1", "22222222222222222222222222222222");
    let (emulator, _) = emulator_with_a_backup(builder).await;
    let (iam, ges) = (emulator.iam_url(), emulator.ges_url());
    let keys = [("HUAWEICLOUD_SDK_AK", DEFAULT_AK), ("HUAWEICLOUD_SDK_SK", DEFAULT_SK)];
    let home = TempDir::new("mistakes");

    let unknown_region =
        [keys.as_slice(), &[("HUAWEICLOUD_SDK_REGION", "xx-moon-1"), ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam)]].concat();
    let run = list_backups(&home, &unknown_region).await;
    assert_fails(&run, &["no known endpoint for region `xx-moon-1`", "cn-north-4, cn-south-1, eu-west-101"]);
    assert_fails(&run, &["HUAWEICLOUD_SDK_REGION_GES_XX_MOON_1"]);
    assert_eq!(emulator.request_count("iam", "keystone_list_projects"), 0, "nothing is sent for an unknown region");

    let profile = home.write(".huaweicloud/credentials", "[basic]\nak = A\nsk = S\nprojectid = p\n");
    let run = list_backups(&home, &[("HUAWEICLOUD_SDK_REGION", "cn-north-4")]).await;
    assert_fails(&run, &[&format!("{profile}:4"), "unknown key `projectid`"]);
    std::fs::remove_file(&profile).expect("remove");

    let directory = home.write("not-a-file/.keep", "");
    let directory = Path::new(&directory).parent().expect("dir").display().to_string();
    let run = list_backups(&home, &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &directory)]).await;
    assert_fails(&run, &[&format!("cannot read the profile file {directory}"), "HUAWEICLOUD_SDK_CREDENTIALS_FILE"]);

    let no_project = [
        keys.as_slice(),
        &[
            ("HUAWEICLOUD_SDK_REGION", "ap-southeast-1"),
            ("HUAWEICLOUD_SDK_REGION_GES_AP_SOUTHEAST_1", &ges),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam),
        ],
    ]
    .concat();
    let run = list_backups(&home, &no_project).await;
    assert_fails(&run, &["lists no project named `ap-southeast-1`", "HUAWEICLOUD_SDK_PROJECT_ID"]);

    let ambiguous = [
        keys.as_slice(),
        &[
            ("HUAWEICLOUD_SDK_REGION", "cn-south-1"),
            ("HUAWEICLOUD_SDK_REGION_GES_CN_SOUTH_1", &ges),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam),
        ],
    ]
    .concat();
    let run = list_backups(&home, &ambiguous).await;
    assert_fails(&run, &["2 projects named `cn-south-1`", "11111111111111111111111111111111, 2222"]);
}

#[test]
fn an_endpoint_name_that_is_no_service_refuses_to_build() {
    let err = hwcloud::Client::builder()
        .env_lookup(|_| None)
        .credentials(hwcloud::runtime::Credentials::token("t"))
        .endpoint("gse", "http://127.0.0.1:1")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("`gse` is no service; the services are geminidb, ges, taurusdb, iam, metadata"), "{err}");
}

/// A generated client on the emulator whose configuration comes from `vars` only (no process environment).
fn client_from(vars: Vec<(&'static str, String)>) -> hwcloud::Client {
    let vars: HashMap<&str, String> = vars.into_iter().collect();
    hwcloud_runtime::ClientBuilder::<hwcloud::Client>::from_env()
        .env_lookup(move |name| vars.get(name).cloned())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn concurrent_first_calls_share_one_project_lookup() {
    let emulator = Emulator::builder().ak_sk("SHARED-LOOKUP-AK", "shared-lookup-sk").start().await.expect("starts");
    let vars = || {
        vec![
            ("HUAWEICLOUD_SDK_AK", "SHARED-LOOKUP-AK".to_owned()),
            ("HUAWEICLOUD_SDK_SK", "shared-lookup-sk".to_owned()),
            ("HUAWEICLOUD_SDK_REGION", "cn-north-4".to_owned()),
            ("HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4", emulator.ges_url()),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", emulator.iam_url()),
        ]
    };
    let client = Arc::new(client_from(vars()));
    let calls = (0..8).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.ges().list_graph_backups().graph_id(DEFAULT_GRAPH_ID).send().await })
    });
    for call in futures::future::join_all(calls).await {
        call.expect("task").expect("listed");
    }
    assert_eq!(emulator.request_count("iam", "keystone_list_projects"), 1);
    assert_eq!(client.runtime().project_id(), Some(DEFAULT_PROJECT_ID));
    let another = client_from(vars());
    another.ges().list_graph_backups().graph_id(DEFAULT_GRAPH_ID).send().await.expect("listed");
    assert_eq!(emulator.request_count("iam", "keystone_list_projects"), 1, "cached per AK and region");
}

#[tokio::test]
async fn metadata_keys_are_fetched_again_before_they_expire() {
    let emulator = Emulator::builder()
        .metadata_service()
        .metadata_tokens(MetadataTokens::Unsupported)
        .metadata_credential_ttl(Duration::from_millis(1000))
        .start()
        .await
        .expect("starts");
    let client = client_from(vec![
        ("HWCLOUD_METADATA_ENDPOINT", emulator.metadata_url().expect("served")),
        ("HUAWEICLOUD_SDK_REGION", "cn-north-4".to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", DEFAULT_PROJECT_ID.to_owned()),
        ("HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4", emulator.ges_url()),
    ]);
    let list = || client.ges().list_graph_backups().graph_id(DEFAULT_GRAPH_ID).send();
    list().await.expect("first call");
    list().await.expect("second call, same key");
    assert_eq!(emulator.request_count("metadata", "show_security_key"), 1);
    // Past the first key's expiry on the emulator: only a fresh key is accepted.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    list().await.expect("a call after the first key expired");
    assert_eq!(emulator.request_count("metadata", "show_security_key"), 2);
    assert_eq!(emulator.request_count("metadata", "create_session_token"), 2, "asked, answered 404 each time");
}
