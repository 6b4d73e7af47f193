//! Where a client's settings come from when code does not give them, in the order the official Huawei Cloud SDKs
//! use: environment variables, the profile file `~/.huaweicloud/credentials`, the regions file
//! `~/.huaweicloud/regions.yaml`, and the ECS metadata service. See the crate docs, "Configuring like the official
//! SDKs", for each lookup order.

mod chain;
pub mod env;
pub(crate) mod profile;
pub(crate) mod regions_file;
pub(crate) mod vars;

pub(crate) use chain::{default_credentials, Provided};
