//! The `Паспорт` sheet every template carries: which form, which school, which term, who
//! filled it. Files without it are identified by their data sheets and given school and
//! term from the command line or the workspace configuration.

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::FormKind;
use crate::problem::{Problems, Rule};
use crate::read::text::fold;
use crate::read::values::{cell_str, cell_text, parse_date, parse_number, parse_school_year};
use crate::read::workbook::{Sheet, Workbook};
use crate::schema::Wave;
use crate::schema::{Period, Term};

/// The sheet's name in every blank; a file without it is identified by its data sheets.
pub const SHEET: &str = "Паспорт";

/// Labels of the `Паспорт` sheet, in template order.
pub const LABELS: [(&str, &str); 13] = [
    ("form", "Форма"),
    ("form_version", "Версия формы"),
    ("school_code", "Код ОО"),
    ("school_name", "Наименование ОО"),
    ("municipality", "Муниципалитет"),
    ("school_year", "Учебный год"),
    ("period", "Период"),
    ("filled_by", "Заполнил"),
    ("filled_on", "Дата заполнения"),
    ("questionnaire", "Анкета"),
    ("diagnostic", "Диагностика"),
    ("subject", "Предмет"),
    ("wave", "Волна"),
];

/// What a file says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Passport {
    /// `Форма`: which reader checks the file.
    pub form: FormKind,
    /// `Версия формы`: the blank's version the file was made from.
    pub form_version: i64,
    /// `Код ОО`: the school, also its folder in the store (so only safe characters).
    pub school_code: String,
    /// `Наименование ОО`, for the reports.
    pub school_name: String,
    /// `Муниципалитет`, by which the regional centre groups schools.
    pub municipality: String,
    /// `Учебный год` and `Период`: the term every record of the file belongs to.
    pub term: Term,
    /// The author's identity (`Заполнил`, surname and initials: [`crate::author::identity`]);
    /// empty is an author of its own.
    pub filled_by: String,
    /// `Заполнил` as written, for the summary and the log.
    pub filled_by_text: String,
    /// `Дата заполнения`.
    pub filled_on: Option<NaiveDate>,
    /// `Анкета`: the code of the questionnaire answered (folded); questionnaire form only.
    pub questionnaire: Option<String>,
    /// `Диагностика`: the diagnostic's name, e.g. `ОГЭ математика`; diagnostic form only.
    pub diagnostic: Option<String>,
    /// `Предмет` of a diagnostic.
    pub subject: Option<String>,
    /// `Волна`: start, mid or final, so that a questionnaire's or diagnostic's waves can be
    /// compared; required for those two forms.
    pub wave: Option<Wave>,
}

/// School and term given from outside the file, for workbooks without `Паспорт`.
#[derive(Debug, Clone, Default)]
pub struct Fallback {
    /// The school code, from the command line, else the workspace configuration's `[school]`.
    pub school_code: Option<String>,
    /// The school's name, from the workspace configuration's `[school]`.
    pub school_name: Option<String>,
    /// The school's municipality, from the workspace configuration's `[school]`.
    pub municipality: Option<String>,
    /// The term (school year and period), from the command line.
    pub term: Option<Term>,
}

/// A school code becomes a folder name in the store, so only safe characters are allowed.
pub fn is_valid_school_code(code: &str) -> bool {
    !code.is_empty()
        && code.chars().count() <= 32
        && !code.starts_with('.')
        && code
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// [`LABELS`]' keys with each label folded, once per process: the passport is read two or
/// three times per workbook, and folding the 13 labels for each of its rows was a twentieth
/// of validation.
fn folded_labels() -> &'static [(&'static str, String)] {
    static FOLDED: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    FOLDED.get_or_init(|| LABELS.iter().map(|(k, l)| (*k, fold(l))).collect())
}

/// Label -> (row, value) pairs of the `Паспорт` sheet: column A labels, column B values.
fn labelled_values(sheet: &Sheet) -> Vec<(&'static str, u32, &calamine::Data)> {
    let first_col = *sheet.col_span().start();
    let mut found = Vec::new();
    for row in sheet.row_span() {
        let Some(label) = cell_str(sheet.get(row, first_col)) else {
            continue;
        };
        let key = fold(&label);
        if let Some((k, _)) = folded_labels().iter().find(|(_, l)| *l == key) {
            found.push((*k, row, sheet.get(row, first_col + 1)));
        }
    }
    found
}

/// The sheet name, value cell and text as typed of a `Паспорт` field, for problems about
/// its value found after the passport was read.
pub fn field_cell(workbook: &Workbook, key: &str) -> Option<(String, (u32, u32), String)> {
    let sheet = workbook.sheet(SHEET)?;
    let (_, row, value) = labelled_values(sheet)
        .into_iter()
        .find(|(k, _, _)| *k == key)?;
    Some((
        sheet.name.clone(),
        (row, *sheet.col_span().start() + 1),
        cell_text(value).unwrap_or_default(),
    ))
}

/// The form `Паспорт` names, if it names a known one.
pub fn form_field(workbook: &Workbook) -> Option<FormKind> {
    let sheet = workbook.sheet(SHEET)?;
    let (_, _, value) = labelled_values(sheet)
        .into_iter()
        .find(|(k, _, _)| *k == "form")?;
    FormKind::parse(&cell_text(value)?)
}

/// What `Паспорт` allows.
pub enum Reading {
    /// Every field needed to store the file was read.
    Valid(Passport),
    /// The form is known but a field needed to store the file is wrong (the school code, the
    /// school year or period): the data sheets are checked all the same, against this
    /// stand-in, so the teacher learns every problem at once; nothing is stored.
    CheckOnly(Passport),
    /// Not even the form is known.
    Unreadable,
}

/// Reads `Паспорт`. `detected` is the form recognised from the data sheets, used when the
/// passport lacks `Форма`. Every missing or invalid field is reported.
pub fn read(
    workbook: &Workbook,
    detected: Option<FormKind>,
    fallback: &Fallback,
    problems: &mut Problems,
) -> Reading {
    let Some(sheet) = workbook.sheet(SHEET) else {
        return from_fallback(detected, fallback, problems)
            .map_or(Reading::Unreadable, Reading::Valid);
    };
    let fields = labelled_values(sheet);
    let name = sheet.name.clone();
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, row, v)| (*row, *v))
    };
    let text = |key: &str| get(key).and_then(|(_, v)| cell_text(v));
    let value_cell = |key: &str| get(key).map(|(row, _)| (row, *sheet.col_span().start() + 1));
    let label_of = |key: &str| {
        LABELS
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| key.to_string())
    };
    let missing = |key: &str, problems: &mut Problems| match value_cell(key) {
        Some(cell) => problems.rule(Rule::PassportField).error(
            &name,
            cell,
            "",
            format!("не заполнено поле «{}»", label_of(key)),
        ),
        None => problems.rule(Rule::PassportField).sheet_error(
            &name,
            format!(
                "нет строки «{}»: добавьте её (название в столбце A, значение в столбце B)",
                label_of(key)
            ),
        ),
    };

    let form = match text("form") {
        Some(t) => match FormKind::parse(&t) {
            Some(f) => Some(f),
            None => {
                let cell = value_cell("form").unwrap_or((0, 1));
                problems.rule(Rule::PassportValue).error(
                    &name,
                    cell,
                    &t,
                    format!(
                        "неизвестная форма; допустимо: {}",
                        FormKind::ALL.map(|f| f.russian()).join(", ")
                    ),
                );
                None
            }
        },
        None if detected.is_some() => detected,
        None => {
            missing("form", problems);
            None
        }
    };
    let form_version = match get("form_version") {
        Some((_, v)) => match parse_number(v, &mut Vec::new()) {
            Ok(Some(n)) if n.fract() == 0.0 && n >= 1.0 => n as i64,
            _ => {
                problems.rule(Rule::PassportValue).error(
                    &name,
                    value_cell("form_version").unwrap_or((0, 1)),
                    &cell_text(v).unwrap_or_default(),
                    "«Версия формы» — целое число, например 1",
                );
                0
            }
        },
        None => {
            missing("form_version", problems);
            0
        }
    };
    let required = |key: &str, problems: &mut Problems| {
        let value = text(key).or_else(|| match key {
            "school_code" => fallback.school_code.clone(),
            "school_name" => fallback.school_name.clone(),
            "municipality" => fallback.municipality.clone(),
            _ => None,
        });
        if value.is_none() {
            missing(key, problems);
        }
        value.unwrap_or_default()
    };
    let school_code = required("school_code", problems);
    let school_name = required("school_name", problems);
    let municipality = required("municipality", problems);
    if !school_code.is_empty() && !is_valid_school_code(&school_code) {
        problems.rule(Rule::PassportValue).error(
            &name,
            value_cell("school_code").unwrap_or((0, 1)),
            &school_code,
            "«Код ОО» — буквы, цифры и дефис, например 2315-001",
        );
    }

    let year = match text("school_year") {
        Some(t) => parse_school_year(&t).or_else(|| {
            problems.rule(Rule::PassportValue).error(
                &name,
                value_cell("school_year").unwrap_or((0, 1)),
                &t,
                "«Учебный год» записывается как 2025/2026",
            );
            None
        }),
        None => fallback.term.map(|t| t.year).or_else(|| {
            missing("school_year", problems);
            None
        }),
    };
    let period = match text("period") {
        Some(t) => Period::parse(&t).or_else(|| {
            let allowed = Period::ALL.map(|p| p.russian()).join(", ");
            problems.rule(Rule::PassportValue).error(
                &name,
                value_cell("period").unwrap_or((0, 1)),
                &t,
                format!("неизвестный период; допустимо: {allowed}"),
            );
            None
        }),
        None => fallback.term.map(|t| t.period).or_else(|| {
            missing("period", problems);
            None
        }),
    };
    let filled_on = get("filled_on").and_then(|(_, v)| match parse_date(v, &mut Vec::new()) {
        Ok(d) => d,
        Err(()) => {
            problems.rule(Rule::PassportValue).warning(
                &name,
                value_cell("filled_on"),
                &cell_text(v).unwrap_or_default(),
                "«Дата заполнения» не похожа на дату и не учтена",
            );
            None
        }
    });
    let wave = match text("wave") {
        Some(t) => Wave::parse(&t).or_else(|| {
            problems.rule(Rule::PassportValue).error(
                &name,
                value_cell("wave").unwrap_or((0, 1)),
                &t,
                "неизвестная волна; допустимо: входная, промежуточная, итоговая",
            );
            None
        }),
        None => None,
    };
    let Some(form) = form else {
        return Reading::Unreadable;
    };
    let needs_wave = matches!(form, FormKind::Questionnaire | FormKind::Diagnostic);
    if needs_wave && text("wave").is_none() {
        missing("wave", problems);
    }
    let questionnaire = text("questionnaire");
    if form == FormKind::Questionnaire && questionnaire.is_none() {
        missing("questionnaire", problems);
    }
    let diagnostic = text("diagnostic");
    if form == FormKind::Diagnostic && diagnostic.is_none() {
        missing("diagnostic", problems);
    }
    // A code that cannot be a folder name never reaches the store, not even with --accept-partial.
    let storable = is_valid_school_code(&school_code) && year.is_some() && period.is_some();
    // An attendance journal's dates are checked against the school year: without it, there
    // is nothing to check them against.
    if year.is_none() && form == FormKind::Attendance {
        return Reading::Unreadable;
    }
    let passport = Passport {
        form,
        form_version,
        school_code,
        school_name,
        municipality,
        term: Term {
            year: year.unwrap_or_default(),
            period: period.unwrap_or(Period::Y),
        },
        filled_by: text("filled_by")
            .map(|a| crate::author::identity(&a))
            .unwrap_or_default(),
        filled_by_text: text("filled_by")
            .map(|a| crate::author::as_written(&a))
            .unwrap_or_default(),
        filled_on,
        questionnaire: questionnaire.map(|q| fold(&q)),
        diagnostic,
        subject: text("subject"),
        wave,
    };
    if storable {
        Reading::Valid(passport)
    } else {
        Reading::CheckOnly(passport)
    }
}

/// A file without `Паспорт`: everything must come from the fallback.
fn from_fallback(
    detected: Option<FormKind>,
    fallback: &Fallback,
    problems: &mut Problems,
) -> Option<Passport> {
    let Some(form) = detected else {
        let sheets = FormKind::ALL.map(|f| f.sheets()[0].name).join(", ");
        problems.rule(Rule::NoPassport).file_error(format!(
            "не удалось определить форму: нет листа «Паспорт» и ни одного листа формы ({sheets}). Возьмите бланк из папки templates"
        ));
        return None;
    };
    if matches!(form, FormKind::Questionnaire | FormKind::Diagnostic) {
        problems.rule(Rule::NoPassport).file_error(format!(
            "нет листа «Паспорт»: для формы «{}» он обязателен (в нём название анкеты или диагностики и волна). Скопируйте лист «Паспорт» из бланка и заполните его",
            form.russian()
        ));
        return None;
    }
    let (Some(code), Some(term)) = (
        fallback
            .school_code
            .clone()
            .filter(|c| is_valid_school_code(c)),
        fallback.term,
    ) else {
        problems.rule(Rule::NoPassport).file_error(format!(
            "нет листа «Паспорт»: форма «{}» узнана по заголовкам, но неизвестны школа и период. Добавьте лист «Паспорт» из бланка или запустите с параметрами --school КОД --term \"2025/2026 Q1\"",
            form.russian()
        ));
        return None;
    };
    Some(Passport {
        form,
        form_version: 1,
        school_name: fallback.school_name.clone().unwrap_or_else(|| code.clone()),
        municipality: fallback.municipality.clone().unwrap_or_default(),
        school_code: code,
        term,
        filled_by: String::new(),
        filled_by_text: String::new(),
        filled_on: None,
        questionnaire: None,
        diagnostic: None,
        subject: None,
        wave: None,
    })
}

impl Passport {
    /// The submission key in words (workflow.md): form, instrument, wave and author.
    /// School and term are part of the key too, through the store partition.
    pub fn key(&self) -> String {
        self.key_naming(&self.filled_by)
    }

    /// The key in words with the author as written: what the ingest log shows, so a later
    /// file of the same author can say which spelling it replaced.
    pub fn key_as_written(&self) -> String {
        self.key_naming(&self.filled_by_text)
    }

    fn key_naming(&self, author: &str) -> String {
        let instrument = self
            .questionnaire
            .as_deref()
            .or(self.diagnostic.as_deref())
            .map(fold)
            .unwrap_or_default();
        let wave = self.wave.map(|w| w.code()).unwrap_or_default();
        format!("{}|{instrument}|{wave}|{author}", self.form.code())
    }

    /// A short stable hash of school, term and key: names the submission's store files.
    pub fn key_id(&self) -> String {
        let text = format!("{}|{}|{}", self.school_code, self.term.label(), self.key());
        crate::digest::short_sha256(text.as_bytes())
    }
}
