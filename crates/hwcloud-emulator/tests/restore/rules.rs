//! Nested and conditional rules on both sides, the official Python SDK's request shapes, and what real servers
//! send beyond the pages' types and statuses.

use hwcloud::geminidb::types::BackupPolicy;
use hwcloud::taurusdb::types::{
    MysqlBackupPolicy, MysqlBackupStrategy, MysqlChargeInfo, MysqlDatastoreInReq, MysqlRestorePoint, MysqlTags,
};
use hwcloud::Credentials;
use reqwest::Method;
use serde_json::json;

use super::emulator;
use crate::common::{client, fast_wait, raw, send_raw};

/// The violations of an input the client refused, as `(field, rule)`.
fn refused<T: std::fmt::Debug>(result: Result<T, hwcloud::Error>) -> Vec<(String, &'static str)> {
    match result {
        Err(hwcloud::Error::InvalidInput { violations, .. }) => {
            violations.into_iter().map(|v| (v.field, v.rule)).collect()
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn has(violations: &[(String, &'static str)], field: &str, rule: &str) -> bool {
    violations.iter().any(|(f, r)| f == field && *r == rule)
}

fn taurus_create(
    client: &hwcloud::Client,
) -> hwcloud::taurusdb::create_instance::CreateInstanceBuilder<hwcloud::runtime::Client> {
    client
        .taurusdb()
        .create_instance()
        .region("cn-north-4")
        .name("instance-1")
        .datastore(MysqlDatastoreInReq::new("gaussdb-mysql", "8.0.22"))
        .mode("Cluster")
        .flavor_ref("gaussdb.mysql.xlarge.arm.4")
        .vpc_id("vpc")
        .subnet_id("subnet")
        .charge_info(MysqlChargeInfo::new("postPaid"))
        .password("Test@123456")
        .backup_strategy(MysqlBackupStrategy::new("08:00-09:00"))
        .availability_zone_mode("single")
        .slave_count(1)
}

#[tokio::test]
async fn nested_and_conditional_rules_are_checked_before_anything_is_sent() {
    let emu = emulator().await;
    let client = client(&emu);
    let (taurus, gemini) = (client.taurusdb(), client.geminidb());
    let instance = emu.taurusdb_instance_id();
    let in_place = taurus.restore_instance().source_instance_id(instance).target_instance_id(instance);

    let v = refused(in_place.clone().r#type("backup").send().await);
    assert_eq!(v, [("backup_id".to_owned(), "mandatory_when")]);
    let err = in_place.clone().r#type("timestamp").send().await.unwrap_err();
    assert!(err.to_string().contains("mandatory when `type` is `timestamp`"), "{err}");
    assert!(has(&refused(in_place.r#type("bakup").backup_id("b").send().await), "type", "values"));

    let no_time = MysqlRestorePoint::new(instance).with_type("timestamp");
    assert!(has(
        &refused(taurus_create(&client).restore_point(no_time).send().await),
        "restore_point.restore_time",
        "mandatory_when"
    ));
    let no_backup = MysqlRestorePoint::new(instance);
    let v = refused(taurus_create(&client).restore_point(no_backup).send().await);
    assert!(has(&v, "restore_point.backup_id", "mandatory_when"), "no type means a backup: {v:?}");
    let v = refused(taurus_create(&client).charge_info(MysqlChargeInfo::new("prePaid")).send().await);
    assert!(
        has(&v, "charge_info.period_type", "mandatory_when") && has(&v, "charge_info.period_num", "mandatory_when")
    );
    let tags = vec![MysqlTags::new("env", "test"), MysqlTags::new("bad key!", "v")];
    assert!(has(&refused(taurus_create(&client).tags(tags).send().await), "tags[1].key", "charset"));
    let two_hours = MysqlBackupStrategy::new("08:00-10:00");
    let v = refused(taurus_create(&client).backup_strategy(two_hours).send().await);
    assert!(has(&v, "backup_strategy.start_time", "time_window"), "{v:?}");
    let v = refused(taurus_create(&client).availability_zone_mode("multi").send().await);
    assert!(has(&v, "master_availability_zone", "mandatory_when"));

    let v = refused(taurus.show_restore_time().instance_id(instance).start_time("1").send().await);
    assert!(has(&v, "end_time", "mandatory_when"));
    let bad = MysqlBackupPolicy::new("19:30-20:30", 800, "1,2");
    let v = refused(taurus.update_backup_policy().instance_id(instance).backup_policy(bad).send().await);
    assert!(has(&v, "backup_policy.start_time", "time_window") && has(&v, "backup_policy.keep_days", "maximum"));

    let geminidb = emu.geminidb_instance_id();
    let v = refused(gemini.set_backup_policy().instance_id(geminidb).backup_policy(BackupPolicy::new(7)).send().await);
    assert!(has(&v, "backup_policy.start_time", "mandatory_when") && has(&v, "backup_policy.period", "mandatory_when"));
    let odd = BackupPolicy::new(7).with_start_time("01:10-02:10").with_period("1");
    let v = refused(gemini.set_backup_policy().instance_id(geminidb).backup_policy(odd).send().await);
    assert_eq!(v, [("backup_policy.start_time".to_owned(), "time_window")]);
    assert_eq!(emu.total_requests(), 0, "nothing was sent");
}

#[tokio::test]
async fn the_emulator_refuses_the_same_rules_sent_raw() {
    let emu = emulator().await;
    let project = emu.project_id();
    let instance = emu.taurusdb_instance_id();
    let restore = format!("{}/v3/{project}/instances/restore", emu.taurusdb_url());
    let body = json!({ "source_instance_id": instance, "target_instance_id": instance, "type": "backup" });
    let (status, _, body) = send_raw(raw(Method::POST, restore).json(&body)).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("DBS.200001")), "{body}");
    assert!(body["error_msg"].as_str().unwrap().contains("backup_id"), "{body}");

    let create = format!("{}/v3/{project}/instances", emu.taurusdb_url());
    let mut body = json!({
        "region": "r", "name": "instance-1", "datastore": { "type": "gaussdb-mysql", "version": "8.0" },
        "mode": "Cluster", "flavor_ref": "f", "vpc_id": "v", "subnet_id": "s", "charge_info": { "charge_mode": "postPaid" },
        "password": "Test@123456", "backup_strategy": { "start_time": "08:00-09:00" },
        "availability_zone_mode": "single", "slave_count": 1, "restore_point": { "type": "backup" }
    });
    let (status, _, answer) = send_raw(raw(Method::POST, create.clone()).json(&body)).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.200001")), "{answer}");
    assert!(answer["error_msg"].as_str().unwrap().contains("source_instance_id"), "{answer}");
    body["restore_point"] = json!({ "source_instance_id": instance, "type": "timestamp" });
    let (status, _, answer) = send_raw(raw(Method::POST, create).json(&body)).await;
    assert_eq!(status, 400);
    assert!(answer["error_msg"].as_str().unwrap().contains("restore_point.restore_time"), "{answer}");

    let geminidb = emu.geminidb_instance_id();
    let policy = format!("{}/v3/{project}/instances/{geminidb}/backups/policy", emu.geminidb_url());
    let body = json!({ "backup_policy": { "keep_days": 7, "start_time": "01:00-03:00", "period": "1" } });
    let (status, _, answer) = send_raw(raw(Method::PUT, policy).json(&body)).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.200001")), "{answer}");
    assert!(answer["error_msg"].as_str().unwrap().contains("backup_policy.start_time"), "{answer}");
}

#[tokio::test]
async fn the_python_sdks_request_shapes_are_accepted() {
    let emu = emulator().await;
    let (project, taurus, gemini) = (emu.project_id(), emu.taurusdb_url(), emu.geminidb_url());
    let instance = emu.taurusdb_instance_id().to_owned();
    let op = &hwcloud::taurusdb::restore_instance::OPERATION;
    let backup_id = emu.fixture(op, "backup_id").await.unwrap();
    let restore_time: i64 = emu.fixture(op, "restore_time").await.unwrap().parse().unwrap();

    // RestoreRequest: the SDK serializes its attribute map with the documented snake_case names.
    let body = json!({ "target_instance_id": instance, "source_instance_id": instance, "backup_id": backup_id, "type": "backup" });
    let (status, _, answer) =
        send_raw(raw(Method::POST, format!("{taurus}/v3/{project}/instances/restore")).json(&body)).await;
    assert_eq!(status, 200, "{answer}");
    let job_id = answer["job_id"].as_str().unwrap();
    client(&emu).taurusdb().show_job().wait_for(job_id, &fast_wait(), |_| {}).await.unwrap();
    let policy = json!({ "backup_policy": { "start_time": "19:00-20:00", "keep_days": 7, "period": "1,2", "retention_num_backup_level1": 0 } });
    let url = format!("{taurus}/v3/{project}/instances/{instance}/backups/policy/update");
    let (status, _, answer) = send_raw(raw(Method::PUT, url).json(&policy)).await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("COMPLETED")), "{answer}");
    // The published table-level example sends restore_time as a number and last_table_info as a boolean.
    let tables = json!({ "restore_time": restore_time, "last_table_info": true, "restore_tables": [
        { "database": "test_db_1", "tables": [ { "old_name": "t3", "new_name": "t3_copy" } ] } ] });
    let url = format!("{taurus}/v3/{project}/instances/{instance}/backups/restore/tables");
    let (status, _, answer) = send_raw(raw(Method::POST, url).json(&tables)).await;
    assert_eq!(status, 200, "{answer}");

    // CreateInstanceRequestBody: flavor num/size as strings and keep_days as an integer (the SDK's request model).
    let geminidb = emu.geminidb_instance_id();
    let gemini_backup =
        emu.fixture(&hwcloud::geminidb::create_instance::OPERATION, "restore_info.backup_id").await.unwrap();
    let create = json!({
        "name": "restored-01", "datastore": { "type": "cassandra", "version": "3.11", "storage_engine": "rocksDB" },
        "region": "cn-north-4", "availability_zone": "az1", "vpc_id": "v", "subnet_id": "s", "security_group_id": "g",
        "password": "Test@123456", "mode": "Cluster",
        "flavor": [ { "num": "3", "storage": "ULTRAHIGH", "size": "500", "spec_code": "geminidb.cassandra.4xlarge.4" } ],
        "backup_strategy": { "start_time": "08:15-09:15", "keep_days": 8 }, "restore_info": { "backup_id": gemini_backup }
    });
    let (status, _, answer) =
        send_raw(raw(Method::POST, format!("{gemini}/v3/{project}/instances")).json(&create)).await;
    assert_eq!((status, answer["backup_strategy"]["keep_days"].as_str()), (202, Some("8")), "{answer}");
    let policy = json!({ "backup_policy": { "keep_days": 7, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7" } });
    let url = format!("{gemini}/v3/{project}/instances/{geminidb}/backups/policy");
    let (status, _, _) = send_raw(raw(Method::PUT, url).json(&policy)).await;
    assert_eq!(status, 204);

    let graph = emu.graph_id();
    let ges = client(&emu).ges();
    let (created, _) = ges.create_backup().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    ges.stop_graph().graph_id(graph).send_and_wait(&fast_wait(), |_| {}).await.unwrap();
    let url = format!("{}/v2/{project}/graphs/{graph}/start", emu.ges_url());
    let body = json!({ "graph_backup_id": created.backup_id.unwrap() });
    let (status, _, answer) = send_raw(raw(Method::POST, url).json(&body)).await;
    assert_eq!(status, 200, "{answer}");
}

/// A server answering one path with `get` and `put` handlers.
async fn serve(get: axum::routing::MethodRouter) -> String {
    let app = axum::Router::new().route("/v3/{project}/instances/{instance}/backups/policy", get);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// Servers answering as the definitions and the published examples show, beyond the pages' tables: TaurusDB's
/// keep_days as the text "7,"; GeminiDB's 200 where the pages print 204 (set) and 202 (the v3 query).
#[tokio::test]
async fn lenient_fields_and_the_definitions_statuses_are_read() {
    use axum::routing::get;
    let seven = json!({ "backup_policy": { "keep_days": "7,", "start_time": "19:00-20:00", "period": "1,2" } });
    let taurus = serve(get(move || async move { axum::Json(seven) })).await;
    let policy = json!({ "backup_policy": { "keep_days": 7, "start_time": "19:00-20:00", "period": "1,2" } });
    let ok = || async { axum::http::StatusCode::OK };
    let gemini = serve(get(move || async move { axum::Json(policy) }).put(ok)).await;
    let client = hwcloud::Client::builder()
        .region("cn-north-4")
        .project_id("0123456789abcdef0123456789abcdef")
        .credentials(Credentials::token("token"))
        .endpoint("taurusdb", taurus)
        .endpoint("geminidb", gemini)
        .build()
        .unwrap();
    let instance = "07033b125fd94a8a96896f8bcfee6ddain07";
    let shown = client.taurusdb().show_backup_policy().instance_id(instance).send().await.unwrap();
    assert_eq!(shown.backup_policy.unwrap().keep_days, Some(7), "\"7,\" reads as 7");
    let set = client.geminidb().set_backup_policy().instance_id(instance).backup_policy(BackupPolicy::new(0));
    assert_eq!(set.send().await.unwrap().http_status(), 200, "the definition's 200 with no body");
    let v3 = client.geminidb().show_backup_policy_v3().instance_id(instance).send().await.unwrap();
    assert_eq!((v3.http_status(), v3.backup_policy.unwrap().start_time.as_deref()), (200, Some("19:00-20:00")));
}
