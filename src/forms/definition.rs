//! A questionnaire definition as a workbook a methodologist edits in Excel or LibreOffice,
//! in XLSForm's shape with Russian names: `Анкета` (label in column A, value in B),
//! `Вопросы` (one row per item), `Варианты` (list name, option) and `Компетенции` (code,
//! name). Written for the shipped definitions by `init`, read back cell by cell: every
//! mistake names its sheet and cell, like a teacher's file. [`load`] reads a workspace's
//! `templates/questionnaires/` (these workbooks and the older TOML) over the shipped
//! definitions; the caller reports a refused workbook and writes its annotated copy.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::spec::{Column, col};
use super::table::{data_rows, locate_header};
use crate::definitions::{self, Competency, Definitions, Direction, Item, Questionnaire, Scale};
use crate::problem::{Problems, Rule, Severity};
use crate::read::text::{canonical_code, fold};
use crate::read::values::cell_text;
use crate::read::workbook::Limits;
use crate::read::workbook::{Sheet, Workbook as Book};

/// The sheet describing the questionnaire: label in column A, value in B.
pub const ABOUT: &str = "Анкета";
/// The sheet of items, one a row.
pub const ITEMS: &str = "Вопросы";
/// The sheet of option lists: list name, option.
pub const OPTIONS: &str = "Варианты";
/// The sheet of competencies: code, name.
pub const COMPETENCIES: &str = "Компетенции";

/// Labels of `Анкета`, in order.
const CODE: &str = "Код анкеты";
const TITLE: &str = "Название";
const RESPONDENTS: &str = "Кто заполняет";
const ANONYMOUS: &str = "Анонимная";
const DIRECTION: &str = "Направление шкалы";
const INSTRUCTION: &str = "Инструкция";
const VERSION: &str = "Версия";

const HIGHER_BETTER: &str = "чем выше, тем лучше";
const HIGHER_WORSE: &str = "чем выше, тем хуже";

const ITEM_COLUMNS: [Column; 8] = [
    col("code", "Код", true),
    col("text", "Текст вопроса", true),
    col("scale", "Шкала", true),
    col("min", "Мин.", false),
    col("max", "Макс.", false),
    col("competency", "Компетенция", false),
    col("list", "Список вариантов", false),
    col("required", "Обязательный", false),
];
const OPTION_COLUMNS: [Column; 2] = [col("list", "Список", true), col("option", "Вариант", true)];
const COMPETENCY_COLUMNS: [Column; 2] = [col("code", "Код", true), col("name", "Название", true)];

fn parse_scale(text: &str) -> Option<Scale> {
    let key = fold(text);
    let code = |s: Scale| format!("{s:?}").to_lowercase();
    Scale::ALL
        .into_iter()
        .find(|s| fold(s.russian()) == key || code(*s) == key)
}

/// The definition as a workbook with the document `properties` the caller gives.
pub fn write(q: &Questionnaire, properties: &DocProperties) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(properties);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let ws = wb.add_worksheet();
    ws.set_name(ABOUT)?;
    let direction = match q.direction {
        Some(Direction::HigherBetter) => HIGHER_BETTER,
        Some(Direction::HigherWorse) => HIGHER_WORSE,
        None => "",
    };
    let about = [
        (CODE, q.code.clone()),
        (TITLE, q.title.clone()),
        (RESPONDENTS, q.respondents.join(", ")),
        (
            ANONYMOUS,
            if q.anonymous { "да" } else { "нет" }.to_string(),
        ),
        (DIRECTION, direction.to_string()),
        (INSTRUCTION, q.instruction.clone()),
        (VERSION, q.version.to_string()),
    ];
    for (r, (label, value)) in about.iter().enumerate() {
        ws.write_string_with_format(r as u32, 0, *label, &header)?;
        ws.write_string_with_format(r as u32, 1, value, &wrap)?;
    }
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 90)?;

    let ws = wb.add_worksheet();
    ws.set_name(ITEMS)?;
    for (c, column) in ITEM_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, column.header, &header)?;
    }
    let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, item) in q.items.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &item.code)?;
        ws.write_string_with_format(r, 1, &item.text, &wrap)?;
        ws.write_string(r, 2, item.scale.russian())?;
        if let (Some(min), Some(max)) = (item.min, item.max) {
            ws.write_number(r, 3, min as f64)?;
            ws.write_number(r, 4, max as f64)?;
        }
        ws.write_string(r, 5, item.competency.as_deref().unwrap_or_default())?;
        if !item.options.is_empty() {
            ws.write_string(r, 6, &item.code)?;
            lists.insert(item.code.clone(), item.options.clone());
        }
        if item.required {
            ws.write_string(r, 7, "да")?;
        }
    }
    for (c, w) in [8, 60, 20, 6, 6, 14, 18, 14].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 0)?;

    let ws = wb.add_worksheet();
    ws.set_name(OPTIONS)?;
    ws.write_string_with_format(0, 0, OPTION_COLUMNS[0].header, &header)?;
    ws.write_string_with_format(0, 1, OPTION_COLUMNS[1].header, &header)?;
    let mut r = 1;
    for (list, options) in &lists {
        for option in options {
            ws.write_string(r, 0, list)?;
            ws.write_string(r, 1, option)?;
            r += 1;
        }
    }
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 40)?;

    let ws = wb.add_worksheet();
    ws.set_name(COMPETENCIES)?;
    ws.write_string_with_format(0, 0, COMPETENCY_COLUMNS[0].header, &header)?;
    ws.write_string_with_format(0, 1, COMPETENCY_COLUMNS[1].header, &header)?;
    for (i, c) in q.competencies.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, &c.code)?;
        ws.write_string(i as u32 + 1, 1, &c.name)?;
    }
    ws.set_column_width(0, 10)?;
    ws.set_column_width(1, 60)?;
    wb.save_to_buffer()
}

/// A definition workbook refused for its mistakes.
pub struct Refused {
    /// The workbook's path.
    pub path: PathBuf,
    /// Its bytes as read, for the annotated copy.
    pub bytes: Vec<u8>,
    /// Its problems, each with sheet and cell.
    pub problems: Problems,
}

impl Refused {
    /// The errors, one a line, indented.
    pub fn listed(&self) -> Vec<String> {
        self.problems
            .items
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| format!("  {p}"))
            .collect()
    }
}

/// The folder of the store where the workspace keeps a copy of every questionnaire version
/// whose answers arrived: `<store>/questionnaires/<code>/v<version>.xlsx`.
pub fn kept_dir(store: &Path) -> PathBuf {
    store.join("questionnaires")
}

/// The shipped definitions plus those in `dir` (which win on the same code) and the
/// versions kept in `kept` ([`kept_dir`]), and the definition workbooks refused for their
/// mistakes (the caller reports them). A definition that changed what answers mean (an item
/// removed, added, or with another scale) without a new version, after answers of its
/// version arrived, is refused too. A TOML file with a mistake, or a file that cannot be
/// read, is an error.
pub fn load(dir: &Path, kept: &Path) -> anyhow::Result<(Definitions, Vec<Refused>)> {
    let mut defs = Definitions::shipped()?;
    let mut refused = Vec::new();
    for path in workbooks_under(kept)? {
        match read_file(&path)? {
            Ok(q) => defs.keep(q),
            Err(r) => refused.push(r),
        }
    }
    if !dir.is_dir() {
        return Ok((defs, refused));
    }
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // Lock files of an open workbook and the annotated copies written beside a
        // definition with mistakes are not definitions.
        if name.starts_with("~$") || name.starts_with('.') || name.contains(".ошибки.") {
            continue;
        }
        match path.extension().and_then(|x| x.to_str()) {
            Some("toml") => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("не удалось прочитать {}", path.display()))?;
                let q = definitions::parse(&path.display().to_string(), &text)?;
                if let Some(why) = changed_without_new_version(&q, &defs, kept) {
                    anyhow::bail!("ошибка в описании анкеты {}: {why}", path.display());
                }
                defs.add(q);
            }
            Some("xlsx" | "xlsm" | "ods" | "xls") => match read_file(&path)? {
                Ok(q) => match changed_without_new_version(&q, &defs, kept) {
                    None => defs.add(q),
                    Some(why) => refused.push(version_refused(&path, why)?),
                },
                Err(r) => refused.push(r),
            },
            _ => {}
        }
    }
    Ok((defs, refused))
}

/// The workbooks in the folders under `dir`, in order (none when it does not exist).
fn workbooks_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    if !dir.is_dir() {
        return Ok(paths);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("не удалось прочитать {}", dir.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "xlsx") {
            paths.push(entry.into_path());
        }
    }
    Ok(paths)
}

/// Why `q` may not replace the kept copy of its version: answers of that version arrived
/// and `q` reads or counts them differently. `None` when it may.
fn changed_without_new_version(
    q: &Questionnaire,
    defs: &Definitions,
    kept: &Path,
) -> Option<String> {
    let before = defs.kept(&q.code, q.version)?;
    let mut changes: Vec<String> = definitions::incomparable(before, q)
        .into_iter()
        .map(|(item, why)| format!("{item}: {why}"))
        .collect();
    if before.direction != q.direction {
        changes.push("изменилось направление шкалы".into());
    }
    if changes.is_empty() {
        return None;
    }
    let next = defs
        .known_versions(&q.code)
        .last()
        .copied()
        .unwrap_or(q.version)
        + 1;
    Some(format!(
        "анкета «{}» изменилась после того, как пришли ответы версии {} ({}); чтобы прежние ответы читались и считались как раньше, укажите «{VERSION}» {next} (копия версии {} хранится в {})",
        q.code,
        q.version,
        changes.join("; "),
        q.version,
        kept_path(kept, before).display()
    ))
}

/// Where the copy of `q`'s version is kept.
fn kept_path(kept: &Path, q: &Questionnaire) -> PathBuf {
    kept.join(&q.code).join(format!("v{}.xlsx", q.version))
}

/// Keeps a copy of `q` (the version answers just arrived for) under `kept`, unless there
/// is one: from then on its answers are read and counted by this copy, whatever later
/// edits of the definition say.
pub fn keep_version(
    kept: &Path,
    q: &Questionnaire,
    properties: &DocProperties,
) -> anyhow::Result<()> {
    let path = kept_path(kept, q);
    if path.exists() {
        return Ok(());
    }
    let bytes =
        write(q, properties).with_context(|| format!("не удалось записать {}", path.display()))?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("не удалось создать папку {}", parent.display()))?;
    }
    // Whole and on disk before the log line commits the answers read by it: a run killed
    // while writing it left an empty copy that refused every later run.
    crate::atomic::write_durably(&path, &bytes)
}

/// A definition workbook refused because it changed without a new version: the problem
/// names its `Версия` cell.
fn version_refused(path: &Path, why: String) -> anyhow::Result<Refused> {
    let bytes =
        std::fs::read(path).with_context(|| format!("не удалось прочитать {}", path.display()))?;
    let book = crate::read::workbook::open(&bytes, Limits::default())
        .map_err(|e| anyhow::anyhow!("описание анкеты {}: {e}", path.display()))?;
    let mut problems = Problems::default();
    let (cell, found) = book
        .sheet(ABOUT)
        .and_then(|sheet| {
            sheet.row_span().find_map(|r| {
                (cell_text(sheet.get(r, 0)).is_some_and(|l| fold(&l) == fold(VERSION)))
                    .then(|| ((r, 1), cell_text(sheet.get(r, 1)).unwrap_or_default()))
            })
        })
        .unwrap_or(((0, 1), String::new()));
    problems
        .rule(Rule::Definition)
        .error(ABOUT, cell, &found, why);
    Ok(Refused {
        path: path.to_path_buf(),
        bytes,
        problems,
    })
}

/// Reads one definition workbook: the definition, or the workbook refused with its problems.
fn read_file(path: &Path) -> anyhow::Result<Result<Questionnaire, Refused>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("не удалось прочитать {}", path.display()))?;
    let book = crate::read::workbook::open(&bytes, Limits::default())
        .map_err(|e| anyhow::anyhow!("описание анкеты {}: {e}", path.display()))?;
    let mut problems = Problems::default();
    match read(&book, &mut problems) {
        Some(q) if !problems.has_errors() => {
            q.validate()
                .with_context(|| format!("ошибка в описании анкеты {}", path.display()))?;
            Ok(Ok(q))
        }
        _ => Ok(Err(Refused {
            path: path.to_path_buf(),
            bytes,
            problems,
        })),
    }
}

/// Reads a definition workbook; every mistake is a problem naming its sheet and cell.
pub fn read(book: &Book, problems: &mut Problems) -> Option<Questionnaire> {
    let mut sheet = |name: &str| {
        let found = book.sheet(name);
        if found.is_none() {
            problems
                .rule(Rule::MissingSheet)
                .file_error(format!("нет листа «{name}»: в описании анкеты нужны листы {ABOUT}, {ITEMS}, {OPTIONS}, {COMPETENCIES}"));
        }
        found
    };
    let (about, items, options, competencies) = (
        sheet(ABOUT),
        sheet(ITEMS),
        sheet(OPTIONS),
        sheet(COMPETENCIES),
    );
    let (about, items, options, competencies) = (about?, items?, options?, competencies?);
    let mut q = read_about(about, problems);
    q.competencies = read_competencies(competencies, problems);
    let lists = read_options(options, problems);
    q.items = read_items(items, &lists, &q, problems);
    check_competencies_used(competencies, &q, problems);
    (!problems.has_errors()).then_some(q)
}

/// `Анкета`: label in column A, value in B.
fn read_about(sheet: &Sheet, problems: &mut Problems) -> Questionnaire {
    let mut values: HashMap<String, (String, (u32, u32))> = HashMap::new();
    for r in sheet.row_span() {
        if let Some(label) = cell_text(sheet.get(r, 0)) {
            values.insert(
                fold(&label),
                (cell_text(sheet.get(r, 1)).unwrap_or_default(), (r, 1)),
            );
        }
    }
    let (code, code_cell) = about_value(&values, problems, CODE, true);
    if !code.is_empty()
        && !code
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        problems.rule(Rule::Definition).error(
            ABOUT,
            code_cell,
            &code,
            "код анкеты становится именем файла: только буквы, цифры, дефис и подчёркивание, без пробелов",
        );
    }
    let (title, _) = about_value(&values, problems, TITLE, true);
    let (respondents, _) = about_value(&values, problems, RESPONDENTS, true);
    let (anonymous, anonymous_cell) = about_value(&values, problems, ANONYMOUS, false);
    let anonymous = match fold(&anonymous).as_str() {
        "" | "нет" => false,
        "да" => true,
        _ => {
            problems.rule(Rule::ClosedList).error(
                ABOUT,
                anonymous_cell,
                &anonymous,
                "допустимо: «да» или «нет»",
            );
            false
        }
    };
    let (direction, direction_cell) = about_value(&values, problems, DIRECTION, false);
    let direction = match fold(&direction) {
        d if d.is_empty() => None,
        d if d == fold(HIGHER_BETTER) || d == "higher_better" => Some(Direction::HigherBetter),
        d if d == fold(HIGHER_WORSE) || d == "higher_worse" => Some(Direction::HigherWorse),
        _ => {
            problems.rule(Rule::ClosedList).error(
                ABOUT,
                direction_cell,
                &direction,
                format!("допустимо: «{HIGHER_BETTER}» или «{HIGHER_WORSE}»"),
            );
            None
        }
    };
    let (instruction, _) = about_value(&values, problems, INSTRUCTION, false);
    let (version, version_cell) = about_value(&values, problems, VERSION, true);
    let version = version
        .trim()
        .trim_end_matches(".0")
        .parse::<i64>()
        .unwrap_or_else(|_| {
            if !version.is_empty() {
                problems.rule(Rule::Number).error(
                    ABOUT,
                    version_cell,
                    &version,
                    "версия — целое число: 1, 2, …",
                );
            }
            1
        });
    Questionnaire {
        code,
        title,
        version,
        respondents: respondents
            .split([',', ';'])
            .map(|r| r.trim().to_lowercase())
            .filter(|r| !r.is_empty())
            .collect(),
        anonymous,
        direction,
        instruction,
        competencies: Vec::new(),
        items: Vec::new(),
    }
}

/// The value beside `label` on `Анкета` and its cell; a required one missing is a problem.
fn about_value(
    values: &HashMap<String, (String, (u32, u32))>,
    problems: &mut Problems,
    label: &str,
    required: bool,
) -> (String, (u32, u32)) {
    match values.get(&fold(label)).cloned() {
        Some((v, cell)) if !v.is_empty() || !required => (v, cell),
        Some((v, cell)) => {
            problems
                .rule(Rule::Required)
                .error(ABOUT, cell, &v, format!("не заполнено «{label}»"));
            (v, cell)
        }
        None => {
            if required {
                problems.rule(Rule::Required).sheet_error(
                    ABOUT,
                    format!("нет строки «{label}» (подпись в столбце A, значение в B)"),
                );
            }
            (String::new(), (0, 1))
        }
    }
}

fn read_competencies(sheet: &Sheet, problems: &mut Problems) -> Vec<Competency> {
    let Some(header) = locate_header(sheet, &COMPETENCY_COLUMNS, problems) else {
        return Vec::new();
    };
    let mut out: Vec<Competency> = Vec::new();
    let mut counts = Default::default();
    for r in data_rows(sheet, &header, &mut counts, problems) {
        let text = |key: &str| {
            header
                .col(key)
                .and_then(|c| cell_text(sheet.get(r, c)))
                .unwrap_or_default()
        };
        out.push(Competency {
            code: canonical_code(&text("code"), &mut Vec::new()).into_owned(),
            name: text("name"),
        });
    }
    out
}

/// List name -> options, in sheet order.
fn read_options(sheet: &Sheet, problems: &mut Problems) -> HashMap<String, Vec<String>> {
    let mut lists: HashMap<String, Vec<String>> = HashMap::new();
    let Some(header) = locate_header(sheet, &OPTION_COLUMNS, problems) else {
        return lists;
    };
    let mut counts = Default::default();
    for r in data_rows(sheet, &header, &mut counts, problems) {
        let text = |key: &str| header.col(key).and_then(|c| cell_text(sheet.get(r, c)));
        if let (Some(list), Some(option)) = (text("list"), text("option")) {
            lists.entry(fold(&list)).or_default().push(option);
        }
    }
    lists
}

fn read_items(
    sheet: &Sheet,
    lists: &HashMap<String, Vec<String>>,
    q: &Questionnaire,
    problems: &mut Problems,
) -> Vec<Item> {
    let Some(header) = locate_header(sheet, &ITEM_COLUMNS, problems) else {
        return Vec::new();
    };
    let mut items: Vec<Item> = Vec::new();
    let mut counts = Default::default();
    for r in data_rows(sheet, &header, &mut counts, problems) {
        let cell = |key: &str| header.col(key).map(|c| (r, c)).unwrap_or((r, 0));
        let text = |key: &str| {
            header
                .col(key)
                .and_then(|c| cell_text(sheet.get(r, c)))
                .unwrap_or_default()
        };
        let code = canonical_code(&text("code"), &mut Vec::new()).into_owned();
        if code.is_empty() {
            problems
                .rule(Rule::Required)
                .error(ITEMS, cell("code"), "", "у вопроса нет кода");
            continue;
        }
        if items.iter().any(|i| i.code == code) {
            problems.rule(Rule::DuplicateKey).error(
                ITEMS,
                cell("code"),
                &code,
                "код вопроса повторяется: у каждого вопроса свой код",
            );
        }
        let scale_text = text("scale");
        let Some(scale) = parse_scale(&scale_text) else {
            let allowed = Scale::ALL.map(Scale::russian).join(", ");
            problems.rule(Rule::ClosedList).error(
                ITEMS,
                cell("scale"),
                &scale_text,
                format!("неизвестная шкала; допустимо: {allowed}"),
            );
            continue;
        };
        let number = |key: &str| {
            text(key)
                .replace(',', ".")
                .trim()
                .parse::<f64>()
                .ok()
                .map(|v| v as i64)
        };
        let (min, max) = (number("min"), number("max"));
        let competency = Some(canonical_code(&text("competency"), &mut Vec::new()).into_owned())
            .filter(|c| !c.is_empty());
        let mut options = Vec::new();
        match scale {
            Scale::Likert => {
                if !matches!((min, max), (Some(a), Some(b)) if a < b) {
                    let found = format!("{} — {}", text("min"), text("max"));
                    problems.rule(Rule::Definition).error(
                        ITEMS,
                        cell("min"),
                        &found,
                        "у шкалы нужны целые «Мин.» и «Макс.», минимум меньше максимума: 1 и 4",
                    );
                }
                match &competency {
                    None => problems.rule(Rule::Definition).error(
                        ITEMS,
                        cell("competency"),
                        "",
                        "у вопроса со шкалой укажите компетенцию с листа «Компетенции»",
                    ),
                    Some(c) if !q.competencies.iter().any(|k| &k.code == c) => {
                        problems.rule(Rule::Definition).error(
                            ITEMS,
                            cell("competency"),
                            c,
                            "такой компетенции нет на листе «Компетенции»",
                        )
                    }
                    _ => {}
                }
                if q.direction.is_none() {
                    problems.rule(Rule::Definition).error(
                        ITEMS,
                        cell("scale"),
                        &scale_text,
                        format!("у анкеты со шкалами заполните «{DIRECTION}» на листе «{ABOUT}»"),
                    );
                }
            }
            Scale::Choice | Scale::Multi => {
                let list = text("list");
                options = lists.get(&fold(&list)).cloned().unwrap_or_default();
                if options.is_empty() {
                    problems.rule(Rule::Definition).error(
                        ITEMS,
                        cell("list"),
                        &list,
                        format!("список вариантов пуст: впишите его варианты на лист «{OPTIONS}» (столбец «Список» — это имя, «Вариант» — вариант)"),
                    );
                }
            }
            _ => {}
        }
        let required = match fold(&text("required")).as_str() {
            "" | "нет" => false,
            "да" => true,
            other => {
                problems.rule(Rule::ClosedList).error(
                    ITEMS,
                    cell("required"),
                    other,
                    "допустимо: «да» или «нет» (пусто — нет)",
                );
                false
            }
        };
        items.push(Item {
            code,
            text: text("text"),
            scale,
            min,
            max,
            competency,
            options,
            required,
        });
    }
    if items.is_empty() && !problems.has_errors() {
        problems
            .rule(Rule::Definition)
            .sheet_error(ITEMS, "в анкете нет ни одного вопроса");
    }
    items
}

/// A competency no item measures is a mistake: it would show as an empty bar.
fn check_competencies_used(sheet: &Sheet, q: &Questionnaire, problems: &mut Problems) {
    let Some(header) = locate_header(sheet, &COMPETENCY_COLUMNS, &mut Problems::default()) else {
        return;
    };
    let Some(code_col) = header.col("code") else {
        return;
    };
    for r in data_rows(
        sheet,
        &header,
        &mut Default::default(),
        &mut Problems::default(),
    ) {
        let code = canonical_code(
            &cell_text(sheet.get(r, code_col)).unwrap_or_default(),
            &mut Vec::new(),
        )
        .into_owned();
        if !code.is_empty()
            && !q
                .items
                .iter()
                .any(|i| i.competency.as_deref() == Some(code.as_str()))
        {
            problems.rule(Rule::Definition).error(
                COMPETENCIES,
                (r, code_col),
                &code,
                "эту компетенцию не измеряет ни один вопрос: укажите её у вопросов или удалите строку",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::open;

    #[test]
    fn every_shipped_definition_survives_the_workbook_round_trip() {
        for q in Definitions::shipped().unwrap().all() {
            let bytes = write(q, &DocProperties::new()).unwrap();
            let book = open(&bytes, Limits::default()).unwrap();
            let mut problems = Problems::default();
            let back = read(&book, &mut problems)
                .unwrap_or_else(|| panic!("{}: {:?}", q.code, problems.items));
            assert_eq!(
                (&back.code, &back.title, back.version, back.anonymous),
                (&q.code, &q.title, q.version, q.anonymous)
            );
            assert_eq!(
                (&back.respondents, back.direction, &back.instruction),
                (&q.respondents, q.direction, &q.instruction)
            );
            let items = |q: &Questionnaire| -> Vec<String> {
                q.items.iter().map(|i| format!("{i:?}")).collect()
            };
            assert_eq!(items(&back), items(q));
            assert_eq!(
                format!("{:?}", back.competencies),
                format!("{:?}", q.competencies)
            );
        }
    }
}
