pub mod archive;
pub mod export;
pub mod parse;
pub mod publish;
pub mod search;
pub mod serve;

use std::path::PathBuf;

/// Where the data folder is: `--data DIR`, else `CABLEGATE_DATA`, else `./cablegate-data`.
#[derive(clap::Args, Clone)]
pub struct DataDir {
    /// The data folder (archive and builds) [default: ./cablegate-data]
    #[arg(long = "data", value_name = "DIR", env = "CABLEGATE_DATA", global = true)]
    pub given: Option<PathBuf>,
    #[arg(skip = PathBuf::from("cablegate-data"))]
    pub path: PathBuf,
}

impl DataDir {
    /// Fills `path` from what was given.
    pub fn resolve(mut self) -> Self {
        if let Some(p) = &self.given {
            self.path = p.clone();
        }
        self
    }
}

/// 251287 -> "251,287"
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
