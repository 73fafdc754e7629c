//! Order keys ("ranks") of a folder: base-62 digit strings compared byte by byte, read as the
//! fraction `0.d1d2d3…`. Between any two keys there is always another one, so inserting an entity
//! between two siblings gives it a key between theirs and no other file changes.
//!
//! A valid key is non-empty, uses only `0-9A-Za-z` (ASCII order is digit order) and does not end
//! with `0` (so there is always room below it). [`assign`] keeps the existing keys of the longest
//! run of entities whose order did not change and gives every other entity a key between its
//! kept neighbours.

const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: usize = 62;

/// Longest key accepted when reading (keys grow by about one digit per 62 inserts at one spot).
pub const MAX_RANK_LEN: usize = 128;

fn value(digit: u8) -> usize {
    match digit {
        b'0'..=b'9' => usize::from(digit - b'0'),
        b'A'..=b'Z' => usize::from(digit - b'A') + 10,
        b'a'..=b'z' => usize::from(digit - b'a') + 36,
        _ => 0,
    }
}

/// Why `key` is not a valid rank, or `None` when it is.
pub fn problem(key: &str) -> Option<String> {
    if key.is_empty() {
        Some("the rank is empty".to_owned())
    } else if key.len() > MAX_RANK_LEN {
        Some(format!("the rank is {} characters long; the limit is {MAX_RANK_LEN}", key.len()))
    } else if !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Some(format!("rank \"{key}\" may only use the characters 0-9, A-Z and a-z"))
    } else if key.ends_with('0') {
        Some(format!("rank \"{key}\" must not end with 0"))
    } else {
        None
    }
}

/// A key strictly between `low` (`""` for "before everything") and `high` (`None` for "after
/// everything"). Both must be valid keys with `low < high`.
pub fn between(low: &str, high: Option<&str>) -> String {
    let out = midpoint(low.as_bytes(), high.map(str::as_bytes));
    // Only ASCII digits are ever produced.
    String::from_utf8(out).unwrap_or_default()
}

fn midpoint(low: &[u8], high: Option<&[u8]>) -> Vec<u8> {
    if let Some(high) = high.filter(|h| !h.is_empty()) {
        let mut shared = 0;
        while shared < high.len() && low.get(shared).copied().unwrap_or(b'0') == high[shared] {
            shared += 1;
        }
        if shared > 0 {
            let mut out = high[..shared].to_vec();
            out.extend(midpoint(low.get(shared..).unwrap_or(&[]), Some(&high[shared..])));
            return out;
        }
    }
    let high = high.filter(|h| !h.is_empty());
    let low_digit = low.first().map_or(0, |&d| value(d));
    let high_digit = high.map_or(BASE, |h| value(h[0]));
    if high_digit > low_digit + 1 {
        vec![DIGITS[(low_digit + high_digit) / 2]]
    } else if let Some(high) = high.filter(|h| h.len() > 1) {
        vec![high[0]]
    } else {
        let mut out = vec![DIGITS[low_digit.min(BASE - 1)]];
        out.extend(midpoint(low.get(1..).unwrap_or(&[]), None));
        out
    }
}

/// `count` increasing keys strictly between `low` and `high`, spread by bisection so their
/// length grows with the logarithm of `count`.
pub fn spread(low: &str, high: Option<&str>, count: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    spread_into(low, high, count, &mut out);
    out
}

fn spread_into(low: &str, high: Option<&str>, count: usize, out: &mut Vec<String>) {
    if count == 0 {
        return;
    }
    let mid = between(low, high);
    let left = count / 2;
    spread_into(low, Some(&mid), left, out);
    let right = count - left - 1;
    out.push(mid.clone());
    spread_into(&mid, high, right, out);
}

/// Ranks for a list in its new order. `previous[i]` is the valid rank entity `i` had in the same
/// list before (if any). The longest subsequence of previous ranks that is still increasing is
/// kept; the others get keys between their kept neighbours.
pub fn assign(previous: &[Option<&str>]) -> Vec<String> {
    let keep = longest_increasing(previous);
    let mut out: Vec<String> = Vec::with_capacity(previous.len());
    let mut i = 0;
    while i < previous.len() {
        if keep[i] {
            out.push(previous[i].unwrap_or_default().to_owned());
            i += 1;
            continue;
        }
        let start = i;
        while i < previous.len() && !keep[i] {
            i += 1;
        }
        let low = out.last().cloned().unwrap_or_default();
        let high = if i < previous.len() { previous[i] } else { None };
        out.extend(spread(&low, high, i - start));
    }
    out
}

/// Marks the longest strictly increasing subsequence of the present keys (patience sorting).
fn longest_increasing(keys: &[Option<&str>]) -> Vec<bool> {
    // tails[k]: index of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; keys.len()];
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = key else { continue };
        let at = tails.partition_point(|&t| keys[t].unwrap_or_default() < *key);
        before[i] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(i);
        } else {
            tails[at] = i;
        }
    }
    let mut keep = vec![false; keys.len()];
    let mut current = tails.last().copied();
    while let Some(i) = current {
        keep[i] = true;
        current = before[i];
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fall_between_their_neighbours() {
        let cases: [(&str, Option<&str>); 7] = [
            ("", None),
            ("", Some("1")),
            ("V", Some("W")),
            ("V", Some("V1")),
            ("z", None),
            ("zz", None),
            ("01", Some("02")),
        ];
        for (low, high) in cases {
            let key = between(low, high);
            assert!(problem(&key).is_none(), "{key}");
            assert!(key.as_str() > low, "{key} > {low}");
            if let Some(high) = high {
                assert!(key.as_str() < high, "{key} < {high}");
            }
        }
    }

    #[test]
    fn spread_keys_are_increasing_and_short() {
        let keys = spread("", None, 10_000);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.iter().all(|k| problem(k).is_none() && k.len() <= 4));
    }

    #[test]
    fn assign_keeps_unmoved_ranks() {
        let previous = [Some("A"), Some("M"), None, Some("T"), Some("B")];
        let ranks = assign(&previous);
        assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
        assert_eq!(&ranks[..2], ["A", "M"]);
        assert_eq!(ranks[3], "T");
        assert!(ranks[4].as_str() > "T");
    }
}
