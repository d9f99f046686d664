//! A deterministic synthetic region, written as real filled workbooks into a workspace's
//! inbox: `cargo run --release --example region -- DIR [SCHOOLS] [MUNICIPALITIES] [SEED]`.
//!
//! Per school (issue 6 sizes): 5 tutors, 15 mentors, 20 teachers, 150 students; an
//! attendance journal of 20 events in each of two terms (Q1, Q4); `tutor-competency` start
//! (Q1) and final (Q4); `gia-difficulties` (Q1); an ОГЭ diagnostic for 30 students, start
//! and final; routes with 3 items per student in both terms. About 9 workbooks per school.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

#[path = "../benches/common/rng.rs"]
mod rng;
use rng::Rng;

const FIRST: [&str; 8] = [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Иван",
    "Дмитрий",
    "Сергей",
    "Алексей",
];
const LAST: [&str; 8] = [
    "Иванова",
    "Петрова",
    "Смирнова",
    "Кузнецова",
    "Соколов",
    "Попов",
    "Лебедев",
    "Козлов",
];
const PATRONYMIC: [&str; 4] = ["Андреевна", "Сергеевна", "Иванович", "Петрович"];

struct School {
    code: String,
    name: String,
    municipality: String,
}

fn passport(
    ws: &mut Worksheet,
    school: &School,
    form: &str,
    period: &str,
    extra: &[(&str, &str)],
) -> Result<(), XlsxError> {
    ws.set_name("Паспорт")?;
    let mut rows = vec![
        ("Поле", "Значение"),
        ("Форма", form),
        ("Версия формы", "1"),
        ("Код ОО", &school.code),
        ("Наименование ОО", &school.name),
    ];
    rows.extend([
        ("Муниципалитет", school.municipality.as_str()),
        ("Учебный год", "2025/2026"),
        ("Период", period),
        ("Заполнил", "Методист школы"),
    ]);
    rows.extend(extra.iter().copied());
    for (r, (label, value)) in rows.iter().enumerate() {
        ws.write_string(r as u32, 0, *label)?;
        ws.write_string(r as u32, 1, *value)?;
    }
    Ok(())
}

fn header(ws: &mut Worksheet, name: &str, headers: &[&str]) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    Ok(())
}

fn save(mut wb: Workbook, path: PathBuf) -> Result<(), XlsxError> {
    let fixed = ExcelDateTime::from_ymd(2025, 9, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    wb.save(path)
}

fn person(i: usize) -> &'static str {
    match i {
        0..5 => "тьютор",
        5..20 => "наставник",
        20..40 => "педагог",
        _ => "обучающийся",
    }
}

const PEOPLE: usize = 190;

fn write_school(dir: &Path, s: &School, rng: &mut Rng) -> Result<usize, XlsxError> {
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let mut files = 0;
    // Roster.
    let mut wb = Workbook::new();
    passport(
        wb.add_worksheet(),
        s,
        "Состав участников",
        "1 четверть",
        &[],
    )?;
    let ws = wb.add_worksheet();
    header(
        ws,
        "Состав",
        &[
            "ID",
            "ФИО",
            "Роль",
            "Класс",
            "Предмет",
            "Стаж, лет",
            "Тьютор (ID)",
        ],
    )?;
    for i in 0..PEOPLE {
        let r = i as u32 + 1;
        ws.write_string(r, 0, format!("P{i}"))?;
        ws.write_string(
            r,
            1,
            format!(
                "{} {} {}",
                LAST[i % 8],
                FIRST[(i / 8) % 8],
                PATRONYMIC[i % 4]
            ),
        )?;
        ws.write_string(r, 2, person(i))?;
        if person(i) == "обучающийся" {
            ws.write_string(r, 3, format!("{}А", 5 + i % 5))?;
        }
        if i >= 5 {
            ws.write_string(r, 6, format!("P{}", i % 5))?;
        }
    }
    save(wb, dir.join(format!("{}_Q1_состав.xlsx", s.code)))?;
    files += 1;
    for (period, slug, month) in [("1 четверть", "Q1", 9u8), ("4 четверть", "Q4", 4u8)]
    {
        // Attendance.
        let mut wb = Workbook::new();
        passport(wb.add_worksheet(), s, "Журнал посещаемости", period, &[])?;
        let ws = wb.add_worksheet();
        header(
            ws,
            "События",
            &["Код события", "Дата", "Вид", "Тема", "Часы", "Уровень"],
        )?;
        let kinds = [
            "семинар",
            "групповой тьюториал",
            "индивидуальный тьюториал",
            "заседание клуба",
            "мастер-класс",
        ];
        for e in 0..20u32 {
            ws.write_string(e + 1, 0, format!("С{e}"))?;
            let d = ExcelDateTime::from_ymd(
                if month == 9 { 2025 } else { 2026 },
                month + (e % 2) as u8,
                1 + (e % 28) as u8,
            )?;
            ws.write_datetime_with_format(e + 1, 1, d, &date)?;
            ws.write_string(e + 1, 2, kinds[e as usize % 5])?;
            ws.write_string(e + 1, 3, "Тема встречи")?;
            ws.write_number(e + 1, 4, 1.0)?;
        }
        let ws = wb.add_worksheet();
        ws.set_name("Посещаемость")?;
        ws.write_string(0, 0, "ID")?;
        for e in 0..20u16 {
            ws.write_string(0, e + 1, format!("С{e}"))?;
        }
        let marks = ["+", "+", "+", "н", "у", "б"];
        for i in 0..PEOPLE {
            ws.write_string(i as u32 + 1, 0, format!("P{i}"))?;
            for e in 0..20u16 {
                if rng.below(4) > 0 {
                    ws.write_string(i as u32 + 1, e + 1, marks[rng.below(6) as usize])?;
                }
            }
        }
        save(wb, dir.join(format!("{}_{slug}_посещаемость.xlsx", s.code)))?;
        // Competency questionnaire.
        let wave = if slug == "Q1" {
            "входная"
        } else {
            "итоговая"
        };
        let mut wb = Workbook::new();
        passport(
            wb.add_worksheet(),
            s,
            "Анкета",
            period,
            &[("Анкета", "tutor-competency"), ("Волна", wave)],
        )?;
        let ws = wb.add_worksheet();
        ws.set_name("Ответы")?;
        ws.write_string(0, 0, "ID")?;
        for k in 0..15u16 {
            ws.write_string(0, k + 1, format!("К{}.{}", k / 3 + 1, k % 3 + 1))?;
        }
        for m in 5..20u32 {
            ws.write_string(m - 4, 0, format!("P{m}"))?;
            for k in 0..15u16 {
                ws.write_number(m - 4, k + 1, 1.0 + rng.below(4) as f64)?;
            }
        }
        save(wb, dir.join(format!("{}_{slug}_анкета.xlsx", s.code)))?;
        // Diagnostic.
        let mut wb = Workbook::new();
        passport(
            wb.add_worksheet(),
            s,
            "Диагностика",
            period,
            &[("Диагностика", "ОГЭ математика"), ("Волна", wave)],
        )?;
        let ws = wb.add_worksheet();
        header(
            ws,
            "Задания",
            &["№", "Макс. балл", "Код темы", "Тема (умение)"],
        )?;
        for t in 1..=12u32 {
            ws.write_number(t, 0, t as f64)?;
            ws.write_number(t, 1, 1.0 + (t % 2) as f64)?;
            ws.write_string(t, 2, format!("Т{}", t % 4 + 1))?;
            ws.write_string(t, 3, format!("Тема {}", t % 4 + 1))?;
        }
        let ws = wb.add_worksheet();
        ws.set_name("Результаты")?;
        ws.write_string(0, 0, "ID")?;
        for t in 1..=12u16 {
            ws.write_number(0, t, t as f64)?;
        }
        for (row, st) in (PEOPLE - 30..PEOPLE).enumerate() {
            let r = row as u32 + 1;
            ws.write_string(r, 0, format!("P{st}"))?;
            if rng.below(20) > 0 {
                for t in 1..=12u16 {
                    ws.write_number(r, t, rng.below(1 + (t % 2) as u64 + 1) as f64)?;
                }
            }
        }
        save(wb, dir.join(format!("{}_{slug}_диагностика.xlsx", s.code)))?;
        // Routes.
        let mut wb = Workbook::new();
        passport(
            wb.add_worksheet(),
            s,
            "Индивидуальные маршруты",
            period,
            &[],
        )?;
        let ws = wb.add_worksheet();
        header(
            ws,
            "Маршрут",
            &[
                "ID",
                "Цель",
                "Мероприятие",
                "Уровень",
                "Номинация",
                "Срок",
                "Статус",
                "Результат",
                "Подтверждение",
            ],
        )?;
        let mut r = 1;
        for st in PEOPLE - 150..PEOPLE {
            for k in 0..3u8 {
                ws.write_string(r, 0, format!("P{st}"))?;
                ws.write_string(r, 1, "Цель маршрута")?;
                ws.write_string(r, 2, format!("Мероприятие {k}"))?;
                ws.write_string(
                    r,
                    3,
                    ["школьный", "муниципальный", "региональный"][k as usize],
                )?;
                ws.write_datetime_with_format(
                    r,
                    5,
                    ExcelDateTime::from_ymd(2025 + u16::from(k > 0), [10, 3, 5][k as usize], 15)?,
                    &date,
                )?;
                let done = rng.below(2) == 0 && (slug == "Q4" || k == 0);
                ws.write_string(
                    r,
                    6,
                    if done {
                        "выполнено"
                    } else {
                        "запланировано"
                    },
                )?;
                if done {
                    ws.write_string(
                        r,
                        7,
                        ["участие", "призёр", "победитель"][rng.below(3) as usize],
                    )?;
                }
                r += 1;
            }
        }
        save(wb, dir.join(format!("{}_{slug}_маршруты.xlsx", s.code)))?;
        files += 4;
    }
    // GIA difficulties, Q1.
    let mut wb = Workbook::new();
    passport(
        wb.add_worksheet(),
        s,
        "Анкета",
        "1 четверть",
        &[("Анкета", "gia-difficulties"), ("Волна", "входная")],
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("Ответы")?;
    ws.write_string(0, 0, "ID")?;
    for k in 0..8u16 {
        ws.write_string(0, k + 1, format!("Д{}", k + 1))?;
    }
    for t in 20..40u32 {
        ws.write_string(t - 19, 0, format!("P{t}"))?;
        for k in 0..8u16 {
            ws.write_number(t - 19, k + 1, 1.0 + rng.below(5) as f64)?;
        }
    }
    save(wb, dir.join(format!("{}_Q1_гиа.xlsx", s.code)))?;
    Ok(files + 1)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(
        args.first()
            .ok_or("usage: region DIR [SCHOOLS] [MUNICIPALITIES] [SEED]")?,
    );
    let schools: usize = args.get(1).map(|a| a.parse()).transpose()?.unwrap_or(300);
    let municipalities: usize = args.get(2).map(|a| a.parse()).transpose()?.unwrap_or(10);
    let seed: u64 = args.get(3).map(|a| a.parse()).transpose()?.unwrap_or(2025);
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox)?;
    let mut rng = Rng(seed.max(1));
    let mut files = 0;
    for i in 0..schools {
        let m = i % municipalities;
        let school = School {
            code: format!("{:04}-{:03}", 2300 + m, i / municipalities + 1),
            name: format!("МБОУ СОШ № {}", i + 1),
            municipality: format!("Муниципалитет {}", m + 1),
        };
        let folder = inbox.join(&school.code);
        std::fs::create_dir_all(&folder)?;
        files += write_school(&folder, &school, &mut rng)?;
    }
    println!(
        "{files} workbooks of {schools} schools in {municipalities} municipalities: {}",
        inbox.display()
    );
    Ok(())
}
