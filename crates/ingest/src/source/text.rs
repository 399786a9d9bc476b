//! The source as UTF-8 text: decoded from the declared encoding, with where
//! each line break and each invalid byte sequence fell, so that readers can
//! number records by physical line and quarantine undecodable ones.

use std::collections::VecDeque;
use std::io::Read;

use clearstone_model::limits;
use encoding_rs::{DecoderResult, Encoding};

use super::quotes::Quotes;

const BUFFER_BYTES: usize = 64 * 1024;
/// U+FFFD stands in for a sequence that is invalid in the encoding; the
/// record holding it is quarantined, so it never lands as data.
const REPLACEMENT: &[u8] = "\u{fffd}".as_bytes();

pub(crate) struct Text<R> {
    inner: R,
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    raw_at: usize,
    raw_len: usize,
    raw_eof: bool,
    finished: bool,
    out: Vec<u8>,
    out_at: usize,
    out_len: usize,
    /// Text bytes handed out before `out`.
    offset: u64,
    track: bool,
    prev_cr: bool,
    /// Offsets of `\r` and `\n`, and whether each starts a new line (the `\n`
    /// of `\r\n` does not), not yet passed by a record.
    breaks: VecDeque<(u64, bool)>,
    /// Lines ended before the breaks still queued.
    lines: u64,
    /// Offsets of replacement characters standing for invalid sequences.
    bad: VecDeque<u64>,
    /// In a single-byte code page, the bytes beyond ASCII that would be
    /// UTF-8 sequences, and those that could not: a file declared
    /// windows-1252 whose every such byte is UTF-8 is UTF-8.
    utf8_like: u64,
    not_utf8: u64,
    cut: Option<Cut>,
}

/// Cuts every CSV record at `limits::ROW_BYTES_MAX` bytes as the text
/// passes, so that a record of any length (a 1 GB line, or a quoted field
/// over many lines) is never held whole: it is quarantined from what is
/// kept. Where bytes were dropped, a NUL (which no text the reader accepts
/// holds) marks the record as cut, and a quote closes a quoted field the
/// cut began in, so that the CSV reader ends the record where the source
/// does.
struct Cut {
    /// The reader's quoting, to tell a line break inside a quoted field
    /// from the end of a record; `None` when quoting is off.
    quotes: Option<(Quotes, u8)>,
    record_bytes: usize,
    /// While cutting: whether the cut began inside a quoted field.
    cutting: Option<bool>,
    dropped: u64,
    /// Where each cut record's marker sits, and how many bytes it dropped.
    cuts: VecDeque<(u64, u64)>,
    kept: Vec<u8>,
}

impl<R: Read> Text<R> {
    /// `encoding` is `None` for UTF-8, which is passed through as bytes so
    /// that invalid sequences are kept exactly as read. `track` records line
    /// breaks; a reader that does not ask for lines must not set it.
    pub fn new(inner: R, encoding: Option<&'static Encoding>, track: bool) -> Self {
        Self {
            inner,
            // A byte-order mark overrides the declaration, as in browsers.
            decoder: encoding.map(Encoding::new_decoder),
            raw: vec![0; if encoding.is_some() { BUFFER_BYTES } else { 0 }],
            raw_at: 0,
            raw_len: 0,
            raw_eof: false,
            finished: false,
            out: vec![0; BUFFER_BYTES],
            out_at: 0,
            out_len: 0,
            offset: 0,
            track,
            prev_cr: false,
            breaks: VecDeque::new(),
            lines: 0,
            bad: VecDeque::new(),
            utf8_like: 0,
            not_utf8: 0,
            cut: None,
        }
    }

    /// Cuts CSV records longer than `limits::ROW_BYTES_MAX` (see [`Cut`]),
    /// read with `delimiter` and `quote` (`None`: quoting off).
    pub fn cut_records(mut self, delimiter: u8, quote: Option<u8>) -> Self {
        self.cut = Some(Cut {
            quotes: quote.map(|q| (Quotes::new(delimiter, q), q)),
            record_bytes: 0,
            cutting: None,
            dropped: 0,
            cuts: VecDeque::new(),
            kept: Vec::new(),
        });
        self
    }

    /// The bytes dropped from the record ending before `end`, if it was cut
    /// (records must be asked for in order).
    pub fn cut_before(&mut self, end: u64) -> Option<u64> {
        let cut = self.cut.as_mut()?;
        let mut dropped = None;
        while let Some(&(at, n)) = cut.cuts.front()
            && at < end
        {
            cut.cuts.pop_front();
            dropped = Some(n);
        }
        dropped
    }

    /// Whether the source, declared in a single-byte code page, reads as
    /// UTF-8 so far: bytes beyond ASCII, every one in a UTF-8 sequence.
    pub fn looks_utf8(&self) -> bool {
        self.utf8_like > 0 && self.not_utf8 == 0
    }

    /// The 1-based physical line of the record the reader reports at byte
    /// `at`. Readers report the end of the previous record, which may sit on
    /// blank lines or the `\n` of a `\r\n`: those are stepped over. Records
    /// must be asked for in order.
    pub fn line_at(&mut self, at: u64) -> u64 {
        let mut at = at;
        while let Some(&(offset, new_line)) = self.breaks.front() {
            if offset > at {
                break;
            }
            self.breaks.pop_front();
            self.lines += u64::from(new_line);
            if offset == at {
                at += 1;
            }
        }
        self.lines + 1
    }

    /// The encoding being read, after any byte-order mark has had its say.
    pub fn encoding_name(&self) -> &'static str {
        self.decoder
            .as_ref()
            .map_or("UTF-8", |d| d.encoding().name())
    }

    /// How many invalid sequences fell before `end` since the last call.
    pub fn invalid_before(&mut self, end: u64) -> usize {
        let mut n = 0;
        while self.bad.front().is_some_and(|b| *b < end) {
            self.bad.pop_front();
            n += 1;
        }
        n
    }

    fn fill(&mut self) -> std::io::Result<()> {
        self.offset += self.out_len as u64;
        self.out_at = 0;
        // A stretch cut away whole leaves nothing, which is not the end.
        while self.fill_once()? {}
        Ok(())
    }

    /// Fills `out` once; whether it must be filled again.
    fn fill_once(&mut self) -> std::io::Result<bool> {
        self.out_len = match self.decoder.as_mut() {
            None => self.inner.read(&mut self.out)?,
            Some(_) => self.decode()?,
        };
        if self
            .decoder
            .as_ref()
            .is_some_and(|d| d.encoding().is_single_byte())
        {
            self.note_undefined();
        }
        if self.cut.is_some() {
            let read = self.out_len;
            self.cut_long_records();
            return Ok(read > 0 && self.out_len == 0);
        }
        if self.track {
            self.note_breaks();
        }
        Ok(false)
    }

    /// Drops what records hold past `limits::ROW_BYTES_MAX` from `out`,
    /// noting line breaks (the dropped ones too, so that later records keep
    /// their physical lines) as `note_breaks` does.
    fn cut_long_records(&mut self) {
        let Some(cut) = self.cut.as_mut() else { return };
        let input = self.out.get(..self.out_len).unwrap_or_default();
        let base = self.offset;
        // What is kept of `input`, built only once a cut is met: most
        // stretches have none and stay as they are.
        let mut kept: Option<Vec<u8>> = None;
        // Invalid sequences found past the start of a cut in this stretch,
        // at their places before it: moved to their places after it.
        let mut bad = VecDeque::new();
        for (i, &b) in input.iter().enumerate() {
            let at = base + kept.as_ref().map_or(i, Vec::len) as u64;
            while bad.front().is_some_and(|x| *x <= base + i as u64) {
                bad.pop_front();
                self.bad.push_back(at);
            }
            let brk = b == b'\r' || b == b'\n';
            let quoted = cut
                .quotes
                .as_ref()
                .is_some_and(|(q, _)| q.in_quoted_field());
            if brk && !quoted {
                if let Some(was_quoted) = cut.cutting.take() {
                    // A cut that began in an earlier stretch ends here.
                    let k = kept.get_or_insert_with(|| {
                        Self::start_kept(&mut cut.kept, &mut self.bad, &mut bad, input, base, i)
                    });
                    k.push(super::CUT);
                    if let (true, Some((_, q))) = (was_quoted, &cut.quotes) {
                        k.push(*q);
                    }
                    cut.cuts.push_back((base + k.len() as u64, cut.dropped));
                    cut.dropped = 0;
                }
                cut.record_bytes = 0;
            } else {
                cut.record_bytes += 1;
                if cut.cutting.is_none() && cut.record_bytes > limits::ROW_BYTES_MAX {
                    cut.cutting = Some(quoted);
                }
            }
            if self.track && brk {
                let at = base + kept.as_ref().map_or(i, Vec::len) as u64;
                let new_line = b == b'\r' || !self.prev_cr;
                self.breaks.push_back((at, new_line));
            }
            self.prev_cr = b == b'\r';
            match (cut.cutting, kept.as_mut()) {
                (Some(_), Some(_)) => cut.dropped += 1,
                (Some(_), None) => {
                    kept = Some(Self::start_kept(
                        &mut cut.kept,
                        &mut self.bad,
                        &mut bad,
                        input,
                        base,
                        i,
                    ));
                    cut.dropped += 1;
                }
                (None, Some(k)) => k.push(b),
                (None, None) => {}
            }
            if let Some((q, _)) = cut.quotes.as_mut() {
                q.feed(b, 0);
            }
        }
        if self.out_len == 0 && cut.cutting.take().is_some() {
            // The last record had no line break after it.
            cut.cuts.push_back((base + 1, cut.dropped));
            kept = Some(vec![super::CUT]);
        }
        let Some(mut kept) = kept else { return };
        for _ in bad {
            self.bad.push_back(base + kept.len() as u64);
        }
        self.out_len = kept.len();
        if kept.len() < BUFFER_BYTES {
            kept.resize(BUFFER_BYTES, 0);
        }
        cut.kept = std::mem::replace(&mut self.out, kept);
    }

    /// The kept part of a stretch whose first cut begins at `from`: the
    /// bytes before it, and the invalid sequences after it set aside in
    /// `moved` to be placed again.
    fn start_kept(
        spare: &mut Vec<u8>,
        all_bad: &mut VecDeque<u64>,
        moved: &mut VecDeque<u64>,
        input: &[u8],
        base: u64,
        from: usize,
    ) -> Vec<u8> {
        let first = all_bad.partition_point(|b| *b < base + from as u64);
        moved.extend(all_bad.drain(first..));
        let mut kept = std::mem::take(spare);
        kept.clear();
        kept.extend_from_slice(input.get(..from).unwrap_or_default());
        kept
    }

    fn decode(&mut self) -> std::io::Result<usize> {
        let room = self.out.len() - REPLACEMENT.len();
        let mut written = 0;
        while !self.finished && written == 0 {
            if self.raw_at == self.raw_len && !self.raw_eof {
                self.raw_len = self.inner.read(&mut self.raw)?;
                self.raw_at = 0;
                self.raw_eof = self.raw_len == 0;
                if self
                    .decoder
                    .as_ref()
                    .is_some_and(|d| d.encoding().is_single_byte())
                {
                    // A sequence split between two reads counts as not
                    // UTF-8, which only ever keeps a file as declared.
                    for c in self
                        .raw
                        .get(..self.raw_len)
                        .unwrap_or_default()
                        .utf8_chunks()
                    {
                        self.utf8_like +=
                            c.valid().bytes().filter(|b| !b.is_ascii()).count() as u64;
                        self.not_utf8 += c.invalid().len() as u64;
                    }
                }
            }
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(0);
            };
            let input = self.raw.get(self.raw_at..self.raw_len).unwrap_or_default();
            let output = self.out.get_mut(..room).unwrap_or_default();
            let (result, read, n) =
                decoder.decode_to_utf8_without_replacement(input, output, self.raw_eof);
            self.raw_at += read;
            written = n;
            match result {
                DecoderResult::InputEmpty => self.finished = self.raw_eof,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => {
                    self.bad.push_back(self.offset + written as u64);
                    if let Some(slot) = self.out.get_mut(written..written + REPLACEMENT.len()) {
                        slot.copy_from_slice(REPLACEMENT);
                        written += REPLACEMENT.len();
                    }
                }
            }
        }
        Ok(written)
    }

    /// A single-byte code page maps a byte it leaves undefined (0x81 in
    /// windows-1252) to a C1 control character, which no export means as
    /// text: it counts as an invalid sequence.
    fn note_undefined(&mut self) {
        let before = self.bad.len();
        let out = self.out.get(..self.out_len).unwrap_or_default();
        for (i, w) in out.windows(2).enumerate() {
            if is_c1(w) {
                self.bad.push_back(self.offset + i as u64);
            }
        }
        if self.bad.len() > before {
            self.bad.make_contiguous().sort_unstable();
        }
    }

    fn note_breaks(&mut self) {
        let base = self.offset;
        for (i, b) in self.out.iter().take(self.out_len).enumerate() {
            match b {
                b'\r' => {
                    self.breaks.push_back((base + i as u64, true));
                    self.prev_cr = true;
                }
                b'\n' => {
                    self.breaks.push_back((base + i as u64, !self.prev_cr));
                    self.prev_cr = false;
                }
                _ => self.prev_cr = false,
            }
        }
    }
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.out_at == self.out_len {
            self.fill()?;
        }
        let available = self.out.get(self.out_at..self.out_len).unwrap_or_default();
        let n = available.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.out_at += n;
        Ok(n)
    }
}

/// Whether two bytes of UTF-8 encode a C1 control character (U+0080 to U+009F).
pub(crate) fn is_c1(pair: &[u8]) -> bool {
    matches!(pair, [0xc2, 0x80..=0x9f])
}
