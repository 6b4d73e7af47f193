//! Ready-made values for the parameters of an operation (an existing graph, instance, finished backup or job),
//! so that examples and tests can call any operation against the emulator without setting the scene by hand.
//! The generated rustdoc examples of `hwcloud` use it for every resource id they need.

use std::time::Duration;

use hwcloud_runtime::OperationSpec;

use crate::errors::Service;
use crate::jobs::{Job, Timeline};
use crate::server::Emulator;
use crate::state::{Backup, Origin, Power};

/// A parameter [`Emulator::fixture`] has no value for.
#[derive(Debug, thiserror::Error)]
#[error("the emulator has no fixture for `{field}` of {operation}; set the parameter yourself")]
pub struct FixtureError {
    operation: String,
    field: String,
}

impl Emulator {
    /// A valid value for parameter `field` of `operation`, from the emulator's state: the seeded graph or
    /// instance of the operation's service (`graph_id`, any `*instance_id`; for `start_graph`, the graph stopped
    /// first), a new finished manual backup of it (`backup_id`, `graph_backup_id`), the id of that backup's
    /// finished job (`job_id`, and `id` of the job operations), a time that backup makes restorable (`restore_time`,
    /// milliseconds), an OBS path (`import_path`, `export_path`), or a network id (`vpc_id`, `subnet_id`,
    /// `security_group_id`). A field inside an object is named by its path, e.g. `restore_point.backup_id`.
    pub async fn fixture(&self, operation: &OperationSpec, field: &str) -> Result<String, FixtureError> {
        let service = match operation.service.name {
            "ges" => Service::Ges,
            "geminidb" => Service::GeminiDb,
            "taurusdb" => Service::TaurusDb,
            _ => return Err(self.no_fixture(operation, field)),
        };
        let owner = match service {
            Service::Ges => self.graph_id(),
            Service::GeminiDb => self.geminidb_instance_id(),
            _ => self.taurusdb_instance_id(),
        };
        let name = field.rsplit('.').next().unwrap_or(field);
        match name {
            "graph_id" if operation.name == "start_graph" => Ok(self.stopped_graph(owner)),
            "graph_id" => Ok(owner.to_owned()),
            _ if name.ends_with("instance_id") => Ok(owner.to_owned()),
            "backup_id" | "graph_backup_id" => Ok(self.finished_backup(service, owner).0),
            "job_id" | "id" => Ok(self.finished_backup(service, owner).1),
            "restore_time" => Ok(self.restorable_time(service, owner)),
            "import_path" => Ok("obs://bucket/backups/example".to_owned()),
            "export_path" => Ok("obs://bucket/exports/".to_owned()),
            "vpc_id" | "subnet_id" | "security_group_id" => Ok(crate::ids::uuid()),
            _ => Err(self.no_fixture(operation, field)),
        }
    }

    /// `graph`, stopped at once (a graph must be stopped before it can be started).
    fn stopped_graph(&self, graph: &str) -> String {
        let mut cloud = self.app.store.lock();
        cloud.power_of(graph).change(Power::Stopped, Timeline::new(Duration::ZERO, None));
        graph.to_owned()
    }

    /// A time `owner` can be restored to, in milliseconds: when a new finished backup of it started (a restorable
    /// point of GeminiDB, inside TaurusDB's restorable range).
    fn restorable_time(&self, service: Service, owner: &str) -> String {
        let (backup_id, _) = self.finished_backup(service, owner);
        let cloud = self.app.store.lock();
        let started = cloud.backup(service, &backup_id).map(|b| b.timeline.started_at);
        started.map(crate::clock::millis).unwrap_or_default().to_string()
    }

    fn no_fixture(&self, operation: &OperationSpec, field: &str) -> FixtureError {
        FixtureError { operation: operation.to_string(), field: field.to_owned() }
    }

    /// A manual backup of `owner` whose job has already succeeded: `(backup id, job id)`.
    fn finished_backup(&self, service: Service, owner: &str) -> (String, String) {
        let mut cloud = self.app.store.lock();
        let owner = cloud
            .resource(service, owner)
            .unwrap_or_else(|| crate::state::Resource { id: owner.to_owned(), name: owner.to_owned() });
        let (backup_id, job_id, job_name) = match service {
            Service::Ges => (crate::ids::uuid(), crate::ids::hex(32), "BackupGraph"),
            Service::GeminiDb => (crate::ids::db_backup_id("br06"), crate::ids::uuid(), "BackupInstance"),
            _ => (crate::ids::db_backup_id("br07"), crate::ids::uuid(), "CreateMysqlBackup"),
        };
        let timeline = Timeline::new(Duration::ZERO, None);
        let backup_count = cloud.backups_of(service).count();
        let data = cloud.contents(service, &owner.id).current().clone();
        cloud.backups.push(Backup {
            service,
            id: backup_id.clone(),
            name: format!("fixture-backup-{}", backup_count + 1),
            description: None,
            owner: owner.clone(),
            origin: Origin::Manual,
            timeline: timeline.clone(),
            data,
        });
        let job = Job {
            id: job_id.clone(),
            name: job_name,
            owner_id: owner.id,
            owner_name: owner.name,
            backup_id: Some(backup_id.clone()),
            timeline,
        };
        cloud.add_job(service, job);
        (backup_id, job_id)
    }
}
