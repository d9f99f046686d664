//! Hostile files: a zip bomb, huge claimed or used ranges, a million rows, invalid UTF-8,
//! damaged containers, a school code that tries to leave the workspace, thousands of sheets,
//! formulas and external links. Each is rejected or read within bounds, with a message.

use std::io::Write;

use super::util::*;

/// Drops a hostile file beside a valid roster and ingests: the hostile file is rejected with
/// `expected` in its problem list, the roster is stored, and nothing panics.
fn assert_rejected_beside_a_roster(ws: &Ws, name: &str, bytes: &[u8], expected: &str) {
    std::fs::write(ws.path("inbox").join(name), bytes).unwrap();
    ws.drop("состав.xlsx", &roster());
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        text(&out)
    );
    let problems = ws.problems_of(name);
    assert!(problems.contains(expected), "{problems}");
    assert_eq!(ws.records("roster").height(), 8);
}

#[test]
fn a_zip_bomb_is_rejected_before_anything_is_inflated() {
    let ws = Ws::new();
    let config = std::fs::read_to_string(ws.path("tutorstat.toml"))
        .unwrap()
        .replace("max_unpacked_mb = 200", "max_unpacked_mb = 10");
    std::fs::write(ws.path("tutorstat.toml"), config).unwrap();
    // 64 MB of zeros packs into a few dozen kilobytes.
    let mut zip = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "xl/worksheets/sheet1.xml",
        ::zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 1024 * 1024);
    assert_rejected_beside_a_roster(
        &ws,
        "бомба.xlsx",
        &bomb,
        "распаковывается в 64 МБ, больше допустимых 10 МБ",
    );
}

/// What lies beside the workspace under a name these tests' inputs could give (Cyrillic file
/// names and school codes, `x`, `etc`, `.xlsx`): compilers and other tests on the machine make
/// and remove their own temporary files there all the time.
fn beside(ws: &Ws) -> std::collections::BTreeSet<std::ffi::OsString> {
    let names = std::fs::read_dir(ws.root().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name());
    names
        .filter(|n| {
            let n = n.to_string_lossy();
            !n.is_ascii() || n == "x" || n == "etc" || n.contains("xlsx")
        })
        .collect()
}

#[test]
fn a_school_code_cannot_lead_outside_the_workspace() {
    let ws = Ws::new();
    let parent_before = beside(&ws);
    for code in ["../../чужое", "/etc", "2315/../../x", ".скрытая"] {
        let sheets = at_school(roster(), code, "Школа", "Город");
        ws.drop(&format!("{}.xlsx", code.replace('/', "_")), &sheets);
    }
    assert_eq!(ws.ingest().status.code(), Some(1));
    assert!(
        ws.files_in("store").iter().all(|f| f == "ingest-log.csv"),
        "{:?}",
        ws.files_in("store")
    );
    for name in ws
        .files_in("rejected")
        .iter()
        .filter(|n| n.ends_with(".ошибки.txt"))
    {
        let text = std::fs::read_to_string(ws.path("rejected").join(name)).unwrap();
        assert!(text.contains("«Код ОО» — буквы, цифры и дефис"), "{text}");
    }
    assert_eq!(
        parent_before,
        beside(&ws),
        "something was written beside the workspace"
    );
}

#[test]
fn a_workbook_with_thousands_of_sheets_is_rejected_with_a_message() {
    let ws = Ws::new();
    let mut sheets = roster();
    for i in 0..300 {
        sheets.push(sheet(&format!("Лист {i}"), vec![]));
    }
    ws.drop("много листов.xlsx", &sheets);
    assert_eq!(ws.ingest().status.code(), Some(1));
    // 302 sheets: the noun agrees with the number.
    let problems = ws.problems_of("много листов.xlsx");
    assert!(
        problems.contains("в книге 302 листа, больше допустимых 255"),
        "{problems}"
    );
}

#[test]
fn every_field_typed_as_a_formula_stays_text_in_the_csv_outputs() {
    let ws = Ws::new();
    let mut a = attendance();
    a[2].1[3][0] = V::from("=1+1");
    ws.drop("журнал.xlsx", &a);
    assert_eq!(ws.run(&["run"]).status.code(), Some(0));
    let csv = std::fs::read_to_string(ws.path("reports/2025-2026-Q1/indicators.csv")).unwrap();
    assert!(
        csv.contains(",'=1+1,") && !csv.contains(",=1+1,"),
        "the ID is neutralised in indicators.csv"
    );
}

#[test]
fn a_sheet_spanning_billions_of_cells_is_rejected_without_laying_it_out() {
    let ws = Ws::new();
    let mut sheets = roster();
    sheets[1].1.push(vec![]);
    ws.drop("огромный.xlsx", &sheets);
    // One more value at the last cell Excel has: XFD1048576.
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in &sheets {
        let ws_ = wb.add_worksheet();
        ws_.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if let V::S(s) = v {
                    ws_.write_string(r as u32, c as u16, s).unwrap();
                }
            }
        }
        if name == "Состав" {
            ws_.write_string(1_048_575, 16_383, "x").unwrap();
        }
    }
    wb.save(ws.path("inbox/огромный.xlsx")).unwrap();
    // Laid out, the sheet would need terabytes: the test could not finish if it were.
    assert_eq!(ws.ingest().status.code(), Some(1));
    let problems = ws.problems_of("огромный.xlsx");
    assert!(
        problems
            .contains("на листе «Состав» есть значение в ячейке XFD1048576, далеко за таблицей"),
        "{problems}"
    );
    assert!(
        problems.contains("больше 2\u{2009}000\u{2009}000 ячеек"),
        "{problems}"
    );
}

#[test]
fn a_damaged_xls_that_panics_the_reader_is_one_rejected_file_not_a_crash() {
    let ws = Ws::new();
    // Found by `fuzz/run.sh`: calamine slices past the end of this file's sector chain.
    let crash = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fuzz/workbook/crash-bb8b343573c467540ade38ab90ffc78b49bb5f55"
    ))
    .unwrap();
    assert_rejected_beside_a_roster(&ws, "повреждённый.xls", &crash, "файл повреждён");
}

/// An .xls of a few hundred bytes whose sheet claims 1 000 000 rows by 200 columns: calamine
/// would reserve room for all of them before reading a cell.
#[test]
fn an_xls_claiming_a_huge_sheet_is_rejected_before_calamine_reserves_it() {
    let record = |typ: u16, body: &[u8]| {
        [
            typ.to_le_bytes().as_slice(),
            &(body.len() as u16).to_le_bytes(),
            body,
        ]
        .concat()
    };
    let bof = record(
        0x0809,
        &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    // Globals: BOF, one BoundSheet (offset, visible worksheet, name "L1"), EOF.
    let globals_len = bof.len() + (4 + 10) + 4;
    let boundsheet = [
        (globals_len as u32).to_le_bytes().as_slice(),
        &[0, 0, 2, 0],
        b"L1",
    ]
    .concat();
    let mut stream = [
        bof.clone(),
        record(0x0085, &boundsheet),
        record(0x000A, &[]),
    ]
    .concat();
    assert_eq!(stream.len(), globals_len);
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend(1_000_000u32.to_le_bytes());
    dims.extend([0, 0, 200, 0, 0, 0]);
    stream.extend([bof, record(0x0200, &dims), record(0x000A, &[])].concat());
    let mut container = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    container
        .create_stream("Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    container.flush().unwrap();
    let ws = Ws::new();
    let xls = container.into_inner().into_inner();
    assert_rejected_beside_a_roster(
        &ws,
        "огромный.xls",
        &xls,
        "на листе «L1» есть значение в ячейке GR1000000",
    );
}

/// A roster of 250 000 junk rows (as many as the cell bound lets a roster's seven columns
/// have): read, every row accounted for as rejected, and the teacher's list and annotated
/// copy kept to their first problems.
#[test]
fn a_quarter_million_junk_rows_are_accounted_for_and_the_lists_stay_readable() {
    let ws = Ws::new();
    let mut sheets = roster();
    sheets[1].1.truncate(1);
    sheets[1]
        .1
        .extend((0..250_000).map(|r| vec![V::from(format!("X{r}").as_str()), V::from("мусор")]));
    ws.drop("миллион.xlsx", &sheets);
    drop(sheets);
    assert_eq!(ws.ingest().status.code(), Some(1));
    let line = ws.log().pop().unwrap();
    assert_eq!(
        (
            line["rows_read"].as_str(),
            line["rows_rejected"].as_str(),
            line["rows_stored"].as_str()
        ),
        ("250000", "250000", "0")
    );
    let problems = ws.problems_of("миллион.xlsx");
    assert!(
        problems.lines().count() < 10_100,
        "{} lines",
        problems.lines().count()
    );
    assert!(
        problems.contains("… и ещё"),
        "{}",
        &problems[problems.len() - 300..]
    );
    let copy = ws.path("rejected/миллион.xlsx.ошибки.xlsx");
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&copy).unwrap();
    let check = book.worksheet_range("Проверка").unwrap();
    assert!(
        calamine::DataType::as_string(check.get_value((2, 0)).unwrap())
            .unwrap()
            .starts_with("Показаны первые 10\u{2009}000 замечаний")
    );
    assert_eq!(book.worksheet_range("Состав").unwrap().height(), 250_001);
}

/// Formulas everywhere, one of them a link to another workbook: what is read is the value the
/// spreadsheet program cached; no formula is evaluated and no linked file is opened.
#[test]
fn formulas_and_external_links_are_read_as_their_cached_values() {
    let ws = Ws::new();
    let mut sheets = roster();
    let rows = &mut sheets[1].1;
    rows[1][1] = V::F("='[чужой.xlsx]Лист1'!B2", "Иванова Мария Петровна");
    rows[1][5] = V::F("=6*2", "12");
    rows[6][3] = V::F("=\"9\"&\"А\"", "9А");
    ws.drop("формулы.xlsx", &sheets);
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let plain = Ws::new();
    plain.drop("без формул.xlsx", &roster());
    plain.ingest();
    assert_eq!(ws.records("roster"), plain.records("roster"));
}

/// Bytes that are not UTF-8 inside the shared strings: the file is refused with a message,
/// and the other files of the run are stored.
#[test]
fn invalid_utf8_in_shared_strings_is_one_rejected_file() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    let good = std::fs::read(ws.path("inbox/состав.xlsx")).unwrap();
    let mut source = ::zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    let mut broken = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        if name == "xl/sharedStrings.xml" {
            let at = bytes.windows(3).position(|w| w == b"<t>").unwrap() + 3;
            bytes.splice(at..at, [0xFF, 0xFE, 0xC3]);
        }
        broken
            .start_file(name, ::zip::write::SimpleFileOptions::default())
            .unwrap();
        broken.write_all(&bytes).unwrap();
    }
    std::fs::write(
        ws.path("inbox/битая кодировка.xlsx"),
        broken.finish().unwrap().into_inner(),
    )
    .unwrap();
    ws.drop("журнал.xlsx", &attendance());
    assert_eq!(ws.ingest().status.code(), Some(1));
    let problems = ws.problems_of("битая кодировка.xlsx");
    assert!(problems.contains("файл повреждён"), "{problems}");
    assert_eq!(ws.records("roster").height(), 8);
    assert!(ws.records("attendance").height() > 0);
}

/// File names that look like paths or hold control characters stay names: each file ends in
/// `archive/` or `rejected/` of this workspace (hidden ones stay in the inbox), nothing appears
/// beside it, and no control character reaches the terminal.
#[test]
fn path_like_and_control_character_file_names_stay_inside_the_workspace() {
    let ws = Ws::new();
    let parent_before = beside(&ws);
    let names = [
        "в..\\..\\выход.xlsx",
        "строка\nперевод.xlsx",
        "таб\tи\u{1b}[31mцвет.xlsx",
        " .xlsx",
    ];
    // Names starting with a dot are hidden files (office lock files among them): left alone.
    let hidden = ["..\\..\\выход.xlsx", "..xlsx"];
    for name in names.iter().chain(&hidden) {
        ws.drop(name, &roster());
    }
    let out = ws.ingest();
    assert_eq!(
        parent_before,
        beside(&ws),
        "something was written beside the workspace"
    );
    assert_eq!(
        ws.files_in("inbox"),
        hidden.map(String::from).to_vec(),
        "{}",
        text(&out)
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\u{1b}'),
        "{}",
        text(&out)
    );
    let placed: Vec<String> = ws
        .files_in("archive")
        .into_iter()
        .chain(ws.files_in("rejected"))
        .collect();
    for name in names {
        assert!(
            placed.iter().any(|p| p.ends_with(name)),
            "{name:?} not in archive/ or rejected/: {placed:?}"
        );
    }
    assert_eq!(ws.log().len(), names.len());
}
