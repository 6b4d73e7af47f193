//! TaurusDB: manual backups (create, list, delete) and the task center's job lookup.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Router;
use hwcloud::taurusdb::types::{
    self, BackupStatus, BackupType, FullBackup, FullBackupType, JobInstance, ListBackupsBackupType, MysqlDatastore,
};
use hwcloud::taurusdb::{create_backup, delete_backup, list_backups, show_job};
use time::OffsetDateTime;

use crate::errors::{ApiError, Service};
use crate::jobs::{Job, Phase};
use crate::router::{finish, route, AppState};
use crate::state::{failure_by_name, Backup, Cloud, Origin};
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
    cloud.backups.push(Backup {
        service: S,
        id: backup_id.clone(),
        name: parsed.name.clone(),
        description: parsed.description.clone(),
        owner: instance.clone(),
        origin: Origin::Manual,
        timeline: timeline.clone(),
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
