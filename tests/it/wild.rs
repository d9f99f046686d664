//! Real-world spreadsheets (issue 13): every format bounded before it is laid out, encrypted
//! and old files called what they are, no library text in a teacher's message, annotated
//! copies that never collide, an ingest log that survives a torn line, and `check`'s usage
//! errors. Every fixture is built here from bytes: BIFF records, OpenDocument XML, OLE
//! containers.

use std::io::Write;

use super::util::*;

/// One BIFF record: type, length, body.
fn record(typ: u16, body: &[u8]) -> Vec<u8> {
    [
        typ.to_le_bytes().as_slice(),
        &(body.len() as u16).to_le_bytes(),
        body,
    ]
    .concat()
}

/// A BIFF8 BOF record: globals (`0x0005`) or a worksheet (`0x0010`).
fn bof(kind: u16) -> Vec<u8> {
    let mut body = vec![0x00, 0x06];
    body.extend(kind.to_le_bytes());
    body.extend([0; 12]);
    record(0x0809, &body)
}

/// An OLE container holding the given streams.
fn ole(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut container = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    for (name, bytes) in streams {
        container
            .create_stream(name)
            .unwrap()
            .write_all(bytes)
            .unwrap();
    }
    container.flush().unwrap();
    container.into_inner().into_inner()
}

/// An .xls (BIFF8) with one sheet named `sheet` and a number in each of `cells` (zero-based
/// row, column), as Excel 97-2003 writes it.
fn xls(sheet: &str, cells: &[(u16, u16)]) -> Vec<u8> {
    let name: Vec<u8> = sheet.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let boundsheet_len = 4 + 8 + name.len();
    let sheet_at = (bof(0x0005).len() + boundsheet_len + 4) as u32;
    let mut boundsheet = sheet_at.to_le_bytes().to_vec();
    boundsheet.extend([0, 0, sheet.encode_utf16().count() as u8, 1]);
    boundsheet.extend(&name);
    let mut stream = [
        bof(0x0005),
        record(0x0085, &boundsheet),
        record(0x000A, &[]),
    ]
    .concat();
    assert_eq!(stream.len() as u32, sheet_at);
    stream.extend(bof(0x0010));
    for (row, col) in cells {
        let mut number = row.to_le_bytes().to_vec();
        number.extend(col.to_le_bytes());
        number.extend([0, 0]);
        number.extend(1.0f64.to_le_bytes());
        stream.extend(record(0x0203, &number));
    }
    stream.extend(record(0x000A, &[]));
    ole(&[("Workbook", &stream)])
}

/// An .ods whose first sheet, `Посещаемость`, holds `rows` (`table:table-row` elements), with
/// `manifest` as its `META-INF/manifest.xml`.
fn ods_with(rows: &str, manifest: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:spreadsheet><table:table table:name=\"Посещаемость\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    );
    let mut zip = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file(
        "META-INF/manifest.xml",
        ::zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", ::zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

const MANIFEST: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";

/// A number cell of an .ods.
const NUMBER: &str = "<table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell>";

/// Runs `check` on files written into the workspace's root (not the inbox).
fn check(ws: &Ws, files: &[(&str, Vec<u8>)]) -> std::process::Output {
    let mut args = vec!["check".to_string()];
    for (name, bytes) in files {
        std::fs::write(ws.path(name), bytes).unwrap();
        args.push(ws.path(name).display().to_string());
    }
    ws.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The words of four or more Latin letters in a teacher's text, other than the names of
/// formats and programs the messages mention on purpose.
fn english_words(text: &str) -> Vec<String> {
    let allowed = [
        "xlsx",
        "xlsm",
        "xlsb",
        "Excel",
        "LibreOffice",
        "inbox",
        "tutorstat",
        "check",
    ];
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4 && !allowed.contains(w))
        .map(str::to_string)
        .collect()
}

/// The teacher's text of a `check` run, without the lines naming files (their paths are the
/// test's temporary folders).
fn messages(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("Файл: "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_ods_with_one_far_value_is_refused_at_that_cell_before_it_is_laid_out() {
    let ws = Ws::new();
    // One value in A1 and one in XFD5000: 844 bytes that calamine would lay out as 82 million
    // cells (6.7 GB).
    let rows = format!(
        "<table:table-row>{NUMBER}</table:table-row><table:table-row table:number-rows-repeated=\"4998\"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/>{NUMBER}</table:table-row>"
    );
    let out = check(&ws, &[("далёкое.ods", ods_with(&rows, MANIFEST))]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = messages(&out);
    assert!(
        said.contains("на листе «Посещаемость» есть значение в ячейке XFD5000, далеко за таблицей"),
        "{said}"
    );
    // A value repeated over a million rows in a few bytes is refused the same way.
    let repeated = "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell table:number-columns-repeated=\"4\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>".to_string();
    let out = check(&ws, &[("повторы.ods", ods_with(&repeated, MANIFEST))]);
    assert!(
        messages(&out).contains("есть значение в ячейке D1048576"),
        "{}",
        text(&out)
    );
    // A small .ods is read: the verdict is about its form, not its size.
    let small = format!("<table:table-row>{NUMBER}{NUMBER}</table:table-row>");
    let out = check(&ws, &[("малое.ods", ods_with(&small, MANIFEST))]);
    assert!(
        messages(&out).contains("не удалось определить форму"),
        "{}",
        text(&out)
    );
}

/// One BIFF12 (.xlsb) record: its type and length as 7-bit varints, then the body.
fn record12(typ: u16, body: &[u8]) -> Vec<u8> {
    let mut r = if typ < 0x80 {
        vec![typ as u8]
    } else {
        vec![(typ & 0x7F) as u8 | 0x80, (typ >> 7) as u8]
    };
    let mut len = body.len();
    loop {
        let byte = (len & 0x7F) as u8;
        len >>= 7;
        r.push(if len > 0 { byte | 0x80 } else { byte });
        if len == 0 {
            break;
        }
    }
    r.extend(body);
    r
}

/// A BIFF12 wide string: a count of UTF-16 units, then the units.
fn wide(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    out
}

/// An .xlsb with one sheet `Лист1` and a number in each of `cells` (zero-based row, column):
/// the workbook's sheet list, the relationship to the sheet, and the sheet's cell records.
fn xlsb(cells: &[(u32, u32)]) -> Vec<u8> {
    let mut bundle = [0u32.to_le_bytes(), 1u32.to_le_bytes()].concat();
    bundle.extend(wide("rId1"));
    bundle.extend(wide("Лист1"));
    let workbook = [
        record12(0x009C, &bundle),
        record12(0x0090, &[]),
        record12(0x009D, &[0; 8]),
    ]
    .concat();
    let mut sheet = record12(0x0094, &[0; 16]);
    sheet.extend(record12(0x0091, &[]));
    for (row, col) in cells {
        sheet.extend(record12(0x0000, &row.to_le_bytes()));
        let mut real = col.to_le_bytes().to_vec();
        real.extend([0; 4]);
        real.extend(1.0f64.to_le_bytes());
        sheet.extend(record12(0x0005, &real));
    }
    sheet.extend(record12(0x0092, &[]));
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.bin\"/></Relationships>";
    let mut zip = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in [
        ("xl/workbook.bin", &workbook[..]),
        ("xl/_rels/workbook.bin.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.bin", &sheet),
    ] {
        zip.start_file(name, ::zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn an_xlsb_is_read_cell_by_cell_and_refused_at_a_far_cell() {
    let ws = Ws::new();
    let out = check(
        &ws,
        &[("далёкое.xlsb", xlsb(&[(0, 0), (1_048_575, 16_383)]))],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = messages(&out);
    assert!(
        said.contains("на листе «Лист1» есть значение в ячейке XFD1048576, далеко за таблицей"),
        "{said}"
    );
    let out = check(&ws, &[("малое.xlsb", xlsb(&[(0, 0), (1, 1)]))]);
    assert!(
        messages(&out).contains("не удалось определить форму"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_legal_xls_with_one_value_at_iv65536_is_refused_naming_that_cell() {
    let ws = Ws::new();
    // The last cell an .xls can hold: 16.8 million cells laid out (1.07 GB before).
    let out = check(
        &ws,
        &[("журнал.xls", xls("Посещаемость", &[(0, 0), (65535, 255)]))],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = messages(&out);
    assert!(
        said.contains("на листе «Посещаемость» есть значение в ячейке IV65536, далеко за таблицей"),
        "{said}"
    );
    assert!(
        said.contains("удалите это значение") || said.contains("Удалите это значение"),
        "{said}"
    );
}

#[test]
fn password_protected_files_of_every_format_are_called_so() {
    let ws = Ws::new();
    // .xlsx and .xlsb with a password: an OLE container holding the encrypted zip.
    let encrypted_zip = ole(&[
        ("EncryptionInfo", &[7u8; 512]),
        ("EncryptedPackage", &[9u8; 4096]),
    ]);
    // .xls with a password: FILEPASS (RC4) right after BOF, every later record encrypted
    // (here noise that would read as a sheet of billions of cells).
    let mut filepass = vec![1, 0, 1, 0, 1, 0];
    filepass.extend([0xA5; 48]);
    let mut stream = [bof(0x0005), record(0x002F, &filepass)].concat();
    stream.extend(record(0x0085, &[0x10, 0, 0, 0, 0, 0, 2, 0, b'x', b'y']));
    stream.extend(record(0x0200, &[0xFF; 14]));
    stream.extend([0xC3; 600]);
    let encrypted_xls = ole(&[("Workbook", &stream)]);
    // .ods with a password: the manifest lists encryption data for content.xml.
    let manifest = MANIFEST.replace(
        "manifest:media-type=\"text/xml\"/>",
        "manifest:media-type=\"text/xml\"><manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"AAAA\"><manifest:algorithm manifest:algorithm-name=\"Blowfish CFB\" manifest:initialisation-vector=\"AAAA\"/></manifest:encryption-data></manifest:file-entry>",
    );
    let encrypted_ods = ods_with("not xml at all \u{1}\u{2}", &manifest);
    let files = [
        ("с паролем.xlsx", encrypted_zip.clone()),
        ("с паролем.xlsb", encrypted_zip),
        ("с паролем.xls", encrypted_xls),
        ("с паролем.ods", encrypted_ods),
    ];
    let out = check(&ws, &files);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = messages(&out);
    assert_eq!(said.matches("файл защищён паролем").count(), 4, "{said}");
    assert!(
        english_words(&said).is_empty(),
        "{:?} in {said}",
        english_words(&said)
    );
}

#[test]
fn old_excel_files_and_macro_sheets_get_a_reason_and_a_fix() {
    let ws = Ws::new();
    // An Excel 4.0 workbook (BIFF4): a bare record stream, no OLE container.
    let biff4 = [record(0x0409, &[0, 0, 0x10, 0, 0, 0]), record(0x000A, &[])].concat();
    // An .xlsm whose second sheet is an Excel 4.0 macro sheet.
    write_xlsx(&ws.path("макросы.xlsx"), &roster());
    let xlsm = rewrite_zip(
        &std::fs::read(ws.path("макросы.xlsx")).unwrap(),
        "xl/_rels/workbook.xml.rels",
        |rels| {
            rels.replacen(
                "relationships/worksheet\" Target=\"worksheets/sheet2.xml\"",
                "relationships/xlMacrosheet\" Target=\"worksheets/sheet2.xml\"",
                1,
            )
        },
    );
    let out = check(&ws, &[("старый.xls", biff4), ("макросы.xlsm", xlsm)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = messages(&out);
    assert!(
        said.contains("в очень старом формате Excel (версии 2–4")
            && said.contains("сохраните как .xlsx"),
        "{said}"
    );
    assert!(
        said.contains("лист макросов Excel 4.0") && said.contains("удалите этот лист"),
        "{said}"
    );
    assert!(
        english_words(&said).is_empty(),
        "{:?} in {said}",
        english_words(&said)
    );
}

/// A zip with one part's text changed.
fn rewrite_zip(bytes: &[u8], part: &str, change: impl Fn(&str) -> String) -> Vec<u8> {
    let mut source = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut changed = false;
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if name == part {
            let text = change(&String::from_utf8(data).unwrap());
            changed = true;
            data = text.into_bytes();
        }
        out.start_file(name, ::zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(changed, "no part {part}");
    out.finish().unwrap().into_inner()
}

/// Reader errors reach the teacher as a Russian reason; the reader's own words go to the
/// ingest log only.
#[test]
fn reader_errors_are_russian_for_the_teacher_and_technical_in_the_log() {
    let ws = Ws::new();
    write_xlsx(&ws.path("состав.xlsx"), &roster());
    // A shared-string index past the end of the table: calamine says «Cell string index not
    // found in shared strings table».
    let broken = rewrite_zip(
        &std::fs::read(ws.path("состав.xlsx")).unwrap(),
        "xl/worksheets/sheet2.xml",
        |sheet| {
            let at = sheet.find("t=\"s\"><v>").unwrap() + "t=\"s\"><v>".len();
            let end = at + sheet[at..].find('<').unwrap();
            format!("{}99999{}", &sheet[..at], &sheet[end..])
        },
    );
    // A damaged OLE container: a header whose sector chain points nowhere.
    let mut bad_ole = xls("Лист1", &[(0, 0)]);
    bad_ole[0x30..0x34].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
    // A zip that is neither a workbook nor an OpenDocument file.
    let mut zip = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        ::zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(b"<w:document/>").unwrap();
    let docx_like = zip.finish().unwrap().into_inner();
    for (name, bytes) in [
        ("строки.xlsx", &broken),
        ("контейнер.xls", &bad_ole),
        ("документ.xlsx", &docx_like),
    ] {
        std::fs::write(ws.path("inbox").join(name), bytes).unwrap();
    }
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    for name in ["строки.xlsx", "контейнер.xls", "документ.xlsx"] {
        let problems = ws.problems_of(name);
        let said: String = problems.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert!(said.contains("ошибка: "), "{name}: {problems}");
        assert!(
            english_words(&said).is_empty(),
            "{name}: {:?} in {said}",
            english_words(&said)
        );
    }
    assert!(
        ws.problems_of("документ.xlsx")
            .contains("это не таблица Excel или LibreOffice")
    );
    assert!(ws.problems_of("строки.xlsx").contains("файл повреждён"));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        !summary.contains("string index") && !summary.contains("FAT"),
        "{summary}"
    );
    // The log keeps what the reader said, for whoever looks into it.
    let log = ws.log();
    let line = log
        .iter()
        .find(|l| l["file"].ends_with("строки.xlsx"))
        .unwrap();
    assert!(line["detail"].contains("string index"), "{line:?}");
}

/// Files of different formats (and folders) with one name each get their own problem list
/// and annotated copy; an unreadable one gets a list and no copy, and the summary says so.
#[test]
fn annotated_copies_keep_the_source_extension_and_never_collide() {
    let ws = Ws::new();
    let wrong = |value: &str| {
        let mut r = roster();
        r[1].1[5][2] = V::from(value);
        r
    };
    ws.drop("Журнал.xlsx", &wrong("директор"));
    // An .xlsm is an .xlsx with macros allowed: the same bytes read the same way.
    write_xlsx(&ws.path("Журнал.xlsm"), &wrong("завуч"));
    std::fs::rename(ws.path("Журнал.xlsm"), ws.path("inbox/Журнал.xlsm")).unwrap();
    ws.drop("второй/Журнал.xlsx", &wrong("сторож"));
    std::fs::write(ws.path("inbox/Журнал.ods"), b"not a workbook").unwrap();
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rejected = ws.files_in("rejected");
    let copies: Vec<&String> = rejected
        .iter()
        .filter(|n| n.ends_with(".ошибки.xlsx"))
        .collect();
    assert_eq!(copies.len(), 3, "{rejected:?}");
    assert!(
        rejected.contains(&"Журнал.xlsx.ошибки.xlsx".to_string()),
        "{rejected:?}"
    );
    assert!(
        rejected.contains(&"Журнал.xlsm.ошибки.xlsx".to_string()),
        "{rejected:?}"
    );
    assert!(
        rejected.contains(&"Журнал.ods.ошибки.txt".to_string()),
        "{rejected:?}"
    );
    assert!(
        !rejected.contains(&"Журнал.ods.ошибки.xlsx".to_string()),
        "{rejected:?}"
    );
    // Each copy holds its own file's wrong value (which of the two `Журнал.xlsx` keeps the
    // plain name depends on their hashes).
    let values: Vec<&str> = copies
        .iter()
        .map(|copy| {
            let content = readable_text(&ws.path("rejected").join(copy));
            ["директор", "завуч", "сторож"]
                .into_iter()
                .find(|v| content.contains(v))
                .unwrap()
        })
        .collect();
    let mut sorted = values.clone();
    sorted.sort();
    assert_eq!(sorted, ["директор", "завуч", "сторож"], "{copies:?}");
    assert_eq!(
        values[copies
            .iter()
            .position(|c| *c == "Журнал.xlsm.ошибки.xlsx")
            .unwrap()],
        "завуч"
    );
    // The summary names a copy only where one was written.
    let summary = String::from_utf8_lossy(&out.stdout);
    let ods_line = summary
        .lines()
        .find(|l| l.starts_with("inbox/Журнал.ods — отклонён"))
        .unwrap();
    assert!(
        ods_line.contains("rejected/Журнал.ods.ошибки.txt") && !ods_line.contains("копия"),
        "{ods_line}"
    );
    let xlsm_line = summary
        .lines()
        .find(|l| l.starts_with("inbox/Журнал.xlsm — отклонён"))
        .unwrap();
    assert!(
        xlsm_line.contains("копия с отмеченными ячейками: rejected/Журнал.xlsm.ошибки.xlsx"),
        "{xlsm_line}"
    );
}

/// A power cut in the middle of a log line: every later run starts its lines on a line of
/// their own, and the log stays readable run after run.
#[test]
fn the_ingest_log_survives_a_torn_last_line_on_every_later_run() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    assert_eq!(ws.ingest().status.code(), Some(0));
    let log_path = ws.path("store/ingest-log.csv");
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(&log_path)
        .unwrap();
    log.write_all(b"2025-11-23 12:00:00,inbox/half.xlsx,archive/2025-11-23_ab")
        .unwrap();
    drop(log);
    ws.drop("журнал.xlsx", &attendance());
    let first = ws.ingest();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    ws.drop("анкета.xlsx", &competency());
    let second = ws.ingest();
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(!log.contains("half.xlsx"), "{log}");
    assert!(log.ends_with('\n'));
    let files: Vec<String> = ws.log().iter().map(|l| l["file"].clone()).collect();
    assert_eq!(
        files,
        [
            "inbox/состав.xlsx",
            "inbox/журнал.xlsx",
            "inbox/анкета.xlsx"
        ]
    );
    // A whole last line that only lost its line end is kept, and the next one follows it.
    std::fs::write(&log_path, log.trim_end_matches('\n')).unwrap();
    ws.drop(
        "состав2.xlsx",
        &at_school(roster(), "2315-002", "Школа 2", "Город"),
    );
    assert_eq!(ws.ingest().status.code(), Some(0));
    assert_eq!(ws.log().len(), 4);
}

#[test]
fn check_of_a_missing_file_or_a_folder_is_a_usage_error() {
    let ws = Ws::new();
    let missing = ws.path("нет такого.xlsx");
    let out = ws.run(&["check", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("не найден") && !said.contains("inbox"),
        "{said}"
    );
    let out = ws.run(&["check", ws.path("inbox").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("это папка"),
        "{}",
        text(&out)
    );
}
