//! Arbitrary text → every duration flag's parser (`parse_go_duration` for `--timeout`,
//! `--since`, `--pause`; `parse_duration` for `--request-timeout`). Whatever parses stays within
//! Go's range (i64 nanoseconds); nothing panics.
#![no_main]

use kubectl_ds::cli::{parse_duration, parse_go_duration};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for parse in [parse_go_duration, parse_duration] {
        if let Ok(d) = parse(text) {
            assert!(d.as_nanos() <= i64::MAX as u128, "{text:?} → {d:?}");
        }
    }
});
