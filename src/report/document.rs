//! The format-neutral document a view builds and every renderer reads: a cover, sections
//! with their headings, and in them sentences, key figures, tables and charts, each value
//! typed with its unit. No layout measures and no bytes here: how a table breaks across
//! pages or which cells an Excel rule colours is the renderers' business.
//!
//! A section says where it is shown ([`Place`]): in the workbook and the printed report
//! alike, or in one of them only where the two differ (a sheet holds more columns than an
//! A4 page). A block both show is built once and placed in both, so they cannot disagree.

use chrono::{NaiveDate, NaiveDateTime};

use crate::schema::{Indicator, Unit};

/// A report: what the PDF's title page, running header and pages and the workbook's
/// sheets show.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The file's title in its properties.
    pub title: String,
    /// The PDF's title page.
    pub cover: Cover,
    /// Who the report is about, on every sheet's second row.
    pub about: String,
    /// The left part of a printed sheet's footer (the centre part is the period).
    pub footer: String,
    /// The running header of the PDF's pages after the title page.
    pub running_header: String,
    /// When the report was made: the files' dates (fixed in deterministic runs).
    pub generated_at: NaiveDateTime,
    /// The report's parts in reading order.
    pub sections: Vec<Section>,
}

/// The title page: the report's title, who it is about, the period and the comparison term.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// What the report is («Отчёт школы о тьюторском сопровождении»).
    pub title: String,
    /// Whom it is about: the school's or the region's name, in large type.
    pub name: String,
    /// A line under the name (the school's code and municipality).
    pub subtitle: String,
    /// The term in words («1 четверть 2025/2026»).
    pub period: String,
    /// The comparison term, when it has data.
    pub compared: Option<String>,
}

/// Which output shows a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The workbook (a sheet of its own) and the printed report.
    Both,
    /// The workbook only: a sheet of its own.
    Workbook,
    /// The printed report (PDF) only.
    Print,
}

impl Place {
    /// Whether the workbook shows a section placed here.
    pub fn in_workbook(self) -> bool {
        matches!(self, Place::Both | Place::Workbook)
    }

    /// Whether the printed report shows a section placed here.
    pub fn in_print(self) -> bool {
        matches!(self, Place::Both | Place::Print)
    }
}

/// A part of a report under its own heading: a sheet of the workbook, a run of pages of
/// the printed report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's heading.
    pub title: String,
    /// Which outputs show it.
    pub place: Place,
    /// The sheet's name in the workbook.
    pub sheet: String,
    /// Whether the printed section starts on a page of its own.
    pub new_page: bool,
    /// What the section shows, in order.
    pub blocks: Vec<Block>,
}

impl Section {
    /// An empty section shown in `place`.
    pub fn new(place: Place, title: impl Into<String>) -> Section {
        Section {
            title: title.into(),
            place,
            sheet: String::new(),
            new_page: false,
            blocks: Vec::new(),
        }
    }

    /// The section's sheet name in the workbook.
    pub fn sheet(mut self, name: impl Into<String>) -> Section {
        self.sheet = name.into();
        self
    }

    /// The printed section starts a page.
    pub fn on_new_page(mut self) -> Section {
        self.new_page = true;
        self
    }

    /// Adds a block.
    pub fn with(mut self, block: Block) -> Section {
        self.blocks.push(block);
        self
    }
}

/// What a section holds, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A sentence or paragraph.
    Text(String, Style),
    /// Sentences as a bulleted list.
    Bullets(Vec<String>),
    /// A heading inside a section.
    Subheading(String),
    /// Key figures with their change against the comparison term, percentages coloured
    /// by `Colours` where the output can.
    Figures(Vec<Figure>, Colours),
    /// A table of typed cells.
    Table(Table),
    /// A chart, drawn as its kind says.
    Chart(Chart),
}

/// How a sentence reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Running text.
    Body,
    /// A remark: how to read what follows, what a mark means.
    Note,
    /// What must not be missed.
    Strong,
}

/// One key figure: what, now, before.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What the figure is, as the report words it.
    pub label: String,
    /// The indicator: its unit formats the value and the change.
    pub code: Indicator,
    /// The indicator's group the figure is of (empty for the whole).
    pub group: String,
    /// The value in the report's term.
    pub value: f64,
    /// The value in the comparison term, when there is one.
    pub previous: Option<f64>,
}

/// A table: columns, rows of typed cells, and what the printed report says instead when
/// there are no rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns, left to right.
    pub columns: Vec<Column>,
    /// The rows, a cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Printed instead of a table without rows (the workbook says «нет данных» under the header).
    pub empty: Option<(String, Style)>,
    /// Rows the printed report highlights (schools flagged for support); none when empty.
    pub marked: Vec<bool>,
}

impl Table {
    /// A table with these columns and no rows yet.
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            empty: None,
            marked: Vec::new(),
        }
    }

    /// The sentence the printed report shows when the table has no rows.
    pub fn or_say(mut self, text: impl Into<String>, style: Style) -> Table {
        self.empty = Some((text.into(), style));
        self
    }
}

/// A column: its header, its share of a printed page's width (relative to the others), and
/// how its values are coloured.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header cell's text.
    pub header: String,
    /// The share of a printed page's width, relative to the other columns'.
    pub width: f32,
    /// How its percentages are coloured, if they are.
    pub colours: Option<Colours>,
}

impl Column {
    /// A plain column with this header and relative width.
    pub fn new(header: impl Into<String>, width: f32) -> Column {
        Column {
            header: header.into(),
            width,
            colours: None,
        }
    }

    /// The column's percentages coloured by `colours`.
    pub fn coloured(mut self, colours: Colours) -> Column {
        self.colours = Some(colours);
        self
    }
}

/// How a column's percentages are coloured where the output can (Excel's rules).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Colours {
    /// Traffic lights by level: red below `mid`, yellow up to `high`, green from `high`.
    Levels {
        /// Where yellow begins: the middle level's threshold.
        mid: f64,
        /// Where green begins: the high level's threshold.
        high: f64,
    },
    /// A red-yellow-green scale over 0..100.
    Scale,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text as it is printed.
    Text(String),
    /// A value in its unit; `None` when there is none.
    Value(Option<f64>, Unit),
    /// A change against an earlier value of this unit (a percentage's in points); `None`
    /// when there is none, and never shown for a yes/no figure.
    Change(Option<f64>, Unit),
    /// A date; `None` when there is none.
    Date(Option<NaiveDate>),
}

/// What a chart is drawn as: the view chooses, the renderers follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Upright bars.
    Column,
    /// Horizontal bars, for long category names: a name reads along its bar.
    Bar,
    /// A line through the points, for values over time.
    Line,
    /// A row per category of 100 % stacked bars, one part per series (the printed page
    /// writes each part's value inside it and the category's note right of it).
    Stacked,
    /// A row per category spreading schools' values: the first series is the category's
    /// own figure (a tick), every further series holds one school's value (a dot), the
    /// middle half of the dots is a box with its median, and the reference line is the
    /// region's figure.
    Spread,
    /// A small line chart per series, side by side, each over the categories (the terms of
    /// a year), its points labelled; a missing value is a gap in its line, not a zero.
    Lines,
}

/// A chart: categories and named series (missing values as `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// What it is drawn as.
    pub kind: ChartKind,
    /// The caption above it.
    pub title: String,
    /// The categories along the category axis, in order.
    pub categories: Vec<String>,
    /// Named series, a value (or `None`) per category: the legend names them.
    pub series: Vec<(String, Vec<Option<f64>>)>,
    /// A horizontal reference line (the 50 % line of diagnostic topics).
    pub reference: Option<f64>,
    /// Values are percentages: the axis runs 0..100.
    pub percent: bool,
    /// A note per category, right of its row (row charts only); may be empty.
    pub notes: Vec<String>,
}
