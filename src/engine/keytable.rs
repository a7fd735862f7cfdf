//! A small open-addressing table from short keys (object member names) to positions below
//! 255: the prepared mapping's table of a path prefix's children, and the action payload's
//! table of its members. Both are built once and then asked a score of times per event, where
//! comparing with each key in turn cost more than the work around it.

/// Positions plus one (0 is an empty slot), placed by a hash of the key and probed in order.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyTable<const SLOTS: usize> {
    slots: [u8; SLOTS],
}

impl<const SLOTS: usize> KeyTable<SLOTS> {
    /// The slot a key is looked for from. Inlined: with the key a constant, as at the
    /// actions' lookups, it folds away.
    #[inline(always)]
    fn slot_of(key: &str) -> usize {
        let b = key.as_bytes();
        let first = usize::from(b.first().copied().unwrap_or(0));
        let last = usize::from(b.last().copied().unwrap_or(0));
        (first * 31 + last * 7 + b.len()) % SLOTS
    }

    /// A table of `keys` at their positions, or `None` when there are more than three quarters
    /// of the slots' worth (a fuller table probes too long) or a position does not fit a byte.
    pub fn of<'k>(keys: impl IntoIterator<Item = (usize, &'k str)>) -> Option<KeyTable<SLOTS>> {
        let mut slots = [0u8; SLOTS];
        for (n, (pos, key)) in keys.into_iter().enumerate() {
            if n >= SLOTS * 3 / 4 {
                return None;
            }
            let mark = u8::try_from(pos + 1).ok()?;
            let mut at = Self::slot_of(key);
            while slots[at] != 0 {
                at = (at + 1) % SLOTS;
            }
            slots[at] = mark;
        }
        Some(KeyTable { slots })
    }

    /// The position of `key`, given the key at each position (keys are unique).
    #[inline(always)]
    pub fn find<'t>(&self, key: &str, key_at: impl Fn(usize) -> &'t str) -> Option<usize> {
        let mut at = Self::slot_of(key);
        // Ends: a quarter of the slots at least are empty.
        loop {
            let pos = usize::from(self.slots[at].checked_sub(1)?);
            if same_key(key_at(pos), key) {
                return Some(pos);
            }
            at = (at + 1) % SLOTS;
        }
    }
}

/// `a == b` for member names, inlined: most are under 17 bytes, compared in two overlapping
/// words each instead of through a call to `memcmp` (which cost more than the table's probe).
#[inline(always)]
pub fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word8 =
        |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let word4 =
        |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal exactly when the bytes are, at every length and wherever two keys differ.
    #[test]
    fn same_key_is_equality() {
        for n in 0..40usize {
            let a: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            assert!(same_key(&a, &a.clone()), "{n}");
            for at in 0..n {
                let mut b = a.clone().into_bytes();
                b[at] = b'Z';
                let b = String::from_utf8(b).unwrap();
                assert!(!same_key(&a, &b), "{n} at {at}");
                assert!(!same_key(&b, &a), "{n} at {at}");
            }
            assert!(!same_key(&a, &format!("{a}a")), "{n}");
            assert!(!same_key(&format!("{a}a"), &a), "{n}");
        }
        assert!(same_key("é", "é"));
        assert!(!same_key("é", "è"));
    }

    /// Every key placed is found at its position, absent keys are not, whatever their bytes
    /// share; tables too full or with positions past a byte are refused.
    #[test]
    fn keys_are_found_where_they_were_placed() {
        let mut keys: Vec<String> = vec!["".into(), "a".into(), "aa".into(), "aba".into()];
        keys.extend((0..20).map(|i| format!("k{i}")));
        keys.extend((0..60).map(|i| format!("key_{}_{}", i % 7, i)));
        let absent = ["b", "k20", "key_0_1", "ab", "é"];
        for n in [0, 1, 2, 5, 24, 47, 48] {
            let table =
                KeyTable::<64>::of(keys[..n].iter().enumerate().map(|(i, k)| (i, k.as_str())))
                    .unwrap();
            for (i, k) in keys[..n].iter().enumerate() {
                assert_eq!(table.find(k, |p| keys[p].as_str()), Some(i), "{n}: {k}");
            }
            for k in keys[n..].iter().map(String::as_str).chain(absent) {
                assert_eq!(table.find(k, |p| keys[p].as_str()), None, "{n}: {k}");
            }
        }
        assert!(
            KeyTable::<64>::of(keys[..49].iter().enumerate().map(|(i, k)| (i, k.as_str())))
                .is_none()
        );
        assert!(KeyTable::<64>::of([(255, "x")]).is_none());
        assert!(KeyTable::<64>::of([(254, "x")]).is_some());
    }
}
