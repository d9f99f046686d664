//! Test helpers: temporary workspaces, workbooks built in code, the real binary, and
//! readers for what it leaves behind (store, log, rejected problem lists).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::prelude::ParquetReader;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use tempfile::TempDir;

/// A cell value for a workbook built in a test.
#[derive(Debug, Clone)]
pub enum V {
    S(String),
    N(f64),
    D(u16, u8, u8),
    /// A formula and the result the spreadsheet program cached for it.
    F(&'static str, &'static str),
    E,
}

impl From<&str> for V {
    fn from(s: &str) -> V {
        if s.is_empty() {
            V::E
        } else {
            V::S(s.to_string())
        }
    }
}
impl From<String> for V {
    fn from(s: String) -> V {
        V::from(s.as_str())
    }
}
impl From<f64> for V {
    fn from(n: f64) -> V {
        V::N(n)
    }
}
impl From<i32> for V {
    fn from(n: i32) -> V {
        V::N(n as f64)
    }
}

/// Builds a row from mixed values: `row!["У-1", 3, ""]`.
#[macro_export]
macro_rules! row {
    ($($v:expr),* $(,)?) => { vec![$($crate::it::util::V::from($v)),*] };
}

pub type Sheet = (String, Vec<Vec<V>>);

pub fn sheet(name: &str, rows: Vec<Vec<V>>) -> Sheet {
    (name.to_string(), rows)
}

/// Writes an .xlsx with the given sheets (rows from A1).
pub fn write_xlsx(path: &Path, sheets: &[Sheet]) {
    let mut wb = Workbook::new();
    // A fixed creation date: the same sheets always give the same bytes (and SHA-256).
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2025, 10, 1).unwrap()),
    );
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    V::S(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    V::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    V::D(y, m, d) => {
                        ws.write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                            &date,
                        )
                        .unwrap();
                    }
                    V::F(formula, cached) => {
                        ws.write_formula(
                            r,
                            c,
                            rust_xlsxwriter::Formula::new(*formula).set_result(*cached),
                        )
                        .unwrap();
                    }
                    V::E => {}
                }
            }
        }
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).unwrap();
    }
    wb.save(path).unwrap();
}

/// A `Паспорт` sheet for school 2315-001, 2025/2026, 1 четверть, with extra fields.
pub fn passport(form: &str, extra: &[(&str, V)]) -> Sheet {
    let mut rows = vec![
        row!["Поле", "Значение"],
        row!["Форма", form],
        row!["Версия формы", 1],
        row!["Код ОО", "2315-001"],
        row!["Наименование ОО", "МБОУ СОШ № 1"],
        row!["Муниципалитет", "г. Новоморск"],
        row!["Учебный год", "2025/2026"],
        row!["Период", "1 четверть"],
    ];
    let mut overridden = Vec::new();
    for (label, value) in extra {
        match rows
            .iter_mut()
            .find(|r| matches!(&r[0], V::S(s) if s == label))
        {
            Some(row) => row[1] = value.clone(),
            None => overridden.push(vec![V::from(*label), value.clone()]),
        }
    }
    rows.extend(overridden);
    sheet("Паспорт", rows)
}

/// A valid roster: two tutors, two mentors, one teacher, three students.
pub fn roster() -> Vec<Sheet> {
    vec![
        passport(
            "Состав участников",
            &[("Заполнил", V::from("Петрова А. А."))],
        ),
        sheet(
            "Состав",
            vec![
                row![
                    "ID",
                    "ФИО",
                    "Роль",
                    "Класс",
                    "Предмет",
                    "Стаж, лет",
                    "Тьютор (ID)"
                ],
                row!["Т-1", "Иванова Мария Петровна", "тьютор", "", "", 12, ""],
                row!["Т-2", "Соколов Игорь Олегович", "тьютор", "", "", 7, ""],
                row![
                    "Н-1",
                    "Кузнецова Ольга Викторовна",
                    "наставник",
                    "",
                    "математика",
                    20,
                    "Т-1"
                ],
                row![
                    "Н-2",
                    "Орлова Наталья Сергеевна",
                    "наставник",
                    "",
                    "русский язык",
                    3,
                    "Т-2"
                ],
                row![
                    "П-1",
                    "Волков Андрей Ильич",
                    "педагог",
                    "",
                    "физика",
                    15,
                    ""
                ],
                row![
                    "У-1",
                    "Смирнов Артём Дмитриевич",
                    "обучающийся",
                    "9А",
                    "",
                    "",
                    "Т-1"
                ],
                row![
                    "У-2",
                    "Морозова Дарья Алексеевна",
                    "обучающийся",
                    "9А",
                    "",
                    "",
                    "Т-1"
                ],
                row![
                    "У-3",
                    "Лебедев Кирилл Романович",
                    "обучающийся",
                    "6Б",
                    "",
                    "",
                    "Т-2"
                ],
            ],
        ),
    ]
}

/// A valid attendance journal for the roster: three events, marks for four people.
pub fn attendance() -> Vec<Sheet> {
    vec![
        passport(
            "Журнал посещаемости",
            &[("Заполнил", V::from("Иванова М. П."))],
        ),
        sheet(
            "События",
            vec![
                row!["Код события", "Дата", "Вид", "Тема", "Часы", "Уровень"],
                vec![
                    V::from("С1"),
                    V::D(2025, 9, 12),
                    V::from("групповой тьюториал"),
                    V::from("Мои цели на год"),
                    V::N(2.0),
                    V::from("школьный"),
                ],
                vec![
                    V::from("С2"),
                    V::D(2025, 9, 26),
                    V::from("семинар"),
                    V::from("Ресурсная карта"),
                    V::N(1.0),
                    V::E,
                ],
                vec![
                    V::from("С3"),
                    V::D(2025, 10, 10),
                    V::from("заседание клуба"),
                    V::E,
                    V::E,
                    V::E,
                ],
            ],
        ),
        sheet(
            "Посещаемость",
            vec![
                row!["ID", "ФИО", "С1", "С2", "С3"],
                row!["Н-1", "Кузнецова О. В.", "+", "+", "н"],
                row!["Н-2", "Орлова Н. С.", "+", "у", "+"],
                row!["У-1", "Смирнов А. Д.", "1", "0", ""],
                row!["У-2", "Морозова Д. А.", "б", "+", "+"],
            ],
        ),
    ]
}

/// A valid diagnostic: three tasks on two topics, two participants and one absent.
pub fn diagnostic() -> Vec<Sheet> {
    vec![
        passport(
            "Диагностика",
            &[
                ("Диагностика", V::from("ОГЭ математика")),
                ("Волна", V::from("входная")),
                ("Заполнил", V::from("Волков А. И.")),
            ],
        ),
        sheet(
            "Задания",
            vec![
                row!["№", "Макс. балл", "Код темы", "Тема (умение)"],
                row![1, 1, "Т1", "Действия с дробями"],
                row![2, 2, "Т1", "Действия с дробями"],
                row![3, 2, "Т2", "Уравнения"],
            ],
        ),
        sheet(
            "Результаты",
            vec![
                row!["ID", "ФИО", "1", "2", "3"],
                row!["У-1", "Смирнов А. Д.", 1, 2, 0],
                row!["У-2", "Морозова Д. А.", 0, 1, ""],
                row!["У-3", "Лебедев К. Р.", "", "", ""],
            ],
        ),
    ]
}

/// A valid `tutor-competency` start wave for the two mentors.
pub fn competency() -> Vec<Sheet> {
    let mut header = row!["ID", "ФИО"];
    let mut a = row!["Н-1", "Кузнецова О. В."];
    let mut b = row!["Н-2", "Орлова Н. С."];
    for k in 1..=5 {
        for m in 1..=3 {
            header.push(V::from(format!("К{k}.{m}")));
            a.push(V::N(((k + m) % 4 + 1) as f64));
            b.push(V::N(((k * m) % 4 + 1) as f64));
        }
    }
    vec![
        passport(
            "Анкета",
            &[
                ("Анкета", V::from("tutor-competency")),
                ("Волна", V::from("входная")),
                ("Заполнил", V::from("Иванова М. П.")),
            ],
        ),
        sheet("Ответы", vec![header, a, b]),
    ]
}

/// A valid route workbook for two students.
pub fn route() -> Vec<Sheet> {
    vec![
        passport(
            "Индивидуальные маршруты",
            &[("Заполнил", V::from("Иванова М. П."))],
        ),
        sheet(
            "Маршрут",
            vec![
                row![
                    "ID",
                    "Цель",
                    "Мероприятие",
                    "Уровень",
                    "Номинация",
                    "Срок",
                    "Статус",
                    "Результат",
                    "Подтверждение"
                ],
                vec![
                    V::from("У-1"),
                    V::from("Научиться выступать"),
                    V::from("Школьная конференция"),
                    V::from("школьный"),
                    V::from("Интеллект"),
                    V::D(2025, 10, 20),
                    V::from("выполнено"),
                    V::from("призёр"),
                    V::from("диплом"),
                ],
                row![
                    "У-1",
                    "Олимпиада",
                    "Муниципальный этап ВсОШ",
                    "муниципальный",
                    "Интеллект",
                    "ноябрь 2025",
                    "запланировано",
                    "",
                    ""
                ],
                row![
                    "У-2",
                    "Волонтёрство",
                    "Акция «Чистый берег»",
                    "школьный",
                    "Волонтёрство",
                    "сентябрь 2025",
                    "не выполнено",
                    "",
                    ""
                ],
            ],
        ),
    ]
}

/// A temporary workspace made by `tutorstat init`.
pub struct Ws {
    pub dir: TempDir,
}

impl Ws {
    pub fn new() -> Ws {
        let dir = tempfile::tempdir().unwrap();
        let ws = Ws { dir };
        let out = ws.run(&["init", ws.root().to_str().unwrap()]);
        assert!(out.status.success(), "init failed: {}", text(&out));
        ws
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a workbook into `inbox/`.
    pub fn drop(&self, name: &str, sheets: &[Sheet]) -> PathBuf {
        let path = self.path("inbox").join(name);
        write_xlsx(&path, sheets);
        path
    }

    /// Drops one valid workbook of every form kind: roster, journal, diagnostic,
    /// questionnaire and routes of the school in `roster()`.
    pub fn drop_every_form(&self) {
        self.drop("состав.xlsx", &roster());
        self.drop("журнал.xlsx", &attendance());
        self.drop("диагностика.xlsx", &diagnostic());
        self.drop("анкета.xlsx", &competency());
        self.drop("маршруты.xlsx", &route());
    }

    /// Runs the binary with a fixed clock; `--workspace` is added for commands that take it.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tutorstat"));
        cmd.args(args).env("SOURCE_DATE_EPOCH", "1763900000");
        if args.first().is_some_and(|a| *a != "init") {
            cmd.arg("--workspace").arg(self.root());
        }
        cmd.output().unwrap()
    }

    pub fn ingest(&self) -> Output {
        self.run(&["ingest"])
    }

    /// The ingest log as rows of column -> value.
    pub fn log(&self) -> Vec<BTreeMap<String, String>> {
        let path = self.path("store/ingest-log.csv");
        if !path.exists() {
            return Vec::new();
        }
        let mut reader = csv::Reader::from_path(path).unwrap();
        let headers = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                headers
                    .iter()
                    .zip(r.unwrap().iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    /// A store table's records, without the columns that name the source file, sorted.
    pub fn records(&self, table: &str) -> DataFrame {
        let dir = self.path("store").join(table);
        let mut frames = Vec::new();
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == "parquet") {
                let df = ParquetReader::new(fs::File::open(entry.path()).unwrap())
                    .finish()
                    .unwrap();
                frames.push(df.lazy());
            }
        }
        if frames.is_empty() {
            return DataFrame::empty();
        }
        let df = concat(frames, UnionArgs::default())
            .unwrap()
            .collect()
            .unwrap();
        let keep: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .filter(|n| {
                ![
                    "source_file",
                    "source_sha256",
                    "source_row",
                    "filled_on",
                    "author",
                    "seq",
                ]
                .contains(&n.as_str())
            })
            .collect();
        let df = df.select(keep).unwrap();
        df.sort(["_key"], SortMultipleOptions::default()).unwrap()
    }

    /// Files (relative names) in a workspace folder, sorted.
    pub fn files_in(&self, folder: &str) -> Vec<String> {
        let dir = self.path(folder);
        let mut names: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    }

    /// The problem list written beside a rejected file.
    pub fn problems_of(&self, name: &str) -> String {
        fs::read_to_string(self.path("rejected").join(format!("{name}.ошибки.txt")))
            .unwrap_or_default()
    }
}

/// stdout and stderr of a run, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A log entry's numeric column.
pub fn num(entry: &BTreeMap<String, String>, column: &str) -> usize {
    entry[column].parse().unwrap()
}

/// The same workbook from another school: passport's code, name and municipality replaced.
pub fn at_school(mut sheets: Vec<Sheet>, code: &str, name: &str, municipality: &str) -> Vec<Sheet> {
    for row in sheets[0].1.iter_mut() {
        let label = match &row[0] {
            V::S(l) => l.clone(),
            _ => continue,
        };
        match label.as_str() {
            "Код ОО" => row[1] = V::from(code),
            "Наименование ОО" => row[1] = V::from(name),
            "Муниципалитет" => row[1] = V::from(municipality),
            _ => {}
        }
    }
    sheets
}

/// The XML of one part inside an .xlsx (`xl/workbook.xml`, `xl/worksheets/sheet1.xml`).
pub fn sheet_xml(path: &Path, part: &str) -> String {
    use std::io::Read as _;
    let mut zip = ::zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

/// How [`pdf_pages`] has pdftotext order a PDF's text.
#[derive(Clone, Copy)]
pub enum PdfText {
    /// In reading order (pdftotext's default).
    Reading,
    /// As laid out on the page (`-layout`): columns of a table stay apart.
    Layout,
    /// In drawing order with whitespace collapsed (`-raw`): a box's text stays together.
    Raw,
}

/// The text of a PDF, a string per page (pdftotext's form feeds), pages without text left out.
pub fn pdf_pages(path: &Path, mode: PdfText) -> Vec<String> {
    let flag = match mode {
        PdfText::Reading => None,
        PdfText::Layout => Some("-layout"),
        PdfText::Raw => Some("-raw"),
    };
    let out = Command::new("pdftotext")
        .args(flag)
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed: .ci/run installs it");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(|p| match mode {
            PdfText::Raw => p.split_whitespace().collect::<Vec<_>>().join(" "),
            PdfText::Reading | PdfText::Layout => p.to_string(),
        })
        .collect()
}

/// Words of a PDF page (1-based) with their boxes, in points: (text, x_min, y_min, x_max, y_max).
pub fn pdf_words(path: &Path, page: usize) -> Vec<(String, f64, f64, f64, f64)> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let attr = |name: &str| -> f64 {
                let start = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                l[start..].split('"').next().unwrap().parse().unwrap()
            };
            let word = l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()].to_string();
            (word, attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax"))
        })
        .collect()
}

/// Every text a file carries: CSV as is, xlsx parts unzipped, PDF through pdftotext,
/// Parquet through polars (every cell as text).
pub fn readable_text(path: &Path) -> String {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    match ext {
        "xlsx" => {
            let mut zip = ::zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
            let mut all = String::new();
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                let mut text = String::new();
                let _ = std::io::Read::read_to_string(&mut part, &mut text);
                all.push_str(&text);
            }
            all
        }
        "pdf" => String::from_utf8(
            Command::new("pdftotext")
                .arg(path)
                .arg("-")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap(),
        "parquet" => {
            let df = ParquetReader::new(fs::File::open(path).unwrap())
                .finish()
                .unwrap();
            format!("{:?}", df.get_column_names())
                + &(0..df.height())
                    .map(|i| {
                        df.get_row(i)
                            .unwrap()
                            .0
                            .iter()
                            .map(|v| v.to_string())
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
        }
        _ => String::from_utf8_lossy(&fs::read(path).unwrap()).to_string(),
    }
}

/// The same workbook signed by another author (`Заполнил` of `Паспорт`).
pub fn signed(mut sheets: Vec<Sheet>, author: &str) -> Vec<Sheet> {
    sheets[0]
        .1
        .retain(|r| !matches!(&r[0], V::S(l) if l == "Заполнил"));
    sheets[0].1.push(vec![V::from("Заполнил"), V::from(author)]);
    sheets
}

/// Every sheet of a workbook read back with calamine, cells at their positions.
pub fn read_back(path: &std::path::Path) -> Vec<Sheet> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(path).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let mut rows: Vec<Vec<V>> = vec![Vec::new(); r0 as usize];
            for row in range.rows() {
                let mut cells: Vec<V> = vec![V::E; c0 as usize];
                cells.extend(row.iter().map(|c| match c {
                    Data::String(s) => V::S(s.clone()),
                    Data::Float(f) => V::N(*f),
                    Data::Int(i) => V::N(*i as f64),
                    Data::DateTime(d) => {
                        let d = d.as_datetime().unwrap().date();
                        V::D(
                            chrono::Datelike::year(&d) as u16,
                            chrono::Datelike::month(&d) as u8,
                            chrono::Datelike::day(&d) as u8,
                        )
                    }
                    _ => V::E,
                }));
                rows.push(cells);
            }
            sheet(&name, rows)
        })
        .collect()
}
