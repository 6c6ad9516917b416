//! The round log's hash chain and the receipt codes. Each log entry's hash covers the
//! previous hash, its position, its kind and its payload, so removing, reordering or
//! editing any entry changes every hash after it, and the head hash published at close.
use sha2::{Digest, Sha256};

fn sha256_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hash before the first entry of round `round`.
pub fn genesis(round: i64) -> String {
    sha256_hex(&["concerto round", &round.to_string()])
}

pub fn link(prev: &str, seq: i64, kind: &str, payload: &str) -> String {
    sha256_hex(&[prev, &seq.to_string(), kind, payload])
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub kind: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Checks a round's whole log; returns its head hash, or the first entry that is wrong.
pub fn verify(round: i64, entries: &[Entry]) -> Result<String, String> {
    let mut prev = genesis(round);
    for (i, e) in entries.iter().enumerate() {
        if e.seq != i as i64 + 1 {
            return Err(format!("entry {} is missing or out of order (found {})", i + 1, e.seq));
        }
        if e.prev_hash != prev {
            return Err(format!("entry {} does not follow entry {}", e.seq, e.seq - 1));
        }
        if link(&prev, e.seq, &e.kind, &e.payload) != e.hash {
            return Err(format!("entry {} was altered (its hash does not match its content)", e.seq));
        }
        prev = e.hash.clone();
    }
    Ok(prev)
}

/// A receipt code a person can read out or copy: 20 characters of Crockford base 32
/// (100 random bits), in groups of four.
pub fn new_receipt_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..20).map(|_| ALPHABET[rng.gen_range(0..32)] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Tolerates lower case, spaces, and the letters people confuse with digits.
pub fn normalize_receipt(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (cleaned.len() == 20 && !cleaned.contains('U')).then(|| {
        cleaned.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    })
}

/// The hash published in the ballot list.
pub fn receipt_hash(code: &str) -> String {
    sha256_hex(&["concerto ballot", code])
}

/// Stored with the participation: proves a code belongs to this voter (to change a secret
/// ballot) without revealing which ballot it is.
pub fn receipt_check(round: i64, voter: i64, code: &str) -> String {
    sha256_hex(&["concerto participation", &round.to_string(), &voter.to_string(), code])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = genesis(7);
        (1..=n)
            .map(|seq| {
                let payload = format!("{{\"n\":{seq}}}");
                let hash = link(&prev, seq, "ballot", &payload);
                let e = Entry { seq, kind: "ballot".into(), payload, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_any_change_is_detected() {
        let entries = chain(5);
        assert_eq!(verify(7, &entries), Ok(entries[4].hash.clone()));
        let mut edited = entries.clone();
        edited[2].payload = "{\"n\":99}".into();
        assert!(verify(7, &edited).unwrap_err().contains("entry 3 was altered"));
        let mut removed = entries.clone();
        removed.remove(1);
        assert!(verify(7, &removed).is_err());
        assert!(verify(8, &entries).is_err(), "a chain belongs to one round");
    }

    #[test]
    fn receipt_codes_are_readable_and_survive_sloppy_typing() {
        let code = new_receipt_code();
        assert_eq!(code.len(), 24);
        assert_eq!(normalize_receipt(&code.to_lowercase().replace('-', " ")), Some(code.clone()));
        assert_eq!(normalize_receipt("ABCD"), None);
        assert_ne!(new_receipt_code(), code);
        assert_ne!(receipt_hash(&code), receipt_check(1, 1, &code));
    }
}
