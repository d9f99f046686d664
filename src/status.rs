//! `tutorstat status`: who still owes what. For each school (of the register, else those
//! seen in the ingest log) and each form it owes for a term: received (on time or late
//! against `[deadlines]`), rejected and waiting for a fix (the file and its first problem),
//! or missing. Read from the ingest log alone, so it is instant and never touches the store;
//! shown in the console and written as `reports/<term>/status.xlsx` to send round.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::config::{Config, Kind};
use crate::definitions::Definitions;
use crate::indicators::completeness::labels_owed;
use crate::read::text::fold;
use crate::register::RegisteredSchool;
use crate::report::names::Words;
use crate::schema::{Period, Term};
use crate::session::Session;
use crate::store::log::{Entry, Outcome};
use crate::store::{Columns, Store};
use crate::workspace::Workspace;

/// Where one form of one school stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// A file was rejected and no corrected file of the same submission came since.
    Waiting,
    /// Nothing arrived and the deadline has passed.
    Overdue,
    /// Nothing arrived yet.
    Missing,
    /// Arrived after the deadline.
    Late,
    /// Arrived, on time or with no deadline set.
    Received,
}

impl State {
    /// The state as the console and `status.xlsx` say it.
    pub fn russian(self) -> &'static str {
        match self {
            State::Waiting => "отклонена, ждёт исправления",
            State::Overdue => "не получена, срок прошёл",
            State::Missing => "не получена",
            State::Late => "получена с опозданием",
            State::Received => "получена",
        }
    }

    /// The cell colour of the state in `status.xlsx`.
    fn colour(self) -> Color {
        match self {
            State::Waiting => Color::RGB(0xFFEB9C),
            State::Overdue | State::Missing => Color::RGB(0xFFC7CE),
            State::Late => Color::RGB(0xFCE4D6),
            State::Received => Color::RGB(0xC6EFCE),
        }
    }
}

/// One form of one school, or one rejected file waiting for a fix.
#[derive(Debug, Clone)]
pub struct Row {
    /// The school that owes the form (name and municipality empty when unknown).
    pub school: RegisteredSchool,
    /// The expected form's label (`attendance`, `q:tutor-competency/start`, `package`).
    pub form: String,
    /// Where the form stands.
    pub state: State,
    /// When the form first arrived, or when the waiting file was rejected.
    pub date: Option<NaiveDate>,
    /// The waiting file in `rejected/`, relative to the workspace.
    pub file: String,
    /// The waiting file's first problem, as its problem list states it.
    pub problem: String,
}

/// The status of one term.
pub struct TermStatus {
    /// The term shown.
    pub term: Term,
    /// The term's deadline from `[deadlines]`, if set.
    pub deadline: Option<NaiveDate>,
    /// Per school, its forms in the order they are owed, each waiting file after its form.
    pub rows: Vec<Row>,
    /// Rejected files whose school or term could not be read, still in `rejected/`.
    pub unplaced: Vec<Row>,
}

/// Terms the log has seen, oldest first.
pub fn logged_terms(entries: &[Entry]) -> Vec<Term> {
    let terms: BTreeSet<Term> = entries
        .iter()
        .filter_map(|e| Term::parse(&e.term))
        .collect();
    terms.into_iter().collect()
}

/// The expected label a log entry delivers (`q:<code>/<wave>` for a questionnaire).
fn label_of(e: &Entry) -> String {
    let mut parts = e.key.split('|').skip(1);
    let (instrument, wave) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    match e.form.as_str() {
        "questionnaire" => format!("q:{instrument}/{wave}"),
        "diagnostic" => format!("d:{instrument}/{wave}"),
        other => other.to_string(),
    }
}

/// The day of a log time (`2025-11-23 10:00:00`).
fn day_of(e: &Entry) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(e.time.get(..10)?, "%Y-%m-%d").ok()
}

/// Whether a log entry belongs to `term` for `label`: a roster serves its whole school year.
fn of_term(e: &Entry, term: &Term, label: &str) -> bool {
    match Term::parse(&e.term) {
        Some(t) if label == "roster" => t.year == term.year,
        Some(t) => t == *term,
        None => false,
    }
}

/// The first problem of a rejected file, from the problem list beside it.
fn first_problem(ws: &Workspace, rejected: &str) -> String {
    let list =
        crate::ingest::beside_rejected(&ws.root.join(rejected), crate::ingest::Beside::ProblemList);
    let text = std::fs::read_to_string(list).unwrap_or_default();
    // The list opens with the file name, the counts and a blank line.
    text.lines()
        .skip(3)
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Rejected entries no later commit of the same submission key has fixed, the latest per key.
fn waiting(entries: &[Entry]) -> Vec<&Entry> {
    let mut out: Vec<&Entry> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.outcome != Outcome::Rejected || e.key_id.is_empty() {
            continue;
        }
        let superseded = entries[i + 1..].iter().any(|later| {
            later.key_id == e.key_id
                && (later.outcome.commits() || later.outcome == Outcome::Rejected)
        });
        if !superseded {
            out.push(e);
        }
    }
    out
}

/// Builds the status of `term` from the ingest log. Without a register: the schools seen in
/// the log for the term.
pub fn build(session: &Session, entries: &[Entry], term: Term, today: NaiveDate) -> TermStatus {
    let (ws, config, register) = (&session.ws, &session.config, &session.config.register);
    let deadline = config.deadline(&term);
    let labels = match config.kind {
        Kind::School => labels_owed(&config.expected, &term),
        Kind::Centre => vec!["package".to_string()],
    };
    let schools: Vec<RegisteredSchool> = if register.is_empty() {
        let codes: BTreeSet<&str> = entries
            .iter()
            .filter(|e| !e.school_code.is_empty() && labels.iter().any(|l| of_term(e, &term, l)))
            .map(|e| e.school_code.as_str())
            .collect();
        let names = names_in_store(&session.store(), &term);
        codes
            .into_iter()
            .map(|code| match names.get(code) {
                Some((name, municipality)) => RegisteredSchool {
                    code: code.to_string(),
                    name: name.clone(),
                    municipality: municipality.clone(),
                },
                None => unregistered(config, code),
            })
            .collect()
    } else {
        register.to_vec()
    };
    let waiting = waiting(entries);
    let mut rows = Vec::new();
    for school in &schools {
        for label in &labels {
            let mine = |e: &Entry| {
                e.school_code == school.code
                    && fold(&label_of(e)) == fold(label)
                    && of_term(e, &term, label)
            };
            let arrived = entries
                .iter()
                .filter(|e| mine(e) && e.outcome.commits())
                .filter_map(day_of)
                .min();
            let fixes: Vec<Row> = waiting
                .iter()
                .filter(|e| mine(e))
                .map(|e| Row {
                    school: school.clone(),
                    form: label.clone(),
                    state: State::Waiting,
                    date: day_of(e),
                    file: e.moved_to.clone(),
                    problem: first_problem(ws, &e.moved_to),
                })
                .collect();
            let state = match (arrived, deadline) {
                (Some(day), Some(d)) if day > d => Some(State::Late),
                (Some(_), _) => Some(State::Received),
                (None, _) if !fixes.is_empty() => None,
                (None, Some(d)) if today > d => Some(State::Overdue),
                (None, _) => Some(State::Missing),
            };
            if let Some(state) = state {
                rows.push(Row {
                    school: school.clone(),
                    form: label.clone(),
                    state,
                    date: arrived,
                    file: String::new(),
                    problem: String::new(),
                });
            }
            rows.extend(fixes);
        }
    }
    let nobody = unregistered(config, "");
    let unplaced = entries
        .iter()
        .filter(|e| {
            e.outcome == Outcome::Rejected
                && e.school_code.is_empty()
                && ws.root.join(&e.moved_to).is_file()
        })
        .map(|e| Row {
            school: nobody.clone(),
            form: String::new(),
            state: State::Waiting,
            date: day_of(e),
            file: e.moved_to.clone(),
            problem: first_problem(ws, &e.moved_to),
        })
        .collect();
    TermStatus {
        term,
        deadline,
        rows,
        unplaced,
    }
}

/// School names and municipalities as the school year's rosters spell them: a workspace
/// without a register knows its schools only from what they sent.
fn names_in_store(store: &Store, term: &Term) -> HashMap<String, (String, String)> {
    let mut names = HashMap::new();
    for period in Period::ALL {
        let columns = Columns::Only(&["school_code", "school_name", "municipality"]);
        let Ok(Some(frame)) = store.read_columns(
            crate::schema::Table::Roster,
            Some(&Term {
                year: term.year,
                period,
            }),
            None,
            columns,
        ) else {
            continue;
        };
        let column = |name: &str| frame.column(name).ok().and_then(|c| c.str().ok().cloned());
        let (Some(codes), Some(schools), Some(municipalities)) = (
            column("school_code"),
            column("school_name"),
            column("municipality"),
        ) else {
            continue;
        };
        for ((code, name), municipality) in
            codes.iter().zip(schools.iter()).zip(municipalities.iter())
        {
            if let (Some(code), Some(name), Some(municipality)) = (code, name, municipality) {
                names.insert(
                    code.to_string(),
                    (name.to_string(), municipality.to_string()),
                );
            }
        }
    }
    names
}

/// A school known only by its code: named from `[school]` when it is this school.
fn unregistered(config: &Config, code: &str) -> RegisteredSchool {
    let own = config.school.code.as_deref() == Some(code);
    RegisteredSchool {
        code: code.to_string(),
        name: if own {
            config.school.name.clone().unwrap_or_default()
        } else {
            String::new()
        },
        municipality: if own {
            config.school.municipality.clone().unwrap_or_default()
        } else {
            String::new()
        },
    }
}

/// A form in words: a questionnaire by its title, a diagnostic by its name, with the wave.
pub fn form_title(label: &str, words: &Words) -> String {
    if label == "package" {
        "Пакет данных школы".to_string()
    } else {
        words.form(label)
    }
}

fn day_text(day: Option<NaiveDate>) -> String {
    day.map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_default()
}

/// The status in the console: a block per school, the forms it owes and where each stands.
pub fn render(status: &TermStatus, definitions: &Definitions) -> String {
    let words = Words::new(definitions);
    let deadline = status
        .deadline
        .map(|d| format!(" (срок сдачи — {})", d.format("%d.%m.%Y")))
        .unwrap_or_default();
    let mut out = format!("Сдача форм за {}{deadline}\n", status.term.russian());
    let mut school = "";
    for row in &status.rows {
        if row.school.code != school {
            school = &row.school.code;
            let name = [row.school.name.as_str(), row.school.municipality.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&format!("\n{} {name}\n", row.school.code));
        }
        out.push_str(&format!(
            "  {} — {}",
            form_title(&row.form, &words),
            row.state.russian()
        ));
        if row.state == State::Waiting {
            out.push_str(&format!(": {}", row.file));
            if !row.problem.is_empty() {
                out.push_str(&format!(" — {}", row.problem));
            }
        } else if let Some(day) = row.date {
            out.push_str(&format!(" {}", day.format("%d.%m.%Y")));
        }
        out.push('\n');
    }
    if status.rows.is_empty() {
        out.push_str(
            "Нет ни одной школы: в реестре никого нет и за этот период файлов не приходило.\n",
        );
    }
    if !status.unplaced.is_empty() {
        out.push_str("\nОтклонённые файлы, у которых не удалось определить школу или период:\n");
        for row in &status.unplaced {
            out.push_str(&format!("  {} — {}\n", row.file, row.problem));
        }
    }
    let count = |states: &[State]| {
        status
            .rows
            .iter()
            .filter(|r| states.contains(&r.state))
            .count()
    };
    out.push_str(&format!(
        "\nИтого: получено {} (из них с опозданием {}), ждут исправления {}, не получено {}.\n",
        count(&[State::Received, State::Late]),
        count(&[State::Late]),
        count(&[State::Waiting]) + status.unplaced.len(),
        count(&[State::Missing, State::Overdue]),
    ));
    crate::problem::printable(&out)
}

/// `status.xlsx`: the same rows as a table to filter and send round, printable on A4.
pub fn write_xlsx(
    status: &TermStatus,
    definitions: &Definitions,
    produced: chrono::NaiveDateTime,
    path: &Path,
) -> anyhow::Result<()> {
    let words = Words::new(definitions);
    let mut wb = Workbook::new();
    let created = ExcelDateTime::parse_from_str(&produced.format("%Y-%m-%dT%H:%M:%S").to_string())?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title("Сдача форм")
            .set_author("tutorstat")
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet();
    ws.set_name("Сдача форм")?;
    let title = Format::new().set_bold().set_font_size(13);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let deadline = status
        .deadline
        .map(|d| format!("; срок сдачи — {}", d.format("%d.%m.%Y")))
        .unwrap_or_default();
    ws.write_string_with_format(
        0,
        0,
        format!("Сдача форм за {}{deadline}", status.term.russian()),
        &title,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "Составлено {}. Отклонённый файл исправляет педагог: ошибки перечислены в копии «…ошибки.xlsx» рядом с файлом.",
            produced.format("%d.%m.%Y %H:%M")
        ),
    )?;
    let columns: [(&str, f64); 8] = [
        ("Муниципалитет", 18.0),
        ("Код ОО", 11.0),
        ("Школа", 24.0),
        ("Форма", 30.0),
        ("Состояние", 22.0),
        ("Дата", 11.0),
        ("Файл", 28.0),
        ("Что исправить (первая ошибка)", 50.0),
    ];
    for (c, (name, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *name, &header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    let mut r = 4u32;
    for row in status.rows.iter().chain(&status.unplaced) {
        let values = [
            row.school.municipality.clone(),
            row.school.code.clone(),
            row.school.name.clone(),
            if row.form.is_empty() {
                "не определена".to_string()
            } else {
                form_title(&row.form, &words)
            },
            row.state.russian().to_string(),
            day_text(row.date),
            row.file.clone(),
            row.problem.clone(),
        ];
        for (c, value) in values.iter().enumerate() {
            let format = if c == 4 {
                cell.clone().set_background_color(row.state.colour())
            } else {
                cell.clone()
            };
            ws.write_string_with_format(r, c as u16, value, &format)?;
        }
        r += 1;
    }
    ws.set_freeze_panes(4, 0)?;
    ws.autofilter(3, 0, r.saturating_sub(1).max(3), columns.len() as u16 - 1)?;
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(3, 3)?;
    ws.set_header("&L&\"-,Bold\"Сдача форм&R&D");
    ws.set_footer("&Cстр. &P из &N");
    let bytes = wb.save_to_buffer()?;
    crate::atomic::write(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(outcome: Outcome, key_id: &str, time: &str) -> Entry {
        Entry {
            time: time.into(),
            file: "inbox/ж.xlsx".into(),
            moved_to: "rejected/ж.xlsx".into(),
            sha256: String::new(),
            outcome,
            form: "attendance".into(),
            school_code: "1".into(),
            term: "2025/2026 Q1".into(),
            key: "attendance|||орлов п с".into(),
            key_id: key_id.into(),
            rows_read: 0,
            rows_stored: 0,
            rows_rejected: 0,
            rows_blank: 0,
            warnings: 0,
            errors: 0,
            added: 0,
            removed: 0,
            changed: 0,
            detail: String::new(),
        }
    }

    #[test]
    fn a_rejection_waits_until_a_later_file_of_its_key_arrives() {
        let rejected = entry(Outcome::Rejected, "k", "2025-10-01 10:00:00");
        let stored = entry(Outcome::Stored, "k", "2025-10-02 10:00:00");
        let other = entry(Outcome::Rejected, "other", "2025-10-03 10:00:00");
        assert_eq!(waiting(std::slice::from_ref(&rejected)).len(), 1);
        assert!(waiting(&[rejected.clone(), stored.clone()]).is_empty());
        // Rejected again: only the latest attempt waits.
        assert_eq!(waiting(&[rejected.clone(), rejected.clone()]).len(), 1);
        assert_eq!(
            waiting(&[rejected, stored, other])
                .iter()
                .map(|e| e.key_id.as_str())
                .collect::<Vec<_>>(),
            ["other"]
        );
    }

    #[test]
    fn questionnaires_are_named_by_title_and_wave() {
        let words = Words::new(&Definitions::shipped().unwrap());
        assert_eq!(form_title("attendance", &words), "Журнал посещаемости");
        assert!(form_title("q:tutor-competency/start", &words).ends_with("» (входная)"));
        assert!(!form_title("q:tutor-competency/start", &words).contains("tutor-competency"));
        assert_eq!(form_title("package", &words), "Пакет данных школы");
    }
}
