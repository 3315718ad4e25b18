pub mod archive;
pub mod parse;
pub mod publish;

use std::path::PathBuf;

/// Where the data folder is: `--data DIR`, else `CABLEGATE_DATA`, else `./cablegate-data`.
#[derive(clap::Args, Clone)]
pub struct DataDir {
    /// The data folder (archive and builds)
    #[arg(long = "data", value_name = "DIR", env = "CABLEGATE_DATA", default_value = "cablegate-data", global = true)]
    pub path: PathBuf,
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
