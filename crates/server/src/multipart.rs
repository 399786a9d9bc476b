//! multipart/form-data (RFC 7578) read from a body already in memory: the
//! upload form's fields and its file, and the CSRF check's token field.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::ApiError;

/// The largest upload body read: an hour of speech as MP3 or M4A, or about
/// half an hour of 16 kHz WAV.
pub const UPLOAD_BYTES_MAX: usize = 64 * 1024 * 1024;

/// The CSRF check for an upload form, whose token is its `csrf` part: the
/// request rebuilt from the body read, or the answer refusing it. A body
/// that is not multipart is refused as a form without its token.
pub(crate) async fn check_upload(req: Request, token: &str) -> Result<Request, Response> {
    let Some(b) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(boundary)
    else {
        return Err(crate::csrf::refused());
    };
    let (head, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, UPLOAD_BYTES_MAX).await else {
        return Err(ApiError::new(
            "body_too_large",
            format!("an upload is at most {UPLOAD_BYTES_MAX} bytes (upload_bytes_max)"),
        )
        .into_response());
    };
    let sent = parts(&bytes, &b).and_then(|p| text_field(&p, "csrf"));
    match sent.is_some_and(|t| crate::csrf::same(&t, token)) {
        true => Ok(Request::from_parts(head, Body::from(bytes))),
        false => Err(crate::csrf::refused()),
    }
}

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    pub name: String,
    /// The file name the browser sent, for a file field.
    pub file_name: Option<String>,
    pub data: &'a [u8],
}

/// The boundary a `Content-Type: multipart/form-data; boundary=...` names.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A `name="value"` parameter of a Content-Disposition header.
fn param(header: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let mut at = 0;
    while let Some(i) = header.get(at..)?.find(&key) {
        let start = at + i;
        // `name=` must not be the tail of `filename=`.
        let whole = start == 0
            || header
                .get(..start)
                .is_some_and(|b| b.ends_with(' ') || b.ends_with(';'));
        let rest = header.get(start + key.len()..)?;
        if whole {
            return rest.split_once('"').map(|(v, _)| v.to_string());
        }
        at = start + key.len();
    }
    None
}

/// The parts of `body`; `None` when it is not a well-formed form.
pub fn parts<'a>(body: &'a [u8], boundary: &str) -> Option<Vec<Part<'a>>> {
    let delimiter = format!("--{boundary}");
    let mut rest = body.get(find(body, delimiter.as_bytes())? + delimiter.len()..)?;
    let next = format!("\r\n--{boundary}");
    let mut out = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Some(out);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest, b"\r\n\r\n")?;
        let head = std::str::from_utf8(rest.get(..head_end)?).ok()?;
        let after = rest.get(head_end + 4..)?;
        let data_end = find(after, next.as_bytes())?;
        let disposition = head
            .split("\r\n")
            .find(|l| {
                l.get(..20)
                    .is_some_and(|p| p.eq_ignore_ascii_case("content-disposition:"))
            })?
            .to_string();
        out.push(Part {
            name: param(&disposition, "name")?,
            file_name: param(&disposition, "filename"),
            data: after.get(..data_end)?,
        });
        rest = after.get(data_end + next.len()..)?;
    }
}

/// The text of field `name`, if the form has it.
pub fn text_field(parts: &[Part<'_>], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| p.name == name && p.file_name.is_none())
        .map(|p| String::from_utf8_lossy(p.data).to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const FORM: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"visit.wav\"\r\n\
Content-Type: audio/wav\r\n\r\nRIFF\r\n--not\r\n--XyZ--\r\n";

    #[test]
    fn reads_fields_and_a_file_with_crlf_inside() {
        let b = boundary("multipart/form-data; boundary=\"XyZ\"").unwrap();
        let p = parts(FORM, &b).unwrap();
        assert_eq!(text_field(&p, "csrf").as_deref(), Some("tok"));
        let file = p.iter().find(|x| x.name == "file").unwrap();
        assert_eq!(file.file_name.as_deref(), Some("visit.wav"));
        assert_eq!(file.data, b"RIFF\r\n--not");
        assert_eq!(text_field(&p, "file"), None);
    }

    #[test]
    fn refuses_what_is_not_a_whole_form() {
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert!(
            parts(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
                "XyZ"
            )
            .is_none()
        );
        assert!(parts(b"nothing", "XyZ").is_none());
    }
}
