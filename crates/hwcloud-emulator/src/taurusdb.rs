//! TaurusDB: manual backups (create, list, delete), restores (in place or to an existing instance, to a new
//! instance, table by table; from a backup or to a point in time inside the restorable range), the automated
//! backup policy, and the task center's job lookup.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Router;
use hwcloud::taurusdb::types::{
    self, BackupStatus, BackupType, FullBackup, FullBackupType, JobInstance, ListBackupsBackupType, MysqlDatastore,
    MysqlRestorePointType,
};
use hwcloud::taurusdb::{
    create_backup, create_instance, delete_backup, list_backups, list_restorable_tables, restore_instance,
    restore_tables, show_backup_policy, show_job, show_restore_time, update_backup_policy,
};
use time::OffsetDateTime;

use crate::contents::{Contents, Dataset};
use crate::errors::{ApiError, Service};
use crate::jobs::{Job, Phase, Timeline};
use crate::router::{finish, route, AppState};
use crate::state::{failure_by_name, Backup, Cloud, Origin, Policy, Resource};
use crate::wire::{header_str, json_body, json_response, page, PathParams, Query};

const S: Service = Service::TaurusDb;

type PathResult = Result<Path<HashMap<String, String>>, PathRejection>;
type Answer = Result<Response, ApiError>;

pub(crate) fn router(app: &AppState) -> Router {
    let r = Router::new();
    let r = route(r, app, S, &create_backup::OPERATION, create);
    let r = route(r, app, S, &delete_backup::OPERATION, delete);
    let r = route(r, app, S, &list_backups::OPERATION, list);
    let r = route(r, app, S, &show_job::OPERATION, job);
    let r = route(r, app, S, &restore_instance::OPERATION, restore);
    let r = route(r, app, S, &show_restore_time::OPERATION, restore_time);
    let r = route(r, app, S, &create_instance::OPERATION, create_new_instance);
    let r = route(r, app, S, &restore_tables::OPERATION, restore_some_tables);
    let r = route(r, app, S, &list_restorable_tables::OPERATION, restorable_tables);
    let r = route(r, app, S, &show_backup_policy::OPERATION, show_policy);
    let r = route(r, app, S, &update_backup_policy::OPERATION, update_policy);
    let r = crate::inspect::routes(r, app, S);
    finish(r, app, S)
}

fn project(cloud: &Cloud, project_id: Option<&String>) -> Result<(), ApiError> {
    if project_id.is_some_and(|p| *p == cloud.project_id) {
        Ok(())
    } else {
        Err(ApiError::foreign_project(S))
    }
}

fn language(headers: &HeaderMap) -> Option<String> {
    header_str(headers, "x-language")
}

async fn create(State(app): State<AppState>, path: PathResult, headers: HeaderMap, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: create_backup::CreateBackupRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut input = create_backup::CreateBackupInput::default();
    (input.project_id, input.x_language) = (p.get("project_id"), language(&headers).map(|v| v.as_str().into()));
    (input.instance_id, input.name) = (Some(parsed.instance_id.clone()), Some(parsed.name.clone()));
    input.description = parsed.description.clone();
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let instance = cloud
        .resource(S, &parsed.instance_id)
        .ok_or_else(|| ApiError::new(S, StatusCode::NOT_FOUND, "DBS.200002", "The DB instance does not exist."))?;
    let timeline = cloud.new_timeline(failure_by_name(&parsed.name));
    let started = timeline.started_at;
    let (backup_id, job_id) = (crate::ids::db_backup_id("br07"), crate::ids::uuid());
    let data = cloud.contents(S, &instance.id).current().clone();
    cloud.backups.push(Backup {
        service: S,
        id: backup_id.clone(),
        name: parsed.name.clone(),
        description: parsed.description.clone(),
        owner: instance.clone(),
        origin: Origin::Manual,
        timeline: timeline.clone(),
        data,
    });
    let job = Job {
        id: job_id.clone(),
        name: "CreateMysqlBackup",
        owner_id: instance.id.clone(),
        owner_name: instance.name,
        backup_id: Some(backup_id.clone()),
        timeline,
    };
    cloud.add_job(S, job);
    let mut backup = types::Backup::default();
    (backup.id, backup.name, backup.description) = (Some(backup_id), Some(parsed.name), parsed.description);
    (backup.begin_time, backup.status) = (Some(crate::clock::with_offset(started)), Some(BackupStatus::Building));
    (backup.r#type, backup.instance_id) = (Some(BackupType::Manual), Some(instance.id));
    let mut out = create_backup::CreateBackupOutput::default();
    (out.backup, out.job_id) = (Some(backup), Some(job_id));
    Ok(json_response(StatusCode::CREATED, &out))
}

async fn delete(State(app): State<AppState>, path: PathResult, headers: HeaderMap) -> Answer {
    let p = PathParams::from(S, path)?;
    let mut input = delete_backup::DeleteBackupInput::default();
    (input.project_id, input.backup_id) = (p.get("project_id"), p.get("backup_id"));
    input.x_language = language(&headers).map(|v| v.as_str().into());
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let backup_id = input.backup_id.unwrap_or_default();
    let Some(backup) = cloud.backup(S, &backup_id) else {
        return Err(ApiError::new(S, StatusCode::NOT_FOUND, "DBS.201010", "The backup information does not exist."));
    };
    if !backup.phase().is_finished() {
        let message = "The operation is not allowed by the backup status.";
        return Err(ApiError::new(S, StatusCode::BAD_REQUEST, "DBS.201208", message));
    }
    let removed = cloud.remove_backup(S, &backup_id);
    let mut out = delete_backup::DeleteBackupOutput::default();
    (out.backup_id, out.backup_name) = (Some(backup_id), removed.map(|b| b.name));
    Ok(json_response(StatusCode::OK, &out))
}

/// `yyyy-mm-ddThh:mm:ssZ` where Z is an offset such as `+0800`, as the time filters are documented.
fn parse_time(field: &str, text: &Option<String>) -> Result<Option<OffsetDateTime>, ApiError> {
    let Some(text) = text else { return Ok(None) };
    crate::clock::parse_with_offset(text)
        .map(Some)
        .ok_or_else(|| ApiError::invalid(S, &format!("`{field}` must be formatted yyyy-mm-ddThh:mm:ss+hhmm.")))
}

async fn list(State(app): State<AppState>, path: PathResult, headers: HeaderMap, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = list_backups::ListBackupsInput::default();
    (input.project_id, input.x_language) = (p.get("project_id"), language(&headers).map(|v| v.as_str().into()));
    (input.instance_id, input.backup_id) = (q.get("instance_id"), q.get("backup_id"));
    input.backup_type = q.get("backup_type").map(|v| v.as_str().into());
    (input.offset, input.limit) = (q.int("offset")?, q.int("limit")?);
    (input.begin_time, input.end_time) = (q.get("begin_time"), q.get("end_time"));
    (input.name, input.instance_name) = (q.get("name"), q.get("instance_name"));
    ApiError::check(S, input.validate())?;
    if matches!(input.backup_type, Some(ListBackupsBackupType::Unknown(_))) {
        return Err(ApiError::invalid(S, "`backup_type` must be auto or manual."));
    }
    let (begin, end) = (parse_time("begin_time", &input.begin_time)?, parse_time("end_time", &input.end_time)?);
    let cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let manual_wanted = input.backup_type.as_ref().is_none_or(|t| *t == ListBackupsBackupType::Manual);
    let matching: Vec<FullBackup> = cloud
        .backups_of(S)
        .filter(|_| manual_wanted)
        .filter(|b| input.instance_id.as_ref().is_none_or(|id| *id == b.owner.id))
        .filter(|b| input.backup_id.as_ref().is_none_or(|id| *id == b.id))
        .filter(|b| input.name.as_ref().is_none_or(|n| *n == b.name))
        .filter(|b| input.instance_name.as_ref().is_none_or(|n| *n == b.owner.name))
        .filter(|b| begin.is_none_or(|t| b.timeline.started_at >= t) && end.is_none_or(|t| b.timeline.started_at <= t))
        .map(full_backup)
        .collect();
    let (offset, limit) = (i64::from(input.offset.unwrap_or(0)), i64::from(input.limit.unwrap_or(100)));
    let mut out = list_backups::ListBackupsOutput::default();
    out.total_count = Some(i64::try_from(matching.len()).unwrap_or(i64::MAX));
    out.backups = Some(page(matching, offset, limit));
    Ok(json_response(StatusCode::OK, &out))
}

async fn job(State(app): State<AppState>, path: PathResult, headers: HeaderMap, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = show_job::ShowJobInput::default();
    (input.project_id, input.id) = (p.get("project_id"), q.get("id"));
    input.x_language = language(&headers).map(|v| v.as_str().into());
    ApiError::check(S, input.validate())?;
    let cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let job = cloud
        .job(S, &input.id.unwrap_or_default())
        .ok_or_else(|| ApiError::new(S, StatusCode::BAD_REQUEST, "DBS.200543", "The job does not exist."))?;
    let phase = job.timeline.phase();
    let mut detail = types::Job::default();
    detail.id = Some(job.id.clone());
    detail.name = Some(job.name.into());
    detail.status = Some(
        match phase {
            Phase::Pending => "Pending",
            Phase::Running { .. } => "Running",
            Phase::Succeeded => "Completed",
            Phase::Failed(_) => "Failed",
        }
        .into(),
    );
    detail.created = Some(crate::clock::with_offset(job.timeline.started_at));
    detail.ended = Some(job.timeline.ended_at().map(crate::clock::with_offset).unwrap_or_default());
    detail.process = Some(match phase {
        Phase::Running { percent } => format!("{percent}%"),
        _ => String::new(),
    });
    let mut instance = JobInstance::default();
    (instance.id, instance.name) = (Some(job.owner_id.clone()), Some(job.owner_name.clone()));
    detail.instance = Some(instance);
    detail.entities = job.backup_id.as_ref().map(|id| serde_json::json!({ "backup_id": id }));
    if let Phase::Failed(reason) = phase {
        detail.fail_reason = Some(reason);
    }
    let mut out = show_job::ShowJobOutput::default();
    out.job = Some(detail);
    Ok(json_response(StatusCode::OK, &out))
}

fn full_backup(backup: &Backup) -> FullBackup {
    let phase = backup.phase();
    let mut out = FullBackup::default();
    out.id = Some(backup.id.clone());
    out.name = Some(backup.name.clone());
    out.description = backup.description.clone();
    out.begin_time = Some(crate::clock::with_offset(backup.timeline.started_at));
    out.end_time = backup.timeline.ended_at().map(crate::clock::with_offset);
    out.status = Some(match phase {
        Phase::Pending | Phase::Running { .. } => BackupStatus::Building,
        Phase::Succeeded => BackupStatus::Completed,
        Phase::Failed(_) => BackupStatus::Failed,
    });
    if phase.is_finished() {
        let minutes = backup.timeline.duration.as_secs().div_ceil(60);
        out.take_up_time = Some(i32::try_from(minutes).unwrap_or(i32::MAX));
        out.size = Some(if phase == Phase::Succeeded { 2803 } else { 0 });
    }
    out.r#type = Some(FullBackupType::Manual);
    let mut datastore = MysqlDatastore::default();
    (datastore.r#type, datastore.version) = (Some("gaussdb-mysql".into()), Some("8.0".into()));
    out.datastore = Some(datastore);
    out.instance_id = Some(backup.owner.id.clone());
    out.instance_name = Some(backup.owner.name.clone());
    out
}

/// The instance a request names, in the served project.
fn instance(cloud: &Cloud, id: &str) -> Result<Resource, ApiError> {
    cloud.resource(S, id).ok_or_else(|| ApiError::resource_not_found(S))
}

/// From the start of the instance's oldest successful backup until now, in milliseconds: the documented range of
/// restore times, empty before the first backup.
fn restorable_range(cloud: &Cloud, instance_id: &str) -> Option<(i64, i64)> {
    let since = cloud.restorable_since(S, instance_id)?;
    Some((crate::clock::millis(since), crate::clock::millis(OffsetDateTime::now_utc())))
}

/// The instance's data at `ms`, when `ms` is inside its restorable range; else the documented out-of-range error.
fn data_at(cloud: &mut Cloud, instance_id: &str, ms: i64) -> Result<Dataset, ApiError> {
    let inside = restorable_range(cloud, instance_id).is_some_and(|(from, to)| (from..=to).contains(&ms));
    let data = crate::clock::from_millis(ms).and_then(|t| cloud.contents(S, instance_id).at(t).cloned());
    match (inside, data) {
        (true, Some(data)) => Ok(data),
        _ => Err(ApiError::new(
            S,
            StatusCode::BAD_REQUEST,
            "DBS.280271",
            "The parameter value is out of range. The restore time is outside the restorable time range.",
        )),
    }
}

/// The data of `backup_id`, a successful backup of `source`.
fn backup_data(cloud: &Cloud, source: &str, backup_id: &str) -> Result<Dataset, ApiError> {
    match cloud.backup(S, backup_id).filter(|b| b.owner.id == source) {
        None => Err(ApiError::new(S, StatusCode::NOT_FOUND, "DBS.201010", "The backup information does not exist.")),
        Some(backup) if !backup.restorable() => Err(ApiError::new(
            S,
            StatusCode::BAD_REQUEST,
            "DBS.201208",
            "The operation is not allowed by the backup status.",
        )),
        Some(backup) => Ok(backup.data.clone()),
    }
}

/// What a restore brings: a backup, or the source's data at a time (validation made sure the field is there).
fn restored_data(
    cloud: &mut Cloud,
    source: &str,
    by_time: bool,
    backup_id: Option<&str>,
    restore_time: Option<i64>,
) -> Result<Dataset, ApiError> {
    match (by_time, backup_id, restore_time) {
        (true, _, Some(ms)) => data_at(cloud, source, ms),
        (false, Some(id), _) => backup_data(cloud, source, id),
        _ => Err(ApiError::invalid(S, "`backup_id` or `restore_time` is missing.")),
    }
}

/// Starts a job on `instance` and returns its id and timeline.
fn start_job(cloud: &mut Cloud, instance: &Resource, name: &'static str) -> (String, Timeline) {
    let timeline = cloud.new_timeline(None);
    let job_id = crate::ids::uuid();
    let job = Job {
        id: job_id.clone(),
        name,
        owner_id: instance.id.clone(),
        owner_name: instance.name.clone(),
        backup_id: None,
        timeline: timeline.clone(),
    };
    cloud.add_job(S, job);
    (job_id, timeline)
}

/// Restores a backup or a point in time of the source instance into the target (the same or another instance).
async fn restore(State(app): State<AppState>, path: PathResult, headers: HeaderMap, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: restore_instance::RestoreInstanceRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut input = restore_instance::RestoreInstanceInput::default();
    (input.project_id, input.x_language) = (p.get("project_id"), language(&headers).map(|v| v.as_str().into()));
    input.target_instance_id = Some(parsed.target_instance_id.clone());
    input.source_instance_id = Some(parsed.source_instance_id.clone());
    (input.r#type, input.backup_id, input.restore_time) =
        (Some(parsed.r#type.clone()), parsed.backup_id.clone(), parsed.restore_time);
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let target = instance(&cloud, &parsed.target_instance_id)?;
    let source = instance(&cloud, &parsed.source_instance_id)?;
    let by_time = parsed.r#type == MysqlRestorePointType::Timestamp;
    let data = restored_data(&mut cloud, &source.id, by_time, parsed.backup_id.as_deref(), parsed.restore_time)?;
    if cloud.contents(S, &target.id).busy() {
        return Err(ApiError::busy(S));
    }
    let (job_id, timeline) = start_job(&mut cloud, &target, "RestoreGaussDBforMySQLOldInstance");
    cloud.contents(S, &target.id).restore(data, timeline).map_err(|_| ApiError::busy(S))?;
    let mut out = restore_instance::RestoreInstanceOutput::default();
    out.job_id = Some(job_id);
    Ok(json_response(StatusCode::OK, &out))
}

/// A millisecond timestamp sent as text.
fn millis_param(field: &str, text: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(text) = text else { return Ok(None) };
    text.trim()
        .parse()
        .map(Some)
        .map_err(|_| ApiError::invalid(S, &format!("`{field}` must be a UNIX timestamp in milliseconds.")))
}

/// The restorable range, cut to the asked day (`date`, UTC) or to `start_time`..`end_time`.
async fn restore_time(
    State(app): State<AppState>,
    path: PathResult,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = show_restore_time::ShowRestoreTimeInput::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    input.x_language = language(&headers).map(|v| v.as_str().into());
    (input.date, input.start_time, input.end_time) = (q.get("date"), q.get("start_time"), q.get("end_time"));
    ApiError::check(S, input.validate())?;
    let asked = match &input.date {
        Some(date) => {
            let day = time::Date::parse(date, time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| ApiError::invalid(S, "`date` must be formatted yyyy-mm-dd."))?;
            let start = crate::clock::millis(day.midnight().assume_utc());
            Some((start, start + 24 * 3600 * 1000 - 1))
        }
        None => {
            let start = millis_param("start_time", input.start_time.as_deref())?;
            let end = millis_param("end_time", input.end_time.as_deref())?;
            start.zip(end)
        }
    };
    let cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let instance = instance(&cloud, &input.instance_id.unwrap_or_default())?;
    let range = restorable_range(&cloud, &instance.id).and_then(|(from, to)| match asked {
        None => Some((from, to)),
        Some((a, b)) => (from.max(a) <= to.min(b)).then(|| (from.max(a), to.min(b))),
    });
    let mut out = show_restore_time::ShowRestoreTimeOutput::default();
    out.restore_times = Some(
        range
            .map(|(from, to)| {
                let mut info = types::RestoreTimeInfo::default();
                (info.start_time, info.end_time) = (Some(from), Some(to));
                info
            })
            .into_iter()
            .collect(),
    );
    Ok(json_response(StatusCode::OK, &out))
}

/// Creates an instance, empty or restored (`restore_point`) from a backup or a point in time of another one.
async fn create_new_instance(State(app): State<AppState>, path: PathResult, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: create_instance::CreateInstanceRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut cloud = app.store.lock();
    project(&cloud, p.get("project_id").as_ref())?;
    let (data, job_name) = match &parsed.restore_point {
        None => (Dataset::default(), "CreateGaussDBforMySQLInstance"),
        Some(point) => {
            let source = instance(&cloud, &point.source_instance_id)?;
            let by_time = point.r#type == Some(MysqlRestorePointType::Timestamp);
            let data = restored_data(&mut cloud, &source.id, by_time, point.backup_id.as_deref(), point.restore_time)?;
            (data, "RestoreGaussDBforMySQLNewInstance")
        }
    };
    let resource = Resource { id: crate::ids::db_instance_id("in07"), name: parsed.name.clone() };
    let (job_id, timeline) = start_job(&mut cloud, &resource, job_name);
    cloud.add_resource(S, resource.clone(), Contents::arriving(data, timeline));
    let strategy = &parsed.backup_strategy;
    let keep_days = strategy.keep_days.as_deref().and_then(|d| d.trim().parse().ok()).unwrap_or(7);
    let policy = Policy { keep_days, start_time: Some(strategy.start_time.clone()), period: Some(EVERY_DAY.into()) };
    cloud.policies.insert((S, resource.id.clone()), policy);
    let mut instance = types::MysqlInstanceResponse::default();
    (instance.id, instance.name, instance.status) = (Some(resource.id), Some(resource.name), Some("BUILD".into()));
    let mut datastore = types::MysqlDatastoreInRes::default();
    datastore.r#type = Some(parsed.datastore.r#type.as_str().into());
    (datastore.version, datastore.kernel_version) =
        (Some(parsed.datastore.version.clone()), parsed.datastore.kernel_version.clone());
    instance.datastore = Some(datastore);
    (instance.mode, instance.region) = (Some(parsed.mode.as_str().into()), Some(parsed.region.clone()));
    instance.availability_zone_mode = Some(parsed.availability_zone_mode.as_str().into());
    instance.master_availability_zone = parsed.master_availability_zone.clone();
    (instance.vpc_id, instance.subnet_id) = (Some(parsed.vpc_id.clone()), Some(parsed.subnet_id.clone()));
    instance.security_group_id = parsed.security_group_id.clone();
    (instance.flavor_ref, instance.configuration_id) = (Some(parsed.flavor_ref.clone()), parsed.configuration_id);
    instance.port = Some("3306".into());
    let mut backup_strategy = types::MysqlBackupStrategyResult::default();
    backup_strategy.start_time = Some(strategy.start_time.clone());
    backup_strategy.keep_days = Some(keep_days.to_string());
    instance.backup_strategy = Some(backup_strategy);
    let mut charge = types::MysqlChargeInfoResult::default();
    charge.charge_mode = Some(parsed.charge_info.charge_mode.as_str().into());
    instance.charge_info = Some(charge);
    let mut out = create_instance::CreateInstanceOutput::default();
    out.instance = Some(instance);
    // A yearly/monthly instance answers with its order, a pay-per-use one with its job.
    match parsed.charge_info.charge_mode.as_str() {
        "prePaid" => out.order_id = Some(crate::ids::hex(32)),
        _ => out.job_id = Some(job_id),
    }
    Ok(json_response(StatusCode::CREATED, &out))
}

/// Copies tables as they were at a point in time into new tables of the same instance.
async fn restore_some_tables(State(app): State<AppState>, path: PathResult, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: restore_tables::RestoreTablesRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let ms = millis_param("restore_time", Some(&parsed.restore_time))?.unwrap_or_default();
    let mut cloud = app.store.lock();
    project(&cloud, p.get("project_id").as_ref())?;
    let instance = instance(&cloud, &p.get("instance_id").unwrap_or_default())?;
    let then = data_at(&mut cloud, &instance.id, ms)?;
    let mut restored = cloud.contents(S, &instance.id).current().clone();
    for database in &parsed.restore_tables {
        for table in &database.tables {
            let old = format!("{}.{}", database.database, table.old_name);
            let Some(rows) = then.tables.get(&old) else {
                let message = format!("Invalid parameter. Table `{old}` did not exist at the restore time.");
                return Err(ApiError::new(S, StatusCode::BAD_REQUEST, "DBS.280204", message));
            };
            restored.tables.insert(format!("{}.{}", database.database, table.new_name), rows.clone());
        }
    }
    restored.version += 1;
    if cloud.contents(S, &instance.id).busy() {
        return Err(ApiError::busy(S));
    }
    let (job_id, timeline) = start_job(&mut cloud, &instance, "RestoreGaussDBforMySQLTables");
    cloud.contents(S, &instance.id).restore(restored, timeline).map_err(|_| ApiError::busy(S))?;
    let mut out = restore_tables::RestoreTablesOutput::default();
    out.job_id = Some(job_id);
    Ok(json_response(StatusCode::OK, &out))
}

/// The databases and tables at a restore time (or the latest ones), filtered by name fragments.
async fn restorable_tables(
    State(app): State<AppState>,
    path: PathResult,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = list_restorable_tables::ListRestorableTablesInput::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    input.x_language = language(&headers).map(|v| v.as_str().into());
    input.restore_time = q.get("restore_time");
    input.last_table_info = q.get("last_table_info").map(|v| v.as_str().into());
    (input.database_name, input.table_name) = (q.get("database_name"), q.get("table_name"));
    ApiError::check(S, input.validate())?;
    let ms = millis_param("restore_time", input.restore_time.as_deref())?.unwrap_or_default();
    let mut cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let instance = instance(&cloud, &input.instance_id.unwrap_or_default())?;
    let then = data_at(&mut cloud, &instance.id, ms)?;
    let latest = input.last_table_info.as_ref().is_some_and(|v| v.as_str() == "true");
    let data = if latest { cloud.contents(S, &instance.id).current().clone() } else { then };
    let matches = |fragment: &Option<String>, name: &str| {
        fragment.as_ref().is_none_or(|f| name.to_ascii_lowercase().contains(&f.to_ascii_lowercase()))
    };
    let mut databases: Vec<types::RestoreDatabaseInfos> = Vec::new();
    for table in data.tables.keys() {
        let (database, name) = table.split_once('.').unwrap_or(("default", table));
        if !matches(&input.database_name, database) || !matches(&input.table_name, name) {
            continue;
        }
        if databases.last().and_then(|d| d.name.as_deref()) != Some(database) {
            let mut info = types::RestoreDatabaseInfos::default();
            (info.name, info.tables, info.total_tables) = (Some(database.to_owned()), Some(Vec::new()), Some(0));
            databases.push(info);
        }
        if let Some(info) = databases.last_mut() {
            let mut entry = types::RestoreDatabaseTableInfo::default();
            entry.name = Some(name.to_owned());
            info.tables.get_or_insert_with(Vec::new).push(entry);
            info.total_tables = Some(info.total_tables.unwrap_or(0) + 1);
        }
    }
    let mut out = list_restorable_tables::ListRestorableTablesOutput::default();
    out.total_databases = Some(i32::try_from(databases.len()).unwrap_or(i32::MAX));
    out.databases = Some(databases);
    Ok(json_response(StatusCode::OK, &out))
}

/// Every day of the week, the period of a policy nobody set.
const EVERY_DAY: &str = "1,2,3,4,5,6,7";

/// The policy of an instance nobody set one for.
fn default_policy() -> Policy {
    Policy { keep_days: 7, start_time: Some("08:00-09:00".into()), period: Some(EVERY_DAY.into()) }
}

async fn show_policy(State(app): State<AppState>, path: PathResult, headers: HeaderMap) -> Answer {
    let p = PathParams::from(S, path)?;
    let mut input = show_backup_policy::ShowBackupPolicyInput::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    input.x_language = language(&headers).map(|v| v.as_str().into());
    ApiError::check(S, input.validate())?;
    let cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let instance = instance(&cloud, &input.instance_id.unwrap_or_default())?;
    let policy = cloud.policies.get(&(S, instance.id)).cloned().unwrap_or_else(default_policy);
    let mut shown = types::BackupPolicy::default();
    (shown.keep_days, shown.start_time, shown.period) = (Some(policy.keep_days), policy.start_time, policy.period);
    let mut out = show_backup_policy::ShowBackupPolicyOutput::default();
    out.backup_policy = Some(shown);
    Ok(json_response(StatusCode::OK, &out))
}

async fn update_policy(State(app): State<AppState>, path: PathResult, headers: HeaderMap, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: update_backup_policy::UpdateBackupPolicyRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut input = update_backup_policy::UpdateBackupPolicyInput::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    input.x_language = language(&headers).map(|v| v.as_str().into());
    input.backup_policy = Some(parsed.backup_policy.clone());
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let instance = instance(&cloud, &input.instance_id.unwrap_or_default())?;
    let asked = parsed.backup_policy;
    let policy = Policy { keep_days: asked.keep_days, start_time: Some(asked.start_time), period: Some(asked.period) };
    cloud.policies.insert((S, instance.id.clone()), policy);
    let mut out = update_backup_policy::UpdateBackupPolicyOutput::default();
    out.status = Some(types::UpdateBackupPolicyOutputStatus::Completed);
    (out.instance_id, out.instance_name) = (Some(instance.id), Some(instance.name));
    Ok(json_response(StatusCode::OK, &out))
}
