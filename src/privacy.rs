//! Privacy for everything that leaves a school (workflow.md, ФЗ-152): persons become keyed
//! hashes (HMAC-SHA-256 with a key that lives only in the school's `tutorstat.toml`), and
//! names, free-text answers and free-text fields are dropped.

use hmac::{Hmac, Mac};
use polars::prelude::*;
use sha2::Sha256;

/// A fresh random key, hex encoded, for `[privacy] key` in `tutorstat.toml`.
pub fn new_key() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| anyhow::anyhow!("не удалось получить случайный ключ: {e}"))?;
    Ok(crate::digest::hex(&bytes))
}

/// The pseudonym of an ID: `п-` and 16 hex digits of HMAC-SHA-256(key, school | id).
pub fn pseudonym(key: &str, school: &str, id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(school.as_bytes());
    mac.update(b"|");
    mac.update(id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex = crate::digest::hex(&digest[..8]);
    format!("п-{hex}")
}

/// Columns holding person IDs (or authors' names) that are replaced by pseudonyms.
const ID_COLUMNS: [&str; 5] = ["id", "tutor_id", "person_id", "respondent_id", "author"];

/// Columns emptied before anything leaves the school: names, free text and file names. They
/// stay in the schema, as nulls, so every reader of the store works the same at a centre.
const BLANKED: [&str; 6] = ["full_name", "goal", "activity", "nomination", "topic", "source_file"];

/// Columns dropped: record keys built from raw IDs, and source rows.
const DROPPED: [&str; 3] = ["_key", "_digest", "source_row"];

/// Pseudonymises one store table: IDs hashed with the key, names and free text removed.
/// Events keep no topic and answers to free-text items are dropped whole.
pub fn pseudonymise(table: &str, frame: DataFrame, key: &str, text_items: &[String]) -> PolarsResult<DataFrame> {
    let mut frame = frame;
    if table == "answers" {
        let keep: BooleanChunked =
            frame.column("item")?.str()?.iter().map(|i| Some(!i.is_some_and(|i| text_items.iter().any(|t| t == i)))).collect();
        frame = frame.filter(&keep)?;
    }
    for name in BLANKED {
        if frame.column(name).is_ok() {
            frame.replace(name, Column::full_null(name.into(), frame.height(), &DataType::String))?;
        }
    }
    let schools = frame.column("school_code")?.str()?.clone();
    for name in ID_COLUMNS {
        let Ok(column) = frame.column(name) else { continue };
        let values = column.str()?.clone();
        let hashed: StringChunked =
            values.iter().zip(schools.iter()).map(|(v, s)| v.map(|v| pseudonym(key, s.unwrap_or_default(), v))).collect();
        frame.replace(name, hashed.with_name(name.into()).into_column())?;
    }
    if table == "answers" {
        // Anonymous respondents are `#<row>` inside their file: not an ID, kept as is.
        frame = frame
            .lazy()
            .with_column(
                when(col("respondent_id").is_not_null()).then(col("respondent_id")).otherwise(col("respondent")).alias("respondent"),
            )
            .collect()?;
    }
    let present: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).filter(|n| !DROPPED.contains(&n.as_str())).collect();
    frame.select(present)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_depend_on_the_key_and_the_school_and_hide_the_id() {
        let a = pseudonym("ключ", "2315-001", "У-1");
        assert_eq!(a, pseudonym("ключ", "2315-001", "У-1"));
        assert_ne!(a, pseudonym("другой ключ", "2315-001", "У-1"));
        assert_ne!(a, pseudonym("ключ", "2315-004", "У-1"));
        assert!(a.starts_with("п-") && !a.contains("У-1"));
    }

    #[test]
    fn names_and_free_text_are_dropped_and_ids_hashed() {
        let roster = df!("school_code" => ["S"], "id" => ["У-1"], "full_name" => ["Иванов Иван"], "role" => ["обучающийся"], "tutor_id" => [None::<&str>], "source_file" => ["inbox/Иванова.xlsx"]).unwrap();
        let out = pseudonymise("roster", roster, "k", &[]).unwrap();
        assert_eq!(out.get_column_names(), ["school_code", "id", "full_name", "role", "tutor_id", "source_file"]);
        assert_eq!(out.column("full_name").unwrap().null_count(), 1);
        assert_eq!(out.column("source_file").unwrap().null_count(), 1);
        assert_eq!(out.column("id").unwrap().str().unwrap().get(0), Some(pseudonym("k", "S", "У-1").as_str()));
        let answers = df!("school_code" => ["S", "S"], "item" => ["С1", "О1"], "respondent_id" => [Some("У-1"), Some("У-1")], "respondent" => ["У-1", "У-1"], "value_text" => [None, Some("Мне помогла Мария Петровна")]).unwrap();
        let out = pseudonymise("answers", answers, "k", &["О1".to_string()]).unwrap();
        assert_eq!(out.height(), 1);
        assert_eq!(out.column("respondent").unwrap().str().unwrap().get(0), Some(pseudonym("k", "S", "У-1").as_str()));
    }
}
