"""Reads a tutorstat store with DuckDB, as anyone who outgrows one machine would, and checks
it against tutorstat's own figures: the school attendance rate (indicators.md, `att_rate`,
pooled) for every school and term. Not part of CI.

Usage: python3 benches/duckdb_store.py WORKSPACE   (after `tutorstat run` on it; pip install duckdb)
"""

import csv
import glob
import os
import sys
import time

import duckdb

ws = sys.argv[1]
start = time.perf_counter()
# Hive partitions: store/<table>/term_slug=<slug>/school=<code>/<file>.parquet
rates = duckdb.sql(
    f"""
    select term, school_code,
           100.0 * count(*) filter (where mark = 'present') / count(*) as att_rate
    from read_parquet('{ws}/store/attendance/*/*/*.parquet', hive_partitioning = true)
    group by all
    """
).fetchall()
elapsed = time.perf_counter() - start

ours = {}
for path in glob.glob(os.path.join(ws, "reports", "*", "indicators.csv")):
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["scope"] == "school" and row["indicator"] == "att_rate" and row["group"] == "":
                ours[(row["term"], row["school_code"])] = float(row["value"])

worst = max(abs(rate - ours[(term, school)]) for term, school, rate in rates)
print(f"DuckDB: att_rate of {len(rates)} school terms in {elapsed:.2f} s; largest difference from indicators.csv: {worst:.2e}")
assert len(rates) == len(ours) and worst < 1e-9
