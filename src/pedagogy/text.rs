//! Tokens of an objective statement: lower-cased words, numbers and punctuation with their
//! byte spans in the original text, so that every part the analysis names can be pointed at.
//!
//! Deliberately simple: no sentence parser, no stemming here (the lexicon knows word forms).

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters (possibly with digits, inner hyphens or apostrophes).
    Word,
    /// Digits (with inner `.` or `,`).
    Number,
    /// One punctuation or symbol character.
    Punct,
}

/// One token.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    /// Lower-cased text with straight quotes.
    pub text: String,
    /// Byte offset of the first character in the original statement.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// Word, number or punctuation.
    pub kind: Kind,
    /// The next token follows without white space (`print(` in `print()`).
    pub glued_next: bool,
}

impl Token {
    /// Whether the token is the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }
}

fn straighten(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' => '\'',
        '\u{201c}' | '\u{201d}' => '"',
        '\u{2010}' | '\u{2011}' => '-',
        _ => c,
    }
}

/// Splits a statement into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, straighten(c))).collect();
    let mut tokens: Vec<Token> = Vec::with_capacity(chars.len() / 4 + 1);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            if let Some(last) = tokens.last_mut() {
                last.glued_next = false;
            }
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let d = chars[j].1;
                if d.is_alphanumeric() {
                    j += 1;
                } else if matches!(d, '-' | '\'' | '.' | ',')
                    && j + 1 < chars.len()
                    && chars[j + 1].1.is_alphanumeric()
                {
                    // Inner hyphen or apostrophe in words; inner '.' or ',' only in numbers.
                    let numeric = chars[j - 1].1.is_ascii_digit() && chars[j + 1].1.is_ascii_digit();
                    if matches!(d, '-' | '\'') || numeric {
                        j += 2;
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            let end = if j < chars.len() { chars[j].0 } else { text.len() };
            let raw: String = chars[i..j].iter().map(|&(_, c)| c).collect();
            let kind = if raw.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
                Kind::Number
            } else {
                Kind::Word
            };
            tokens.push(Token { text: raw.to_lowercase(), start, end, kind, glued_next: true });
            i = j;
        } else {
            let end = if i + 1 < chars.len() { chars[i + 1].0 } else { text.len() };
            tokens.push(Token { text: c.to_string(), start, end, kind: Kind::Punct, glued_next: true });
            i += 1;
        }
    }
    if let Some(last) = tokens.last_mut() {
        last.glued_next = false;
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_spans_hyphens_and_code_calls() {
        let text = "Use the built-in len() function, with 90% accuracy (±0.1 mm) — don’t guess.";
        let tokens = tokenize(text);
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            words,
            [
                "use", "the", "built-in", "len", "(", ")", "function", ",", "with", "90", "%", "accuracy",
                "(", "±", "0.1", "mm", ")", "—", "don't", "guess", "."
            ]
        );
        assert_eq!(&text[tokens[2].start..tokens[2].end], "built-in");
        assert!(tokens[3].glued_next, "len is glued to its parenthesis");
        assert_eq!(tokens[9].kind, Kind::Number);
    }
}
