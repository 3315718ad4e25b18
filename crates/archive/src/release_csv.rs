//! The release's `cables.csv`: eight quoted columns, no header row, quotes escaped with a
//! backslash (`\"`), fields over many lines.
//!
//! `1. id  2. created (M/D/YYYY H:MM)  3. reference id  4. origin  5. classification
//! 6. references (|-separated)  7. header  8. body`

use std::io::Read;

/// One row of `cables.csv`, fields as released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The release's own numbering (column 1).
    pub id: String,
    pub created: String,
    pub reference_id: String,
    pub origin: String,
    pub classification: String,
    /// Column 6: reference ids the release lists for this cable (empty in the sample corpus).
    pub references: Vec<String>,
    pub header: String,
    pub body: String,
    /// The line the row starts on (1-based).
    pub line: u64,
}

/// A row that could not be read; reading goes on with the next row.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    #[error("line {line}: expected 8 columns, found {found}")]
    Columns { line: u64, found: usize },
    #[error("line {line}: column {column} is not valid UTF-8")]
    Utf8 { line: u64, column: usize },
    #[error("line {line}: {source}")]
    Csv { line: u64, source: csv::Error },
}

impl RowError {
    pub fn line(&self) -> u64 {
        match self {
            RowError::Columns { line, .. } | RowError::Utf8 { line, .. } | RowError::Csv { line, .. } => *line,
        }
    }
}

/// Streams rows from a reader of `cables.csv` (plain; wrap a gzip decoder around it for `.gz`).
pub struct Reader<R: Read> {
    inner: csv::Reader<R>,
    record: csv::ByteRecord,
    done: bool,
}

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        let inner = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .double_quote(false)
            .escape(Some(b'\\'))
            .buffer_capacity(1 << 20)
            .from_reader(input);
        Reader { inner, record: csv::ByteRecord::new(), done: false }
    }

    /// Bytes of input consumed so far.
    pub fn byte_offset(&self) -> u64 {
        self.inner.position().byte()
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Row, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let line = self.inner.position().line();
        match self.inner.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let line = self.record.position().map_or(line, |p| p.line());
                Some(row(&self.record, line))
            }
            Err(source) => {
                if matches!(source.kind(), csv::ErrorKind::Io(_)) {
                    self.done = true;
                }
                Some(Err(RowError::Csv { line, source }))
            }
        }
    }
}

fn row(rec: &csv::ByteRecord, line: u64) -> Result<Row, RowError> {
    if rec.len() != 8 {
        return Err(RowError::Columns { line, found: rec.len() });
    }
    let field = |i: usize| -> Result<String, RowError> {
        std::str::from_utf8(&rec[i]).map(str::to_owned).map_err(|_| RowError::Utf8 { line, column: i + 1 })
    };
    let references = field(5)?;
    Ok(Row {
        id: field(0)?,
        created: field(1)?,
        reference_id: field(2)?,
        origin: field(3)?,
        classification: field(4)?,
        references: references.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        header: field(6)?,
        body: field(7)?,
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslash_escapes_and_multiline_fields() {
        let data = "\"1\",\"12/28/1966 18:48\",\"66BUENOSAIRES2481\",\"Embassy Buenos Aires\",\"UNCLASSIFIED\",\"\",\"P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\",\"SAID \\\"200 MILE LIMIT\\\"\nEND\"\n\
                    \"2\",\"1/1/2009 0:00\",\"09STATE1\",\"Secretary of State\",\"SECRET\",\"09LONDON1|09PARIS2\",\"H\",\"B\"\n";
        let rows: Vec<_> = Reader::new(data.as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].body, "SAID \"200 MILE LIMIT\"\nEND");
        assert_eq!(rows[0].header, "P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES");
        assert_eq!(rows[0].line, 1);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].references, ["09LONDON1", "09PARIS2"]);
    }

    #[test]
    fn bad_rows_are_reported_and_reading_goes_on() {
        let data = b"\"1\",\"a\",\"b\"\n\"2\",\"1/1/2009 0:00\",\"09STATE1\",\"o\",\"SECRET\",\"\",\"H\",\"\xff\"\n\"3\",\"1/1/2009 0:00\",\"09STATE2\",\"o\",\"SECRET\",\"\",\"H\",\"B\"\n";
        let rows: Vec<_> = Reader::new(&data[..]).collect();
        assert!(matches!(rows[0], Err(RowError::Columns { line: 1, found: 3 })));
        assert!(matches!(rows[1], Err(RowError::Utf8 { line: 2, column: 8 })));
        assert_eq!(rows[2].as_ref().unwrap().reference_id, "09STATE2");
    }
}
