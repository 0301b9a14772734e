//! Arbitrary bytes into the offline loader: it may return an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kubectl_ds::snapshot::load_bytes("fuzz", data);
});
