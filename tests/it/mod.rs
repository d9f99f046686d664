mod ingest;
mod util;
