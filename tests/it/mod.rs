mod cli;
mod ingest;
mod quirks;
mod report;
mod templates;
mod util;
