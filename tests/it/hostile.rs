//! Hostile files: a zip bomb, a school code that tries to leave the workspace, thousands of
//! sheets, formulas typed as text. Each is rejected or read within bounds, with a message.

use std::io::Write;

use super::util::*;

#[test]
fn a_zip_bomb_is_rejected_before_anything_is_inflated() {
    let ws = Ws::new();
    let config = std::fs::read_to_string(ws.path("tutorstat.toml")).unwrap().replace("max_unpacked_mb = 200", "max_unpacked_mb = 10");
    std::fs::write(ws.path("tutorstat.toml"), config).unwrap();
    // 64 MB of zeros packs into a few dozen kilobytes.
    let mut zip = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("xl/worksheets/sheet1.xml", ::zip::write::SimpleFileOptions::default()).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 1024 * 1024);
    std::fs::write(ws.path("inbox/бомба.xlsx"), bomb).unwrap();
    ws.drop("состав.xlsx", &roster());
    assert_eq!(ws.ingest().status.code(), Some(1));
    let problems = ws.problems_of("бомба.xlsx");
    assert!(problems.contains("распаковывается в 64 МБ, больше допустимых 10 МБ"), "{problems}");
    assert_eq!(ws.records("roster").height(), 8);
}

#[test]
fn a_school_code_cannot_lead_outside_the_workspace() {
    let ws = Ws::new();
    let parent_before: Vec<_> = std::fs::read_dir(ws.root().parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    for code in ["../../чужое", "/etc", "2315/../../x", ".скрытая"] {
        let sheets = at_school(roster(), code, "Школа", "Город");
        ws.drop(&format!("{}.xlsx", code.replace('/', "_")), &sheets);
    }
    assert_eq!(ws.ingest().status.code(), Some(1));
    assert!(ws.files_in("store").iter().all(|f| f == "ingest-log.csv"), "{:?}", ws.files_in("store"));
    for name in ws.files_in("rejected").iter().filter(|n| n.ends_with(".ошибки.txt")) {
        let text = std::fs::read_to_string(ws.path("rejected").join(name)).unwrap();
        assert!(text.contains("«Код ОО» — буквы, цифры и дефис"), "{text}");
    }
    let parent_after: Vec<_> = std::fs::read_dir(ws.root().parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(parent_before.len(), parent_after.len(), "something was written beside the workspace");
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
    assert!(ws.problems_of("много листов.xlsx").contains("листов, больше допустимых"));
}

#[test]
fn every_field_typed_as_a_formula_stays_text_in_the_csv_outputs() {
    let ws = Ws::new();
    let mut a = attendance();
    a[2].1[3][0] = V::from("=1+1");
    ws.drop("журнал.xlsx", &a);
    assert_eq!(ws.run(&["run"]).status.code(), Some(0));
    let csv = std::fs::read_to_string(ws.path("reports/2025-2026-Q1/indicators.csv")).unwrap();
    assert!(csv.contains(",'=1+1,") && !csv.contains(",=1+1,"), "the ID is neutralised in indicators.csv");
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
    let start = std::time::Instant::now();
    assert_eq!(ws.ingest().status.code(), Some(1));
    assert!(start.elapsed().as_secs() < 20);
    let problems = ws.problems_of("огромный.xlsx");
    assert!(problems.contains("лист «Состав» занимает") && problems.contains("больше допустимых 20000000"), "{problems}");
}

#[test]
fn a_damaged_xls_that_panics_the_reader_is_one_rejected_file_not_a_crash() {
    let ws = Ws::new();
    // Found by `fuzz/run.sh`: calamine slices past the end of this file's sector chain.
    let crash =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz/workbook/crash-bb8b343573c467540ade38ab90ffc78b49bb5f55"))
            .unwrap();
    std::fs::write(ws.path("inbox/повреждённый.xls"), crash).unwrap();
    ws.drop("состав.xlsx", &roster());
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(ws.problems_of("повреждённый.xls").contains("файл повреждён"));
    assert_eq!(ws.records("roster").height(), 8);
}

/// An .xls of a few hundred bytes whose sheet claims 1 000 000 rows by 200 columns: calamine
/// would reserve room for all of them before reading a cell.
#[test]
fn an_xls_claiming_a_huge_sheet_is_rejected_before_calamine_reserves_it() {
    let record = |typ: u16, body: &[u8]| [typ.to_le_bytes().as_slice(), &(body.len() as u16).to_le_bytes(), body].concat();
    let bof = record(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Globals: BOF, one BoundSheet (offset, visible worksheet, name "L1"), EOF.
    let globals_len = bof.len() + (4 + 10) + 4;
    let boundsheet = [(globals_len as u32).to_le_bytes().as_slice(), &[0, 0, 2, 0], b"L1"].concat();
    let mut stream = [bof.clone(), record(0x0085, &boundsheet), record(0x000A, &[])].concat();
    assert_eq!(stream.len(), globals_len);
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend(1_000_000u32.to_le_bytes());
    dims.extend([0, 0, 200, 0, 0, 0]);
    stream.extend([bof, record(0x0200, &dims), record(0x000A, &[])].concat());
    let mut container = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    container.create_stream("Workbook").unwrap().write_all(&stream).unwrap();
    container.flush().unwrap();
    let ws = Ws::new();
    std::fs::write(ws.path("inbox/огромный.xls"), container.into_inner().into_inner()).unwrap();
    ws.drop("состав.xlsx", &roster());
    assert_eq!(ws.ingest().status.code(), Some(1));
    let problems = ws.problems_of("огромный.xls");
    assert!(problems.contains("лист «№ 1» занимает 200000000 ячеек"), "{problems}");
    assert_eq!(ws.records("roster").height(), 8);
}
