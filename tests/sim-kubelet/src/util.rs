use k8s_openapi::jiff::Timestamp;

pub fn fmt_time(t: &Timestamp) -> String {
    k8s_openapi::jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%SZ", *t).unwrap_or_default()
}

pub fn now_str() -> String {
    fmt_time(&Timestamp::now())
}

/// Stable 64-bit hash (FNV-1a + splitmix64 finaliser), identical across runs and versions.
pub fn hash64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in data {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    // final avalanche (splitmix64)
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d049bb133111eb);
    h ^ (h >> 31)
}

/// 64 hex chars derived from a seed (looks like a container ID / image digest).
pub fn hex64(seed: &str) -> String {
    let mut s = String::with_capacity(64);
    for i in 0..4u8 {
        let v = hash64(format!("{seed}/{i}").as_bytes());
        s.push_str(&format!("{v:016x}"));
    }
    s
}

/// HTTP status code of a Kubernetes API error anywhere in the error chain.
pub fn api_code(e: &(dyn std::error::Error + 'static)) -> Option<u16> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(kube::Error::Api(s)) = err.downcast_ref::<kube::Error>() {
            return Some(s.code);
        }
        cur = err.source();
    }
    None
}

pub trait AsDynError {
    fn as_dyn(&self) -> &(dyn std::error::Error + 'static);
}
impl AsDynError for kube::Error {
    fn as_dyn(&self) -> &(dyn std::error::Error + 'static) {
        self
    }
}
impl AsDynError for anyhow::Error {
    fn as_dyn(&self) -> &(dyn std::error::Error + 'static) {
        self.as_ref()
    }
}

pub fn is_status<E: AsDynError>(e: &E, code: u16) -> bool {
    api_code(e.as_dyn()) == Some(code)
}
