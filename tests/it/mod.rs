mod cli;
mod ingest;
mod quirks;
mod templates;
mod util;
