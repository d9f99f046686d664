"""The alternative a methodologist's programmer would write: pandas + openpyxl over the same
workbooks, computing school attendance rate, diagnostic percent and route completion.
Not part of CI. Usage: python3 benches/pandas_baseline.py FOLDER_WITH_XLSX
"""
import sys
import time
from pathlib import Path

import pandas as pd

start = time.perf_counter()
marks, scores, tasks, routes = [], [], [], []
for path in sorted(Path(sys.argv[1]).rglob("*.xlsx")):
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    passport = dict(zip(sheets["Паспорт"].iloc[:, 0], sheets["Паспорт"].iloc[:, 1]))
    school, period = passport["Код ОО"], passport["Период"]
    if "Посещаемость" in sheets:
        m = sheets["Посещаемость"].melt(id_vars=["ID"], var_name="event", value_name="mark").dropna()
        m["school"], m["period"] = school, period
        marks.append(m)
    if "Результаты" in sheets:
        r = sheets["Результаты"].melt(id_vars=["ID"], var_name="task", value_name="points")
        r["school"], r["period"] = school, period
        scores.append(r)
        t = sheets["Задания"].rename(columns={"№": "task", "Макс. балл": "max"})
        t["school"], t["period"] = school, period
        tasks.append(t)
    if "Маршрут" in sheets:
        rt = sheets["Маршрут"].copy()
        rt["school"], rt["period"] = school, period
        routes.append(rt)

att = pd.concat(marks)
att["present"] = att["mark"].isin(["+", 1, "1"])
att_rate = att.groupby(["school", "period"])["present"].mean() * 100

res = pd.concat(scores).merge(pd.concat(tasks), on=["school", "period", "task"])
person = res.groupby(["school", "period", "ID"]).agg(points=("points", "sum"), max=("max", "sum"), present=("points", lambda p: p.notna().any()))
person = person[person["present"]]
d_pct = (person["points"] / person["max"] * 100).groupby(["school", "period"]).mean()

rt = pd.concat(routes)
rt["done"] = rt["Статус"] == "выполнено"
r_done = rt.groupby(["school", "period"])["done"].mean() * 100

print(f"pandas + openpyxl: {len(att_rate)} school terms, {time.perf_counter() - start:.1f} s")
