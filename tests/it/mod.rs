mod ingest;
mod quirks;
mod util;
