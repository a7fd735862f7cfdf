//! Small reusable widgets: code editors with highlighting and in-place error underlines, and a
//! read-only highlighted code view.

use std::ops::Range;

use egui::text::{ByteIndex, LayoutJob, LayoutSection};
use egui::{Color32, FontId, Stroke, TextFormat};
use egui_extras::syntax_highlighting::{CodeTheme, highlight};

/// Languages the editors know.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lang {
    Json,
    Fql,
    Text,
}

/// Gives a widget its accessible name (screen readers; kittest finds widgets by it).
pub fn name(ui: &egui::Ui, resp: &egui::Response, label: impl Into<String>) {
    let label = label.into();
    ui.ctx()
        .accesskit_node_builder(resp.id, |node| node.set_label(label));
}

/// The colour errors are drawn in.
/// A spinner and what is being worked on; the next frame comes without waiting for input (the
/// work goes on a slice per frame).
pub fn working(ui: &mut egui::Ui, text: String) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.weak(text);
    });
    ui.ctx().request_repaint();
}

pub fn error_color(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(255, 110, 100)
    } else {
        Color32::from_rgb(200, 30, 30)
    }
}

/// The colour "matched / ok" is drawn in.
pub fn ok_color(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(110, 210, 120)
    } else {
        Color32::from_rgb(20, 130, 40)
    }
}

/// The colour warnings are drawn in.
pub fn warn_color(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(240, 190, 80)
    } else {
        Color32::from_rgb(170, 100, 0)
    }
}

/// Texts longer than this (bytes) are shown without colours: highlighting re-reads the whole
/// text on every keystroke, and a megabyte took most of a second per key. Segment accepts
/// events of up to 32 KB, so real events stay coloured.
pub const PLAIN_ABOVE: usize = 128 * 1024;

fn layout(
    ui: &egui::Ui,
    text: &str,
    lang: Lang,
    error: Option<&Range<usize>>,
    wrap_width: f32,
) -> LayoutJob {
    let lang = if text.len() > PLAIN_ABOVE {
        Lang::Text
    } else {
        lang
    };
    let mut job = match lang {
        Lang::Json => {
            let theme = CodeTheme::from_memory(ui.ctx(), ui.style());
            highlight(ui.ctx(), ui.style(), &theme, text, "json")
        }
        Lang::Fql => fql_job(ui, text),
        Lang::Text => {
            let font = FontId::monospace(12.0);
            LayoutJob::single_section(
                text.to_string(),
                TextFormat::simple(font, ui.visuals().text_color()),
            )
        }
    };
    if let Some(range) = error {
        underline(&mut job, range.clone(), error_color(ui));
    }
    job.wrap.max_width = wrap_width;
    job
}

/// Colours FQL: strings, numbers, keywords (`and`, `or`, `null`, …), operators, fields.
fn fql_job(ui: &egui::Ui, text: &str) -> LayoutJob {
    let dark = ui.visuals().dark_mode;
    let font = FontId::monospace(13.0);
    let color = |c: Color32| TextFormat::simple(font.clone(), c);
    let (field, string, number, keyword, op, plain) = if dark {
        (
            Color32::from_rgb(140, 200, 255),
            Color32::from_rgb(200, 230, 130),
            Color32::from_rgb(240, 170, 110),
            Color32::from_rgb(210, 150, 255),
            Color32::from_rgb(230, 230, 230),
            Color32::from_gray(200),
        )
    } else {
        (
            Color32::from_rgb(20, 80, 170),
            Color32::from_rgb(60, 120, 20),
            Color32::from_rgb(170, 80, 0),
            Color32::from_rgb(130, 40, 170),
            Color32::from_gray(30),
            Color32::from_gray(40),
        )
    };
    let mut job = LayoutJob::default();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let fmt = if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            i = (i + 1).min(b.len());
            string
        } else if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            number
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'\\' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_-.\\".contains(&b[i])) {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = i.min(b.len());
            match &text[start..i] {
                "and" | "or" | "null" | "true" | "false" | "contains" | "match" => keyword,
                _ => field,
            }
        } else if b"=!<>".contains(&c) {
            i += 1;
            op
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            plain
        };
        // Guard against slicing inside a multi-byte character after an escape.
        while i < b.len() && !text.is_char_boundary(i) {
            i += 1;
        }
        job.append(&text[start..i], 0.0, color(fmt));
    }
    job
}

/// Underlines `range` (bytes) in a laid-out job, splitting sections at its ends. An empty range
/// (an error "at the end") underlines the character before it, or adds a marker.
pub fn underline(job: &mut LayoutJob, range: Range<usize>, color: Color32) {
    let len = job.text.len();
    let (mut start, mut end) = (range.start.min(len), range.end.min(len));
    while !job.text.is_char_boundary(start) {
        start -= 1;
    }
    while !job.text.is_char_boundary(end) {
        end += 1;
    }
    let mut range = start..end;
    if range.is_empty() {
        if range.start > 0 {
            let prev = job.text[..range.start]
                .chars()
                .next_back()
                .map_or(1, char::len_utf8);
            range = range.start - prev..range.start;
        } else if len > 0 {
            let next = job.text.chars().next().map_or(1, char::len_utf8);
            range = 0..next;
        } else {
            return;
        }
    }
    let stroke = Stroke::new(2.0, color);
    let mut out = Vec::with_capacity(job.sections.len() + 2);
    for s in job.sections.drain(..) {
        let (a, b) = (s.byte_range.start.0, s.byte_range.end.0);
        if b <= range.start || a >= range.end {
            out.push(s);
            continue;
        }
        let cuts = [a, range.start.max(a), range.end.min(b), b];
        for w in 0..3 {
            let (x, y) = (cuts[w], cuts[w + 1]);
            if x >= y {
                continue;
            }
            let mut format = s.format.clone();
            if w == 1 {
                format.underline = stroke;
                format.background = color.gamma_multiply(0.15);
            }
            out.push(LayoutSection {
                leading_space: if x == a { s.leading_space } else { 0.0 },
                byte_range: ByteIndex(x)..ByteIndex(y),
                format,
            });
        }
    }
    job.sections = out;
}

/// A multi-line code editor with highlighting and an optional error underline. `label` is the
/// accessible name (kittest finds the editor by it).
pub fn code_editor(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    lang: Lang,
    error: Option<Range<usize>>,
    rows: usize,
) -> egui::Response {
    let mut layouter = |ui: &egui::Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
        let job = layout(ui, buf.as_str(), lang, error.as_ref(), wrap);
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let resp = ui.add(
        egui::TextEdit::multiline(text)
            .id_salt(label)
            .code_editor()
            .desired_rows(rows)
            .desired_width(f32::INFINITY)
            .layouter(&mut layouter),
    );
    name(ui, &resp, label);
    resp
}

/// Space at the right end of a row inside a scroll area, in a right-to-left layout, so text
/// aligned there stays clear of the scroll bar egui draws over the content (it hid the last
/// letter of "Ctrl+O" and of "no match").
pub fn clear_of_scroll_bar(ui: &mut egui::Ui) {
    let bar = ui.spacing().scroll;
    ui.add_space(bar.bar_width + bar.bar_inner_margin + bar.bar_outer_margin);
}

/// A single-line code field (triggers, paths) with highlighting and an error underline.
pub fn code_line(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    lang: Lang,
    error: Option<Range<usize>>,
) -> egui::Response {
    let mut layouter = |ui: &egui::Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
        let job = layout(ui, buf.as_str(), lang, error.as_ref(), wrap);
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let resp = ui.add(
        egui::TextEdit::multiline(text)
            .id_salt(label)
            .code_editor()
            .desired_rows(1)
            .desired_width(f32::INFINITY)
            .layouter(&mut layouter),
    );
    name(ui, &resp, label);
    resp
}

/// Read-only highlighted code (selectable, copyable).
pub fn code_view(ui: &mut egui::Ui, label: &str, text: &str, lang: Lang) -> egui::Response {
    let mut layouter = |ui: &egui::Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
        let job = layout(ui, buf.as_str(), lang, None, wrap);
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let mut view = text;
    let resp = ui.add(
        egui::TextEdit::multiline(&mut view)
            .id_salt(label)
            .code_editor()
            .desired_rows(1)
            .desired_width(f32::INFINITY)
            .layouter(&mut layouter),
    );
    name(ui, &resp, label);
    resp
}

/// A request's method (coloured) and URL on one wrapped line.
pub fn request_line(ui: &mut egui::Ui, method: &str, url: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            egui::RichText::new(method)
                .strong()
                .monospace()
                .color(ok_color(ui)),
        );
        ui.monospace(url);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An underline from an older text (the editor lays out the new text before the error is
    /// recomputed) may end inside a character: it grows to whole characters.
    #[test]
    fn underlines_cover_whole_characters() {
        let mut job = LayoutJob::default();
        job.append("aé€b", 0.0, TextFormat::default());
        for (range, want) in [
            (2..3, (1, 3)),
            (2..4, (1, 6)),
            (4..4, (3, 6)),
            (5..9, (3, 7)),
        ] {
            let mut j = job.clone();
            underline(&mut j, range.clone(), Color32::RED);
            let marked: Vec<(usize, usize)> = j
                .sections
                .iter()
                .filter(|s| s.format.underline.width > 0.0)
                .map(|s| (s.byte_range.start.0, s.byte_range.end.0))
                .collect();
            assert_eq!(marked, vec![want], "{range:?}");
        }
    }

    /// JSON is coloured up to the size limit and plain above it; the error underline stays.
    #[test]
    fn large_texts_are_laid_out_plain() {
        let small = format!("{{\"a\": \"{}\"}}", "x".repeat(100));
        let large = format!("{{\"a\": \"{}\"}}", "x".repeat(PLAIN_ABOVE));
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(Default::default(), |ui| {
            let job = layout(ui, &small, Lang::Json, None, 100.0);
            assert!(job.sections.len() > 3, "{} sections", job.sections.len());
            let job = layout(ui, &large, Lang::Json, None, 100.0);
            assert_eq!(job.sections.len(), 1);
            let job = layout(ui, &large, Lang::Json, Some(&(2..5)), 100.0);
            assert_eq!(job.sections.len(), 3, "the underline splits the text");
        });
        out.textures_delta.clear();
    }

    #[test]
    fn underline_splits_sections() {
        let mut job = LayoutJob::default();
        job.append("hello ", 0.0, TextFormat::default());
        let other = TextFormat {
            color: Color32::BLUE,
            ..TextFormat::default()
        };
        job.append("world", 0.0, other);
        underline(&mut job, 3..8, Color32::RED);
        let parts: Vec<(usize, usize, bool)> = job
            .sections
            .iter()
            .map(|s| {
                (
                    s.byte_range.start.0,
                    s.byte_range.end.0,
                    s.format.underline.width > 0.0,
                )
            })
            .collect();
        assert_eq!(
            parts,
            vec![(0, 3, false), (3, 6, true), (6, 8, true), (8, 11, false)]
        );
    }

    #[test]
    fn empty_error_at_end_marks_last_char() {
        let mut job = LayoutJob::default();
        job.append("abc", 0.0, TextFormat::default());
        underline(&mut job, 3..3, Color32::RED);
        assert!(
            job.sections
                .iter()
                .any(|s| s.byte_range.start.0 == 2 && s.format.underline.width > 0.0)
        );
    }
}
