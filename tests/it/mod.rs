mod cli;
mod corpus;
mod ingest;
mod quirks;
mod report;
mod templates;
mod util;
mod xlsx;
