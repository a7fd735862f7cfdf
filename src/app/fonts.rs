//! Fallback fonts for characters the built-in fonts lack (a CJK name in an event, Arabic,
//! Hebrew, …): when egui first misses a character, the system's usual fallback fonts are
//! looked for in their well-known places and the first that has it is added. The files a CJK
//! character needs are read on a thread at start ([`SystemFallback::preload`]), so the first
//! missing character (the sample events have a CJK name) does not wait for megabytes of font
//! on the UI thread.

use std::path::Path;
use std::sync::{Arc, Mutex};

/// Fonts many systems have, with the face to use in a collection: broad CJK coverage first,
/// then fonts covering many other scripts.
const CANDIDATES: &[(&str, u32)] = &[
    // Linux (Debian/Ubuntu, Fedora, Arch), then macOS, then Windows.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        0,
    ),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", 0),
    // Symbols and emoji as outlines (the sample events have a 🛒).
    (
        "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
        0,
    ),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\YuGothM.ttc", 0),
    ("C:\\Windows\\Fonts\\malgun.ttf", 0),
    ("C:\\Windows\\Fonts\\seguisym.ttf", 0),
    ("C:\\Windows\\Fonts\\seguiemj.ttf", 0),
];

/// A font file's bytes, shared.
type Bytes = Arc<Vec<u8>>;

/// Finds system fonts for missing characters (see the module's description).
pub struct SystemFallback {
    candidates: Vec<(String, u32)>,
    /// Each candidate's bytes once looked at (inner `None`: missing or not a font).
    read: Mutex<Vec<Option<Option<Bytes>>>>,
}

impl Default for SystemFallback {
    /// The fallback over the usual places.
    fn default() -> SystemFallback {
        SystemFallback::over(CANDIDATES.iter().map(|(p, i)| (p.to_string(), *i)))
    }
}

impl SystemFallback {
    /// The fallback over these files (and faces).
    pub fn over(candidates: impl IntoIterator<Item = (String, u32)>) -> SystemFallback {
        let candidates: Vec<(String, u32)> = candidates.into_iter().collect();
        let read = Mutex::new(vec![None; candidates.len()]);
        SystemFallback { candidates, read }
    }

    /// Candidate `i`'s bytes, read once (not under the lock: the UI thread may want another
    /// candidate while the preloading thread reads this one).
    fn bytes(&self, i: usize) -> Option<Bytes> {
        let lock = || self.read.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = &lock()[i] {
            return known.clone();
        }
        let (path, index) = &self.candidates[i];
        let bytes = std::fs::read(Path::new(path))
            .ok()
            // Only a file that reads as a font is kept.
            .filter(|b| skrifa::FontRef::from_index(b, *index).is_ok())
            .map(Arc::new);
        // Read twice at once: the first one kept wins, the other is dropped.
        lock()[i].get_or_insert(bytes).clone()
    }

    /// Reads, on a thread of its own, the candidates that looking up a CJK character reads
    /// (the samples have one): in order, up to the first that has it, the rest only when a
    /// character needs them (they may be tens of megabytes). `None` when no thread could be
    /// started: the fonts are then read when first needed.
    pub fn preload(self: &Arc<SystemFallback>) -> Option<std::thread::JoinHandle<()>> {
        let this = Arc::clone(self);
        std::thread::Builder::new()
            .name("font-preload".into())
            .spawn(move || {
                this.find('王');
            })
            .ok()
    }

    /// The first candidate with a glyph for `ch`: its index and bytes.
    pub fn find(&self, ch: char) -> Option<(usize, Bytes)> {
        use skrifa::MetadataProvider;
        (0..self.candidates.len()).find_map(|i| {
            let bytes = self.bytes(i)?;
            let font = skrifa::FontRef::from_index(&bytes, self.candidates[i].1).ok()?;
            font.charmap().map(ch).is_some().then_some((i, bytes))
        })
    }
}

impl egui::FontProvider for SystemFallback {
    fn font_for(&self, request: &egui::FallbackRequest<'_>) -> Option<egui::FontInsert> {
        let ch = request.cluster.chars().next()?;
        let (i, bytes) = self.find(ch)?;
        // Shared with egui, not copied (a CJK collection is 4–20 MB).
        let data = egui::FontData::from_blob(bytes, self.candidates[i].1);
        Some(egui::FontInsert::new(
            &format!("system-fallback-{i}"),
            data,
            vec![egui::InsertFontFamily {
                family: request.family.clone(),
                priority: egui::FontPriority::Lowest,
            }],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Missing files and files that are not fonts are passed over; nothing matches a
    /// character no candidate has.
    #[test]
    fn missing_and_broken_candidates_are_passed_over() {
        let dir = std::env::temp_dir().join(format!("ampscope-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let broken = dir.join("broken.ttf");
        std::fs::write(&broken, b"not a font").unwrap_or_default();
        let fallback = SystemFallback::over([
            ("/no/such/font.ttf".to_string(), 0),
            (broken.to_string_lossy().into_owned(), 0),
        ]);
        assert!(fallback.find('王').is_none());
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Where the system has one of the usual fonts, a CJK character is found in it (this
    /// machine's fonts decide whether there is one to check).
    #[test]
    fn a_cjk_character_is_found_where_the_system_has_a_font_for_it() {
        let fallback = SystemFallback::default();
        let present = CANDIDATES.iter().any(|(p, _)| Path::new(p).exists());
        if let Some((i, bytes)) = fallback.find('王') {
            assert!(Path::new(CANDIDATES[i].0).exists());
            assert!(bytes.len() > 1000);
            // Not a character any font has.
            assert!(fallback.find('\u{10FFFD}').is_none());
            // Preloaded by a thread: the same font is found, already read.
            let preloaded = Arc::new(SystemFallback::default());
            let thread = preloaded.preload().expect("a thread");
            thread.join().expect("preloading ends");
            let read = preloaded.read.lock().map(|r| r.clone()).unwrap_or_default();
            assert!(
                read[..=i].iter().all(Option::is_some),
                "read up to the CJK font"
            );
            assert!(read[i + 1..].iter().all(Option::is_none), "and no further");
            assert!(read[i].as_ref().is_some_and(Option::is_some));
            let again = preloaded.find('王').map(|(j, b)| (j, b.len()));
            assert_eq!(again, Some((i, bytes.len())));
        } else {
            assert!(
                !CANDIDATES[..5].iter().any(|(p, _)| Path::new(p).exists()),
                "a CJK font is installed but was not used (present: {present})"
            );
        }
    }
}
