//! GeminiDB: manual backups of instances (create, list, delete), restores to a new instance (from a backup, or
//! from an instance at one of its restorable points), the automated backup policy, and the task list that tracks
//! them.
//!
//! Paging differs between its two lists, as documented: `list_backups` takes a page number (`offset` >= 1) and
//! a page size, both mandatory; `list_jobs` takes an item offset (default 0) and a limit (default 50).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hwcloud::geminidb::types::{
    self, BackupDatastore, BackupStatus, BackupType, JobDetail, JobDetailStatus, JobInstanceInfo,
    ListBackupsBackupType, ListBackupsDatastoreType, ListBackupsType,
};
use hwcloud::geminidb::{
    create_backup, create_instance, delete_backup, list_backups, list_jobs, list_restore_times, set_backup_policy,
    show_backup_policy, show_backup_policy_v3,
};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::contents::{Contents, Dataset};
use crate::errors::{ApiError, Service};
use crate::jobs::{Job, Phase};
use crate::router::{finish, route, AppState};
use crate::state::{failure_by_name, Backup, Cloud, Origin, Policy, Resource};
use crate::wire::{header_str, json_body, json_response, page, PathParams, Query};

const S: Service = Service::GeminiDb;
/// The engine every emulated instance runs (the create API is documented for GeminiDB Cassandra).
const DATASTORE: (&str, &str) = ("cassandra", "3.11");

type PathResult = Result<Path<HashMap<String, String>>, PathRejection>;
type Answer = Result<Response, ApiError>;

pub(crate) fn router(app: &AppState) -> Router {
    let r = Router::new();
    let r = route(r, app, S, &create_backup::OPERATION, create);
    let r = route(r, app, S, &delete_backup::OPERATION, delete);
    let r = route(r, app, S, &list_backups::OPERATION, list);
    let r = route(r, app, S, &list_jobs::OPERATION, jobs);
    let r = route(r, app, S, &create_instance::OPERATION, create_new_instance);
    let r = route(r, app, S, &list_restore_times::OPERATION, restore_times);
    let r = route(r, app, S, &show_backup_policy::OPERATION, show_policy);
    let r = route(r, app, S, &show_backup_policy_v3::OPERATION, show_policy_v3);
    let r = route(r, app, S, &set_backup_policy::OPERATION, set_policy);
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

async fn create(State(app): State<AppState>, path: PathResult, headers: axum::http::HeaderMap, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: create_backup::CreateBackupRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut input = create_backup::CreateBackupInput::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    (input.name, input.description) = (Some(parsed.name.clone()), Some(parsed.description.clone()));
    ApiError::check(S, input.validate())?;
    if header_str(&headers, "content-type").is_none() {
        return Err(ApiError::missing(S, "Content-Type"));
    }
    let mut cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let instance_id = input.instance_id.unwrap_or_default();
    let instance = cloud
        .resource(S, &instance_id)
        .ok_or_else(|| ApiError::new(S, StatusCode::NOT_FOUND, "DBS.200002", "The DB instance does not exist."))?;
    if cloud.backups_of(S).any(|b| b.owner.id == instance.id && b.name == parsed.name) {
        return Err(ApiError::new(S, StatusCode::BAD_REQUEST, "DBS.201201", "The backup already exists."));
    }
    let timeline = cloud.new_timeline(failure_by_name(&parsed.name));
    let backup_id = crate::ids::db_backup_id("br06");
    let job_id = crate::ids::uuid();
    let data = cloud.contents(S, &instance.id).current().clone();
    cloud.backups.push(Backup {
        service: S,
        id: backup_id.clone(),
        name: parsed.name,
        description: Some(parsed.description),
        owner: instance.clone(),
        origin: Origin::Manual,
        timeline: timeline.clone(),
        data,
    });
    let job = Job {
        id: job_id.clone(),
        name: "BackupInstance",
        owner_id: instance.id,
        owner_name: instance.name,
        backup_id: Some(backup_id.clone()),
        timeline,
    };
    cloud.add_job(S, job);
    let mut out = create_backup::CreateBackupOutput::default();
    (out.job_id, out.backup_id) = (Some(job_id), Some(backup_id));
    Ok(json_response(StatusCode::ACCEPTED, &out))
}

async fn delete(State(app): State<AppState>, path: PathResult) -> Answer {
    let p = PathParams::from(S, path)?;
    let mut input = delete_backup::DeleteBackupInput::default();
    (input.project_id, input.backup_id) = (p.get("project_id"), p.get("backup_id"));
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let backup = cloud
        .remove_backup(S, &input.backup_id.unwrap_or_default())
        .ok_or_else(|| ApiError::new(S, StatusCode::BAD_REQUEST, "DBS.201214", "The backup file does not exist."))?;
    let timeline = cloud.new_timeline(None);
    let job_id = crate::ids::uuid();
    let job = Job {
        id: job_id.clone(),
        name: "DeleteBackup",
        owner_id: backup.owner.id,
        owner_name: backup.owner.name,
        backup_id: Some(backup.id),
        timeline,
    };
    cloud.add_job(S, job);
    let mut out = delete_backup::DeleteBackupOutput::default();
    out.job_id = Some(job_id);
    Ok(json_response(StatusCode::ACCEPTED, &out))
}

/// `yyyy-mm-dd hh:mm:ss` in UTC, as the time filters are documented.
fn parse_time(field: &str, text: &Option<String>) -> Result<Option<OffsetDateTime>, ApiError> {
    let Some(text) = text else { return Ok(None) };
    PrimitiveDateTime::parse(text, format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
        .map(|t| Some(t.assume_utc()))
        .map_err(|_| ApiError::invalid(S, &format!("`{field}` must be formatted yyyy-mm-dd hh:mm:ss.")))
}

async fn list(State(app): State<AppState>, path: PathResult, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = list_backups::ListBackupsInput::default();
    input.project_id = p.get("project_id");
    (input.offset, input.limit) = (q.int("offset")?, q.int("limit")?);
    input.datastore_type = q.get("datastore_type").map(|v| v.as_str().into());
    input.r#type = q.get("type").map(|v| v.as_str().into());
    (input.instance_id, input.backup_id) = (q.get("instance_id"), q.get("backup_id"));
    input.backup_type = q.get("backup_type").map(|v| v.as_str().into());
    (input.begin_time, input.end_time) = (q.get("begin_time"), q.get("end_time"));
    ApiError::check(S, input.validate())?;
    let unknown = matches!(input.datastore_type, Some(ListBackupsDatastoreType::Unknown(_)))
        || matches!(input.r#type, Some(ListBackupsType::Unknown(_)))
        || matches!(input.backup_type, Some(ListBackupsBackupType::Unknown(_)));
    if unknown {
        return Err(ApiError::invalid(S, "`datastore_type`, `type` or `backup_type` is not a documented value."));
    }
    let (begin, end) = (parse_time("begin_time", &input.begin_time)?, parse_time("end_time", &input.end_time)?);
    let cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    // Emulated backups are manual instance backups of Cassandra instances.
    let kind_matches = input.datastore_type.as_ref().is_none_or(|d| d.as_str() == DATASTORE.0)
        && input.r#type.as_ref().is_none_or(|t| *t == ListBackupsType::Instance)
        && input.backup_type.as_ref().is_none_or(|t| *t == ListBackupsBackupType::Manual);
    let matching: Vec<types::Backup> = cloud
        .backups_of(S)
        .filter(|_| kind_matches)
        .filter(|b| input.instance_id.as_ref().is_none_or(|id| *id == b.owner.id))
        .filter(|b| input.backup_id.as_ref().is_none_or(|id| *id == b.id))
        .filter(|b| begin.is_none_or(|t| b.timeline.started_at >= t) && end.is_none_or(|t| b.timeline.started_at <= t))
        .map(backup)
        .collect();
    // `offset` is a page number from 1 (validated above), not an item offset.
    let (number, size) = (i64::from(input.offset.unwrap_or(1)), i64::from(input.limit.unwrap_or(10)));
    let mut out = list_backups::ListBackupsOutput::default();
    out.total_count = Some(i64::try_from(matching.len()).unwrap_or(i64::MAX));
    out.backups = Some(page(matching, (number - 1) * size, size));
    Ok(json_response(StatusCode::OK, &out))
}

async fn jobs(State(app): State<AppState>, path: PathResult, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = list_jobs::ListJobsInput::default();
    (input.project_id, input.id) = (p.get("project_id"), q.get("id"));
    (input.start_time, input.end_time) = (q.get("start_time"), q.get("end_time"));
    input.status = q.get("status").map(|v| v.as_str().into());
    input.name = q.get("name").map(|v| v.as_str().into());
    (input.offset, input.limit) = (q.int("offset")?, q.int("limit")?);
    ApiError::check(S, input.validate())?;
    if matches!(input.status, Some(JobDetailStatus::Unknown(_))) {
        return Err(ApiError::invalid(S, "`status` must be Running, Completed or Failed."));
    }
    let (start, end) = job_window(&input.start_time, &input.end_time)?;
    let cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let matching: Vec<JobDetail> = cloud
        .jobs_of(S)
        .filter(|j| input.id.as_ref().is_none_or(|id| *id == j.id))
        .filter(|j| input.name.as_ref().is_none_or(|n| n.as_str() == j.name))
        .filter(|j| input.status.as_ref().is_none_or(|s| s.as_str() == job_status_name(&j.timeline.phase())))
        .filter(|j| start.is_none_or(|t| j.timeline.started_at >= t) && end.is_none_or(|t| j.timeline.started_at <= t))
        .map(job_detail)
        .collect();
    let (offset, limit) = (i64::from(input.offset.unwrap_or(0)), i64::from(input.limit.unwrap_or(50)));
    let mut out = list_jobs::ListJobsOutput::default();
    out.total_count = Some(i32::try_from(matching.len()).unwrap_or(i32::MAX));
    out.jobs = Some(page(matching, offset, limit));
    Ok(json_response(StatusCode::OK, &out))
}

/// The documented task time window: `yyyy-mm-ddThh:mm:ssZ` bounds, the end after the start, at most 30 days.
fn job_window(
    start: &Option<String>,
    end: &Option<String>,
) -> Result<(Option<OffsetDateTime>, Option<OffsetDateTime>), ApiError> {
    let parse = |field: &str, text: &Option<String>| match text {
        None => Ok(None),
        Some(text) => crate::clock::parse_with_offset(text)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(S, &format!("`{field}` must be formatted yyyy-mm-ddThh:mm:ssZ."))),
    };
    let (start, end) = (parse("start_time", start)?, parse("end_time", end)?);
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start || end - start > time::Duration::days(30) {
            return Err(ApiError::invalid(S, "`end_time` must be after `start_time`, at most 30 days later."));
        }
    }
    Ok((start, end))
}

/// The spec's `job:` values: Running, Completed, Failed (no pending state is documented).
fn job_status_name(phase: &Phase) -> &'static str {
    match phase {
        Phase::Pending | Phase::Running { .. } => "Running",
        Phase::Succeeded => "Completed",
        Phase::Failed(_) => "Failed",
    }
}

fn job_detail(job: &Job) -> JobDetail {
    let phase = job.timeline.phase();
    let mut out = JobDetail::default();
    out.id = Some(job.id.clone());
    out.name = Some(job.name.into());
    out.status = Some(job_status_name(&phase).into());
    out.start_time = Some(crate::clock::with_offset(job.timeline.started_at));
    out.end_time = job.timeline.ended_at().map(crate::clock::with_offset);
    out.progress = Some(match phase {
        Phase::Pending => "0%".into(),
        Phase::Running { percent } => format!("{percent}%"),
        _ => String::new(),
    });
    let mut instance = JobInstanceInfo::default();
    (instance.id, instance.name) = (Some(job.owner_id.clone()), Some(job.owner_name.clone()));
    out.instance = Some(instance);
    out.fail_reason = Some(match phase {
        Phase::Failed(reason) => reason,
        _ => String::new(),
    });
    out
}

fn backup(backup: &Backup) -> types::Backup {
    let phase = backup.phase();
    let mut out = types::Backup::default();
    out.id = Some(backup.id.clone());
    out.name = Some(backup.name.clone());
    out.description = backup.description.clone();
    out.begin_time = Some(crate::clock::spaced(backup.timeline.started_at));
    out.end_time = backup.timeline.ended_at().map(crate::clock::spaced);
    out.status = Some(match phase {
        Phase::Pending | Phase::Running { .. } => BackupStatus::Building,
        Phase::Succeeded => BackupStatus::Completed,
        Phase::Failed(_) => BackupStatus::Failed,
    });
    out.size = (phase == Phase::Succeeded).then_some(1160.60254);
    out.r#type = Some(BackupType::Manual);
    out.instance_id = Some(backup.owner.id.clone());
    out.instance_name = Some(backup.owner.name.clone());
    let mut datastore = BackupDatastore::default();
    (datastore.r#type, datastore.version) = (Some(DATASTORE.0.into()), Some(DATASTORE.1.into()));
    out.datastore = Some(datastore);
    out
}

/// The documented answer to restore information that names nothing restorable.
fn invalid_restore(detail: &str) -> ApiError {
    ApiError::new(S, StatusCode::BAD_REQUEST, "DBS.301024", format!("Invalid backup restore information. {detail}"))
}

/// The points an instance can be restored to: when each of its successful backups started (the documented answer
/// has start_time equal to end_time), oldest first.
fn restorable_points(cloud: &Cloud, instance_id: &str) -> Vec<i64> {
    cloud.restorable_backups(S, instance_id).map(|b| crate::clock::millis(b.timeline.started_at)).collect()
}

/// What `restore_info` brings: a successful backup's data, or an instance's data at one of its restorable points.
fn restored_data(cloud: &mut Cloud, info: &types::RestoreInfo) -> Result<Dataset, ApiError> {
    match (&info.backup_id, &info.source_instance_id, info.restore_time) {
        (_, Some(source), Some(ms)) => {
            let source = cloud.resource(S, source).ok_or_else(|| ApiError::resource_not_found(S))?;
            if !restorable_points(cloud, &source.id).contains(&ms) {
                return Err(invalid_restore("The restore time is not a restorable time point of the instance."));
            }
            let t = crate::clock::from_millis(ms).ok_or_else(|| invalid_restore("The restore time is invalid."))?;
            cloud.contents(S, &source.id).at(t).cloned().ok_or_else(|| invalid_restore("No data at that time."))
        }
        (Some(backup_id), _, _) => match cloud.backup(S, backup_id) {
            None => Err(ApiError::new(S, StatusCode::BAD_REQUEST, "DBS.201214", "The backup file does not exist.")),
            Some(backup) if !backup.restorable() => Err(invalid_restore("The backup is not complete.")),
            Some(backup) => Ok(backup.data.clone()),
        },
        _ => Err(invalid_restore("Give backup_id, or source_instance_id with restore_time.")),
    }
}

/// The policy of an instance nobody set one for: daily backups from 00:00 to 01:00, kept 7 days.
fn default_policy() -> Policy {
    Policy { keep_days: 7, start_time: Some("00:00-01:00".into()), period: Some("1,2,3,4,5,6,7".into()) }
}

/// Creates an instance, empty or restored (`restore_info`) from a backup or from an instance at a point in time.
async fn create_new_instance(
    State(app): State<AppState>,
    path: PathResult,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: create_instance::CreateInstanceRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    if header_str(&headers, "content-type").is_none() {
        return Err(ApiError::missing(S, "Content-Type"));
    }
    let mut cloud = app.store.lock();
    project(&cloud, p.get("project_id").as_ref())?;
    let (data, job_name) = match &parsed.restore_info {
        None => (Dataset::default(), "CreateInstance"),
        Some(info) => (restored_data(&mut cloud, info)?, "RestoreNewInstance"),
    };
    let resource = Resource { id: crate::ids::db_instance_id("in06"), name: parsed.name.clone() };
    let timeline = cloud.new_timeline(None);
    let job_id = crate::ids::uuid();
    let job = Job {
        id: job_id.clone(),
        name: job_name,
        owner_id: resource.id.clone(),
        owner_name: resource.name.clone(),
        backup_id: None,
        timeline: timeline.clone(),
    };
    cloud.add_job(S, job);
    cloud.add_resource(S, resource.clone(), Contents::arriving(data, timeline.clone()));
    let mut policy = default_policy();
    if let Some(strategy) = &parsed.backup_strategy {
        policy.start_time = Some(strategy.start_time.clone());
        policy.keep_days = strategy.keep_days.as_deref().and_then(|d| d.trim().parse().ok()).unwrap_or(7);
    }
    cloud.policies.insert((S, resource.id.clone()), policy.clone());
    let mut out = create_instance::CreateInstanceOutput::default();
    (out.id, out.name, out.status) = (Some(resource.id), Some(resource.name), Some("creating".into()));
    out.created = Some(crate::clock::spaced(timeline.started_at));
    let mut datastore = types::InstanceDatastoreResult::default();
    datastore.r#type = Some(parsed.datastore.r#type.as_str().into());
    datastore.version = Some(parsed.datastore.version.clone());
    datastore.storage_engine = Some(parsed.datastore.storage_engine.as_str().into());
    out.datastore = Some(datastore);
    (out.region, out.availability_zone) = (Some(parsed.region), Some(parsed.availability_zone));
    (out.vpc_id, out.subnet_id) = (Some(parsed.vpc_id), Some(parsed.subnet_id));
    (out.security_group_id, out.mode) = (Some(parsed.security_group_id), Some(parsed.mode.as_str().into()));
    let flavors = parsed.flavor.iter().map(|f| {
        let mut shown = types::FlavorResult::default();
        (shown.num, shown.size) = (Some(f.num.clone()), Some(f.size.clone()));
        (shown.storage, shown.spec_code) = (Some(f.storage.clone()), Some(f.spec_code.clone()));
        shown
    });
    out.flavor = Some(flavors.collect());
    let mut strategy = types::BackupStrategyResult::default();
    (strategy.start_time, strategy.keep_days) = (policy.start_time, Some(policy.keep_days.to_string()));
    out.backup_strategy = Some(strategy);
    out.ssl_option = Some(parsed.ssl_option.unwrap_or_else(|| "0".into()));
    out.job_id = Some(job_id);
    Ok(json_response(StatusCode::ACCEPTED, &out))
}

/// The restorable points between `start_time` (default: a day ago) and `end_time` (default: now), paged.
async fn restore_times(State(app): State<AppState>, path: PathResult, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = list_restore_times::ListRestoreTimesInput::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    (input.start_time, input.end_time) = (q.get("start_time"), q.get("end_time"));
    (input.offset, input.limit) = (q.int("offset")?, q.int("limit")?);
    ApiError::check(S, input.validate())?;
    let parse = |field: &str, text: &Option<String>| match text {
        None => Ok(None),
        Some(text) => crate::clock::parse_with_offset(text)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(S, &format!("`{field}` must be formatted yyyy-mm-ddThh:mm:ssZ."))),
    };
    let (start, end) = (parse("start_time", &input.start_time)?, parse("end_time", &input.end_time)?);
    let now = OffsetDateTime::now_utc();
    let start = crate::clock::millis(start.unwrap_or(now - time::Duration::days(1)));
    let end = crate::clock::millis(end.unwrap_or(now));
    let cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let instance =
        cloud.resource(S, &input.instance_id.unwrap_or_default()).ok_or_else(|| ApiError::resource_not_found(S))?;
    let points: Vec<types::RestorableTime> = restorable_points(&cloud, &instance.id)
        .into_iter()
        .filter(|ms| (start..=end).contains(ms))
        .map(|ms| {
            let mut point = types::RestorableTime::default();
            (point.start_time, point.end_time) = (Some(ms), Some(ms));
            point
        })
        .collect();
    let (offset, limit) = (i64::from(input.offset.unwrap_or(0)), i64::from(input.limit.unwrap_or(1000)));
    let mut out = list_restore_times::ListRestoreTimesOutput::default();
    out.total_count = Some(i32::try_from(points.len()).unwrap_or(i32::MAX));
    out.restorable_time_periods = Some(page(points, offset, limit));
    Ok(json_response(StatusCode::OK, &out))
}

/// The instance's policy as both show APIs print it: keep_days alone when automated backups are off.
fn shown_policy(
    cloud: &Cloud,
    project_id: Option<&String>,
    instance_id: Option<String>,
) -> Result<types::ShowBackupPolicyResult, ApiError> {
    project(cloud, project_id)?;
    let instance =
        cloud.resource(S, &instance_id.unwrap_or_default()).ok_or_else(|| ApiError::resource_not_found(S))?;
    let policy = cloud.policies.get(&(S, instance.id)).cloned().unwrap_or_else(default_policy);
    let mut shown = types::ShowBackupPolicyResult::default();
    shown.keep_days = Some(policy.keep_days);
    if policy.keep_days != 0 {
        (shown.start_time, shown.period) = (policy.start_time, policy.period);
        (shown.incremental_period, shown.differential_period) = (Some("0".into()), Some("0".into()));
    }
    Ok(shown)
}

async fn show_policy(State(app): State<AppState>, path: PathResult, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = show_backup_policy::ShowBackupPolicyInput::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    input.r#type = q.get("type").map(|v| v.as_str().into());
    ApiError::check(S, input.validate())?;
    let cloud = app.store.lock();
    let mut out = show_backup_policy::ShowBackupPolicyOutput::default();
    out.backup_policy = Some(shown_policy(&cloud, input.project_id.as_ref(), input.instance_id)?);
    Ok(json_response(StatusCode::OK, &out))
}

/// The v3 API, which the page documents with status 202.
async fn show_policy_v3(State(app): State<AppState>, path: PathResult, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = show_backup_policy_v3::ShowBackupPolicyV3Input::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    input.r#type = q.get("type").map(|v| v.as_str().into());
    ApiError::check(S, input.validate())?;
    let cloud = app.store.lock();
    let mut out = show_backup_policy_v3::ShowBackupPolicyV3Output::default();
    out.backup_policy = Some(shown_policy(&cloud, input.project_id.as_ref(), input.instance_id)?);
    out.database_tables = Some(Vec::new());
    Ok(json_response(StatusCode::ACCEPTED, &out))
}

/// Sets the policy; keep_days 0 turns automated backups off. Answers 204 with no body, as documented.
async fn set_policy(State(app): State<AppState>, path: PathResult, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: set_backup_policy::SetBackupPolicyRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut input = set_backup_policy::SetBackupPolicyInput::default();
    (input.project_id, input.instance_id) = (p.get("project_id"), p.get("instance_id"));
    input.backup_policy = Some(parsed.backup_policy.clone());
    ApiError::check(S, input.validate())?;
    let asked = parsed.backup_policy;
    let every_day = asked.period.as_deref().is_some_and(|p| {
        let mut days: Vec<&str> = p.split(',').map(str::trim).collect();
        days.sort_unstable();
        days == ["1", "2", "3", "4", "5", "6", "7"]
    });
    if (1..=6).contains(&asked.keep_days) && !every_day {
        let message = "Invalid backup period. With keep_days from 1 to 6, the period must be 1,2,3,4,5,6,7.";
        return Err(ApiError::new(S, StatusCode::BAD_REQUEST, "DBS.201101", message));
    }
    let mut cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let instance =
        cloud.resource(S, &input.instance_id.unwrap_or_default()).ok_or_else(|| ApiError::resource_not_found(S))?;
    let policy = match asked.keep_days {
        0 => Policy { keep_days: 0, start_time: None, period: None },
        days => Policy { keep_days: days, start_time: asked.start_time, period: asked.period },
    };
    cloud.policies.insert((S, instance.id), policy);
    Ok(StatusCode::NO_CONTENT.into_response())
}
