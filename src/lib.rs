//! tutorstat: teachers' workbooks in, monitoring reports out.
//!
//! The pipeline, one module or folder per stage: `discover` -> `read` -> `forms` (validate)
//! -> `store` -> `indicators` (compute) -> `report` (render); `ingest` drives one file's
//! journey through the first four; `session` opens a command's workspace and configuration
//! once, and the binary's `cmd/` wires each command to the stages.

pub mod annotate;
pub mod atomic;
pub mod author;
pub mod blank;
pub mod config;
pub mod definitions;
pub mod demo;
pub mod digest;
pub mod discover;
pub mod forms;
pub mod frame;
pub mod fuzzing;
pub mod indicators;
pub mod ingest;
pub mod package;
pub mod parallel;
pub mod privacy;
pub mod problem;
pub mod progress;
pub mod read;
pub mod register;
pub mod report;
pub mod russian;
pub mod schema;
pub mod session;
pub mod status;
pub mod store;
pub mod watch;
pub mod workspace;
