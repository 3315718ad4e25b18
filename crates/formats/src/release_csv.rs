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
    #[error("line {line}: unbalanced quote: the row's last field is not closed")]
    Unbalanced { line: u64 },

    /// The input could not be read on (a truncated `.gz`, a read error): reading stops here.
    #[error("byte {offset}: the file is truncated or unreadable after this point ({source})")]
    Io { offset: u64, line: u64, source: std::io::Error },
}

impl RowError {
    /// Why the row was refused, without its line.
    pub fn reason(&self) -> String {
        match self {
            RowError::Columns { found, .. } => format!("expected 8 columns, found {found}"),
            RowError::Utf8 { column, .. } => format!("column {column} is not valid UTF-8"),
            RowError::Unbalanced { .. } => "unbalanced quote: the row's last field is not closed".into(),
            RowError::Io { source, .. } => format!("the file is truncated or unreadable after this point ({source})"),
        }
    }

    /// Where: `line 12`, or `byte 1048576` for a read error.
    pub fn location(&self) -> String {
        match self {
            RowError::Io { offset, .. } => format!("byte {offset}"),
            _ => format!("line {}", self.line()),
        }
    }

    pub fn line(&self) -> u64 {
        match self {
            RowError::Columns { line, .. }
            | RowError::Utf8 { line, .. }
            | RowError::Unbalanced { line }
            | RowError::Io { line, .. } => *line,
        }
    }
}

/// Streams rows from a reader of `cables.csv` (plain; wrap a gzip decoder around it for `.gz`).
///
/// The input is first cut into rows, then each row is read as CSV on its own, so that a broken
/// row (an unbalanced quote, a missing column) is reported alone and the rows after it are read
/// as usual. The cut is exact for this format: quotes inside fields are escaped (`\"`), so a
/// quote at the start of a line (`\n"`) always starts a row.
pub struct Reader<R: Read> {
    input: R,
    buf: Vec<u8>,
    /// Start of the unread part of `buf`.
    start: usize,
    /// Bytes of input before `buf[0]`.
    base: u64,
    /// Line number of `buf[start]`.
    line: u64,
    eof: bool,
    failed: bool,
    finder: memchr::memmem::Finder<'static>,
    /// One CSV state machine for every row (building one costs more than reading a row).
    core: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
}

const BLOCK: usize = 1 << 20;
/// More fields than this in a row is reported as such, not read.
const MAX_FIELDS: usize = 64;

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input,
            buf: Vec::with_capacity(2 * BLOCK),
            start: 0,
            base: 0,
            line: 1,
            eof: false,
            failed: false,
            finder: memchr::memmem::Finder::new(b"\n\"").into_owned(),
            core: csv_core::ReaderBuilder::new().double_quote(false).escape(Some(b'\\')).build(),
            fields: Vec::new(),
            ends: vec![0; MAX_FIELDS],
        }
    }

    /// Bytes of input consumed so far.
    pub fn byte_offset(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Reads more input; false at the end or on an error (kept in `err`).
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.base += self.start as u64;
            self.start = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + BLOCK, 0);
        loop {
            match self.input.read(&mut self.buf[old..]) {
                Ok(n) => {
                    self.buf.truncate(old + n);
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        }
    }

    /// The next row's bytes (without its final line break) and the line it starts on.
    fn next_chunk(&mut self) -> Option<Result<(std::ops::Range<usize>, u64), RowError>> {
        let mut search_from = self.start + 1;
        loop {
            // a row ends where the next one starts: a line that opens with a quote and a digit
            // (`\n"12","`); a field may end with a line break, its closing quote alone on a line
            while search_from < self.buf.len() {
                let Some(i) = self.finder.find(&self.buf[search_from..]) else {
                    // keep the last byte: a "\n" at the very end may start the next match
                    search_from = self.buf.len().saturating_sub(1).max(self.start + 1);
                    break;
                };
                let nl = search_from + i;
                match self.buf.get(nl + 2) {
                    Some(b) if b.is_ascii_digit() => {
                        let from = self.start;
                        self.start = nl + 1;
                        let line = self.line;
                        self.line += memchr::memchr_iter(b'\n', &self.buf[from..self.start]).count() as u64;
                        return Some(Ok((from..nl, line)));
                    }
                    Some(_) => search_from = nl + 1,
                    // the byte after the quote is not read yet
                    None => {
                        search_from = nl;
                        break;
                    }
                }
            }
            if self.eof || self.failed {
                if self.start >= self.buf.len() {
                    return None;
                }
                let from = self.start;
                let mut end = self.buf.len();
                while end > from && matches!(self.buf[end - 1], b'\n' | b'\r') {
                    end -= 1;
                }
                self.start = self.buf.len();
                let line = self.line;
                if end == from {
                    return None;
                }
                return Some(Ok((from..end, line)));
            }
            let consumed = self.start;
            match self.fill() {
                Ok(true) => search_from -= consumed.min(search_from),
                Ok(false) => self.eof = true,
                Err(source) => {
                    self.failed = true;
                    let offset = self.base + self.buf.len() as u64;
                    let line = self.line;
                    // the rows read so far are still good; the partial one is dropped
                    self.buf.truncate(self.start);
                    return Some(Err(RowError::Io { offset, line, source }));
                }
            }
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Row, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (range, line) = match self.next_chunk()? {
            Ok(c) => c,
            Err(e) => return Some(Err(e)),
        };
        let mut chunk = &self.buf[range];
        while let [rest @ .., b'\r'] = chunk {
            chunk = rest;
        }
        Some(parse_row(&mut self.core, &mut self.fields, &mut self.ends, chunk, line))
    }
}

fn parse_row(
    core: &mut csv_core::Reader,
    fields: &mut Vec<u8>,
    ends: &mut [usize],
    chunk: &[u8],
    line: u64,
) -> Result<Row, RowError> {
    use csv_core::ReadRecordResult as R;
    // the last field must be closed by an unescaped quote
    let closed = chunk.last() == Some(&b'"') && {
        let backslashes = chunk[..chunk.len() - 1].iter().rev().take_while(|&&b| b == b'\\').count();
        backslashes % 2 == 0 && chunk.len() >= 2
    };
    if !closed {
        return Err(RowError::Unbalanced { line });
    }
    // unescaped fields are never longer than the row
    core.reset();
    fields.clear();
    fields.resize(chunk.len() + 1, 0);
    let (mut input, mut n_out, mut n_ends) = (chunk, 0, 0);
    loop {
        let (result, n_in, out, e) = core.read_record(input, &mut fields[n_out..], &mut ends[n_ends..]);
        input = &input[n_in..];
        n_out += out;
        n_ends += e;
        match result {
            R::InputEmpty if input.is_empty() && n_in == 0 && out == 0 && e == 0 => {
                return Err(RowError::Columns { line, found: n_ends })
            }
            R::InputEmpty => input = &[],
            R::OutputEndsFull => return Err(RowError::Columns { line, found: MAX_FIELDS + 1 }),
            R::OutputFull => return Err(RowError::Unbalanced { line }),
            R::Record | R::End => break,
        }
    }
    if !input.is_empty() {
        // more than one record in the row: a quote left open in the middle
        return Err(RowError::Unbalanced { line });
    }
    if n_ends != 8 {
        return Err(RowError::Columns { line, found: n_ends });
    }
    let mut start = 0;
    let mut field = |i: usize| -> Result<String, RowError> {
        let end = ends[i];
        let text = std::str::from_utf8(&fields[start..end]).map_err(|_| RowError::Utf8 { line, column: i + 1 });
        start = end;
        text.map(str::to_owned)
    };
    let id = field(0)?;
    let created = field(1)?;
    let reference_id = field(2)?;
    let origin = field(3)?;
    let classification = field(4)?;
    let references = field(5)?;
    let header = field(6)?;
    let body = field(7)?;
    Ok(Row {
        id,
        created,
        reference_id,
        origin,
        classification,
        references: references.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        header,
        body,
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
    fn a_field_may_end_with_a_line_break() {
        let data = "\"1\",\"d\",\"09LONDON1\",\"o\",\"S\",\"\",\"H\",\"B1 \n\"\n\"2\",\"d\",\"09LONDON2\",\"o\",\"S\",\"\",\"H\",\"B2\"\n";
        let rows: Vec<_> = Reader::new(data.as_bytes()).map(Result::unwrap).collect();
        assert_eq!(rows[0].body, "B1 \n");
        assert_eq!(rows[1].body, "B2");
    }

    #[test]
    fn rows_across_read_blocks() {
        // rows larger than the read block, and boundaries falling on block edges
        let body = "x".repeat(BLOCK - 40);
        let mut data = String::new();
        for i in 1..=5 {
            data.push_str(&format!("\"{i}\",\"d\",\"09LONDON{i}\",\"o\",\"S\",\"\",\"H\",\"{body}\n\"\n"));
        }
        let rows: Vec<_> = Reader::new(data.as_bytes()).map(Result::unwrap).collect();
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|r| r.body.len() == body.len() + 1));
        assert_eq!(rows[4].line, 9);
    }

    #[test]
    fn an_unbalanced_quote_costs_only_its_row() {
        let data = "\"1\",\"d\",\"09LONDON1\",\"o\",\"S\",\"\",\"H\",\"B1\"\n\
                    \"2\",\"d\",\"09LONDON2\",\"o\",\"S\",\"\",\"H\",\"B2 unbalanced\n\
                    \"3\",\"d\",\"09LONDON3\",\"o\",\"S\",\"\",\"H\",\"B3\"\n\
                    \"4\",\"d\",\"09LONDON4\",\"o\",\"S\",\"\",\"H\",\"B4 \\\"quoted\\\"\n\\\"5\\\",\\\"x\\\"\"\n\
                    \"5\",\"d\",\"09LONDON5\",\"o\",\"S\",\"\",\"H\",\"B5";
        let rows: Vec<_> = Reader::new(data.as_bytes()).collect();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].as_ref().unwrap().body, "B1");
        assert!(matches!(rows[1], Err(RowError::Unbalanced { line: 2 })));
        assert_eq!(rows[2].as_ref().unwrap().body, "B3");
        assert_eq!(rows[3].as_ref().unwrap().body, "B4 \"quoted\"\n\"5\",\"x\"");
        assert!(matches!(rows[4], Err(RowError::Unbalanced { line: 6 })));
    }

    #[test]
    fn a_read_error_stops_after_the_good_rows() {
        struct Failing(Vec<u8>, bool);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.1 {
                    return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "corrupt deflate stream"));
                }
                self.1 = true;
                let n = self.0.len().min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                Ok(n)
            }
        }
        let data = b"\"1\",\"d\",\"09LONDON1\",\"o\",\"S\",\"\",\"H\",\"B1\"\n\"2\",\"d\",\"09LON".to_vec();
        let rows: Vec<_> = Reader::new(Failing(data, false)).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].as_ref().unwrap().reference_id, "09LONDON1");
        let e = rows[1].as_ref().unwrap_err();
        assert!(matches!(e, RowError::Io { .. }), "{e}");
        assert_eq!(e.location(), format!("byte {}", 54));
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
