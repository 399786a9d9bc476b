//! A first pass over the whole source, before any record is read: an empty
//! file, a file that is not text, and a truncated or damaged archive are
//! refused whole here, so that nothing from them lands.

use std::io::Read;

use super::quotes::Quotes;
use super::text::Text;
use super::{read_error, refuse};
use crate::IngestError;
use crate::mapping::{Format, Mapping};

/// The stretch of text judged at a time, so that binary bytes after a long
/// run of good text are still found.
const BLOCK_BYTES: u64 = 64 * 1024;
/// Below this, a stretch is too short to judge by its share of odd bytes
/// (a few accented letters in a foreign encoding would tip it); NUL bytes
/// still refuse it.
const BLOCK_BYTES_MIN: u64 = 256;
/// A short stretch judged by its C0 control characters alone, which text
/// (unlike its accented letters in an undeclared encoding) never has in
/// numbers: so a short binary tail after a long run of text is found too.
const WINDOW_BYTES: u64 = 256;
/// Text has next to no control characters; binary data has about one byte in
/// eight, and more if it is not valid UTF-8.
const SUSPECT_PERCENT_MAX: u64 = 10;

pub(super) fn verify<R: Read>(m: &Mapping, mut text: Text<R>) -> Result<(), IngestError> {
    let mut buf = vec![0; 64 * 1024];
    let mut scan = Scan {
        quotes: (m.format == Format::Csv)
            .then_some(m.quote)
            .flatten()
            .map(|q| Quotes::new(m.delimiter, q)),
        ..Scan::default()
    };
    loop {
        let n = text.read(&mut buf).map_err(|e| read_error(m, e))?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        let invalid = text.invalid_before(u64::MAX) as u64;
        scan.feed(chunk, invalid);
        if let Some(nul_line) = scan.nul_line {
            return Err(refuse(
                m,
                "not_text",
                format!(
                    "the file is not text: a NUL byte on line {nul_line} (if it is UTF-16, declare its `encoding`)"
                ),
            ));
        }
        if let Some(line) = scan.binary_from {
            return Err(not_text(m, line));
        }
    }
    scan.end_block();
    scan.end_window();
    if let Some(line) = scan.binary_from {
        return Err(not_text(m, line));
    }
    if !scan.content {
        return Err(refuse(m, "empty_file", "empty file"));
    }
    if let Some(line) = scan.quotes.as_ref().and_then(Quotes::open_at_end) {
        return Err(refuse(
            m,
            "unclosed_quote",
            format!(
                "a quoted field opened on line {line} is never closed, so the rest of the file would be read as one value"
            ),
        ));
    }
    if text.looks_utf8() {
        return Err(refuse(
            m,
            "wrong_encoding",
            format!(
                "the file is UTF-8 (every byte beyond ASCII is part of a UTF-8 character), but the mapping declares {}: declare `encoding = \"utf-8\"`",
                text.encoding_name()
            ),
        ));
    }
    Ok(())
}

fn not_text(m: &Mapping, line: u64) -> IngestError {
    refuse(
        m,
        "not_text",
        format!(
            "the file is not text: more than {SUSPECT_PERCENT_MAX}% control characters or invalid bytes from line {line}"
        ),
    )
}

#[derive(Default)]
struct Scan {
    seen: u64,
    line: u64,
    prev: u8,
    content: bool,
    block_bytes: u64,
    block_suspect: u64,
    block_line: u64,
    nul_line: Option<u64>,
    binary_from: Option<u64>,
    window_bytes: u64,
    window_controls: u64,
    window_line: u64,
    quotes: Option<Quotes>,
}

impl Scan {
    fn feed(&mut self, chunk: &[u8], invalid: u64) {
        let body = if self.seen == 0 {
            chunk.strip_prefix(b"\xef\xbb\xbf").unwrap_or(chunk)
        } else {
            chunk
        };
        self.block_suspect += invalid;
        // Bytes that are not UTF-8 arrive only where no encoding was
        // declared; a sequence split between chunks counts, harmlessly, too.
        self.block_suspect += chunk
            .utf8_chunks()
            .map(|c| c.invalid().len() as u64)
            .sum::<u64>();
        for &b in body {
            if self.block_bytes == 0 {
                self.block_line = self.line + 1;
            }
            if self.window_bytes == 0 {
                self.window_line = self.line + 1;
            }
            self.block_bytes += 1;
            let new_line = b == b'\n' && self.prev != b'\r' || b == b'\r';
            if let Some(q) = self.quotes.as_mut() {
                q.feed(b, self.line + 1);
            }
            if new_line {
                self.line += 1;
            }
            let control = match b {
                0 => {
                    self.nul_line.get_or_insert(self.line + 1);
                    true
                }
                b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => false,
                0..0x20 | 0x7f => true,
                // C1 controls, U+0080 to U+009F, encoded as UTF-8.
                0x80..=0x9f => self.prev == 0xc2,
                _ => false,
            };
            self.block_suspect += u64::from(control);
            self.window_bytes += 1;
            self.window_controls += u64::from(control && b < 0x80);
            self.content |= !b.is_ascii_whitespace();
            self.prev = b;
            if self.block_bytes == BLOCK_BYTES {
                self.end_block();
            }
            if self.window_bytes == WINDOW_BYTES {
                self.end_window();
            }
        }
        self.seen += chunk.len() as u64;
    }

    /// Measured against a whole window even when the file ends before it
    /// fills, so that a few stray controls at the end do not count.
    fn end_window(&mut self) {
        if self.window_controls * 100 > WINDOW_BYTES * SUSPECT_PERCENT_MAX
            && self.binary_from.is_none()
        {
            self.binary_from = Some(self.window_line);
        }
        self.window_bytes = 0;
        self.window_controls = 0;
    }

    fn end_block(&mut self) {
        if self.block_bytes >= BLOCK_BYTES_MIN
            && self.block_suspect * 100 > self.block_bytes * SUSPECT_PERCENT_MAX
            && self.binary_from.is_none()
        {
            self.binary_from = Some(self.block_line);
        }
        self.block_bytes = 0;
        self.block_suspect = 0;
    }
}
