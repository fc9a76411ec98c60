//! `multipart/form-data`, as a browser sends a file from a plain form (no script needed).
//! The body is already in memory, bounded by its route's limit, so a part is a slice of it.

use memchr::memmem;

use crate::error::WebError;

/// One field of the form.
#[derive(Debug)]
pub struct Part<'a> {
    pub name: String,
    /// The file's name on the sender's computer, for a file field.
    pub file_name: Option<String>,
    pub body: &'a [u8],
}

impl Part<'_> {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.body).into_owned()
    }
}

/// The boundary of a `multipart/form-data` content type; `None` for anything else.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

fn malformed() -> WebError {
    WebError::bad_field("文件", "上传内容不完整，请重新选择文件上传")
}

/// `name="x"; filename="y.xlsx"` of a Content-Disposition header. Browsers percent-encode
/// a quote inside a name, so a quoted value ends at the next quote.
fn disposition_params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq]
            .rsplit(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let after = &rest[eq + 1..];
        let (val, next) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim(), &after[end..])
        };
        out.push((key, val.replace("%22", "\"")));
        rest = next;
    }
    out
}

/// The parts of a body.
pub fn parts<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<Part<'a>>, WebError> {
    let delimiter = format!("\r\n--{boundary}");
    let first = &delimiter.as_bytes()[2..];
    let next_part = memmem::Finder::new(delimiter.as_bytes());
    let mut pos = memmem::find(body, first).ok_or_else(malformed)? + first.len();
    let mut parts = Vec::new();
    loop {
        let rest = &body[pos..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        let rest = rest.strip_prefix(b"\r\n").ok_or_else(malformed)?;
        let head_end = memmem::find(rest, b"\r\n\r\n").ok_or_else(malformed)?;
        let head = String::from_utf8_lossy(&rest[..head_end]);
        let content = &rest[head_end + 4..];
        let end = next_part.find(content).ok_or_else(malformed)?;
        let (mut name, mut file_name) = (String::new(), None);
        for line in head.split("\r\n") {
            let Some((h, v)) = line.split_once(':') else {
                continue;
            };
            if h.trim().eq_ignore_ascii_case("content-disposition") {
                for (k, v) in disposition_params(v) {
                    match k.as_str() {
                        "name" => name = v,
                        "filename" => file_name = Some(v),
                        _ => {}
                    }
                }
            }
        }
        parts.push(Part {
            name,
            file_name,
            body: &content[..end],
        });
        pos = body.len() - content.len() + end + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_form_with_a_file_is_split_into_its_fields() {
        let ct = "multipart/form-data; boundary=----WebKitFormBoundaryX1";
        let b = boundary(ct).unwrap();
        let body = b"------WebKitFormBoundaryX1\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nt0k\r\n------WebKitFormBoundaryX1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\xe5\x85\x9a\xe5\x91\x98;%22a%22.xlsx\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\nPK\x03\x04\r\n--not-the-end\r\n------WebKitFormBoundaryX1--\r\n";
        let p = parts(body, &b).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].name.as_str(), p[0].text().as_str()), ("_csrf", "t0k"));
        assert_eq!(p[1].file_name.as_deref(), Some("党员;\"a\".xlsx"));
        assert_eq!(p[1].body, b"PK\x03\x04\r\n--not-the-end");
        assert!(boundary("application/x-www-form-urlencoded").is_none());
        assert!(parts(&body[..60], &b).is_err(), "a cut body is refused");
    }
}
