//! `scan-logs [dir]`: reads every log line the test suite wrote (one JSON
//! file per test process in `target/test-logs/`, see `tests::log_dir`) and
//! fails if any holds a customer's personal data: an e-mail address that is
//! not the shop's own, a phone number, a payment-method token (`pm_…`), or
//! a street, city or name the tests give their customers. `make test` runs
//! it after the suite; it fails too when there is nothing to scan, so a
//! suite that stopped writing logs cannot pass it by accident.

use std::path::{Path, PathBuf};

/// Addresses that belong to the shop, not to a customer: the sender and
/// the administrators of `template.yaml` and the local stack.
const SHOP_ADDRESSES: &[&str] = &["orders@example.com", "ops@example.com", "admin@example.com"];

/// The streets, cities and names the tests give customers.
const FIXTURES: &[&str] = &[
    "Main St",
    "Lantern Row",
    "Springfield",
    "Hollowmere",
    "Ada Lovelace",
    "Erin Q",
];

/// The personal data in one line, each with what kind it is.
fn findings(line: &str) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    for email in emails(line) {
        if !SHOP_ADDRESSES.contains(&email.to_ascii_lowercase().as_str()) {
            found.push(("e-mail", email));
        }
    }
    for token in payment_tokens(line) {
        found.push(("payment-method token", token));
    }
    for phone in phones(line) {
        found.push(("phone", phone));
    }
    for fixture in FIXTURES {
        if line.contains(fixture) {
            found.push(("address or name", fixture.to_string()));
        }
    }
    found
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-".contains(c)
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".-".contains(c)
}

/// Every `local@domain.tld` in `line`.
fn emails(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        if *c != '@' {
            continue;
        }
        let mut start = i;
        while start > 0 && is_local_char(chars[start - 1]) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < chars.len() && is_domain_char(chars[end]) {
            end += 1;
        }
        let local: String = chars[start..i].iter().collect();
        let domain: String = chars[i + 1..end].iter().collect();
        let domain = domain.trim_end_matches('.');
        let tld_ok = domain
            .rsplit_once('.')
            .is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2);
        if !local.is_empty() && tld_ok {
            out.push(format!("{local}@{domain}"));
        }
    }
    out
}

/// Every `pm_…` token (a payment method) that starts a word.
fn payment_tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    let mut offset = 0;
    while let Some(at) = rest.find("pm_") {
        let start = offset + at;
        let before = line[..start].chars().next_back();
        let token: String = line[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && token.len() > 3 {
            out.push(token);
        }
        offset = start + 3;
        rest = &line[offset..];
    }
    out
}

/// Every `+` followed by at least eight digits (spaces, dots and dashes
/// between them allowed): an international phone number.
fn phones(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in line.match_indices('+') {
        let number: String = line[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || " .-()".contains(*c))
            .collect();
        let digits = number.chars().filter(char::is_ascii_digit).count();
        if digits >= 8 && number.starts_with(|c: char| c.is_ascii_digit()) {
            out.push(format!("+{}", number.trim_end()));
        }
    }
    out
}

fn main() -> std::process::ExitCode {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(::tests::log_dir);
    match scan(&dir) {
        Ok((files, lines)) => {
            println!("scan-logs: {lines} log lines in {files} files, no personal data");
            std::process::ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("scan-logs: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Scans every file in `dir`; the number of files and lines, or what was found.
fn scan(dir: &Path) -> Result<(usize, usize), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "no logs in {}: {e} (run the test suite first)",
            dir.display()
        )
    })?;
    let (mut files, mut lines, mut found) = (0, 0, Vec::new());
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files += 1;
        for line in text.lines() {
            lines += 1;
            for (kind, value) in findings(line) {
                found.push(format!("{} ({kind} {value:?}): {line}", path.display()));
            }
        }
    }
    if lines == 0 {
        return Err(format!("{} holds no log lines", dir.display()));
    }
    if found.is_empty() {
        Ok((files, lines))
    } else {
        let shown = found
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        Err(format!(
            "{} log lines hold personal data; the first:\n{shown}",
            found.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_personal_data_is_found() {
        let line = r#"{"fields":{"message":"x","customer":"erin.7f3a@example.com","pm":"pm_card_visa","phone":"+1 555 012 3456","to":"1 Main St"}}"#;
        let kinds: Vec<&str> = findings(line).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            kinds,
            ["e-mail", "payment-method token", "phone", "address or name"]
        );
        assert_eq!(findings("call +15550123456 now")[0].1, "+15550123456");
        assert_eq!(
            findings("sent to Ada.Lovelace+shop@mail.example.org.")[0].1,
            "Ada.Lovelace+shop@mail.example.org"
        );
    }

    #[test]
    fn the_shops_own_addresses_ids_and_times_are_not_personal_data() {
        for line in [
            r#"{"message":"e-mail sent","from":"orders@example.com","order_id":"0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b","kind":"confirmation"}"#,
            r#"{"timestamp":"2026-11-30T19:14:53.994+00:00","level":"INFO","npm_config":"x","amount":"+100"}"#,
            "the order ORD-000123 was charged 28.00 USD; user@localhost",
        ] {
            assert!(findings(line).is_empty(), "{line}: {:?}", findings(line));
        }
    }

    #[test]
    fn nothing_to_scan_is_a_failure() {
        let dir = std::env::temp_dir().join(format!("scan-logs-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(scan(&dir).is_err());
        std::fs::write(dir.join("a.jsonl"), "{\"message\":\"pm_card_visa\"}\n").unwrap();
        assert!(scan(&dir).unwrap_err().contains("pm_card_visa"));
        std::fs::write(dir.join("a.jsonl"), "{\"message\":\"ok\"}\n").unwrap();
        assert_eq!(scan(&dir), Ok((1, 1)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
