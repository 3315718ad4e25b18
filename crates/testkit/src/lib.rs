//! What the tests of every crate share, so that none writes its own set-up: the repository's
//! fixtures and demo data, a publication of the fixture cables made the way the publisher makes
//! one, and Debian's chromium through chromedriver. Not published; a dev-dependency only.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cablegate_archive::release::Selection;
use cablegate_archive::{Archive, ImportOptions};
use cablegate_publication::Publication;

/// A path of the repository (`fixtures/cables.csv`, `demo/releases.tsv`).
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// A file of `fixtures/`: real cables of the release chosen for their quirks.
pub fn fixture(name: &str) -> PathBuf {
    repo("fixtures").join(name)
}

/// A data folder with an archive of the fixture cables (`fixtures/cables.csv`) and their
/// catalogue, nothing released yet.
pub fn fixture_archive() -> (tempfile::TempDir, Archive) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut a = Archive::open(dir.path()).expect("an archive opens");
    a.import(&[fixture("cables.csv")], &ImportOptions::default()).expect("the fixtures import");
    a.load_catalog(&fixture("catalog.csv")).expect("the catalogue loads");
    (dir, a)
}

/// The publication of every fixture cable, released at `released` and published at
/// `2011-09-01T00:00:00Z`, opened; the data folder goes when the `TempDir` is dropped.
pub fn fixture_publication(released: &str) -> (tempfile::TempDir, Publication) {
    let (dir, mut a) = fixture_archive();
    a.release(&Selection { all: true, ..Selection::default() }, released).expect("released");
    a.publish(dir.path(), Some("2011-09-01T00:00:00Z")).expect("published");
    drop(a);
    let p = Publication::open(&cablegate_publication::publications_dir(dir.path()), None).expect("it opens");
    (dir, p)
}

/// The demo's data: all 6,717 bundled real cables, their versions, the catalogue and the real
/// release schedule, imported into `data` and published now.
pub fn demo(data: &Path) {
    let mut a = Archive::open(data).expect("an archive opens");
    a.import(&[repo("demo/cables.csv.gz"), repo("demo/versions.jsonl.gz")], &ImportOptions::default())
        .expect("the demo imports");
    a.load_catalog(&repo("demo/full-release-ids.csv.gz")).expect("the catalogue loads");
    a.release_schedule(&repo("demo/releases.tsv")).expect("the schedule replays");
    a.publish(data, None).expect("published");
}

/// A port nothing listens on, on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("its address").port()
}

/// A child process, killed and reaped when dropped.
pub struct Kill(pub Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until something listens on `port` of 127.0.0.1, for at most `seconds`.
pub fn wait_for_port(port: u16, seconds: u64, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Debian's chromedriver, started on a free port: its URL and the process. `None` where it is not
/// installed, which fails under CI (`CI` set: `.ci/run` installs `chromium` and `chromium-driver`)
/// and elsewhere says the test is skipped.
pub fn chromedriver() -> Option<(String, Kill)> {
    let Some(driver) =
        ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].into_iter().find(|p| Path::new(p).exists())
    else {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium and chromium-driver (see .ci/run)");
        eprintln!("skipped the browser: no chromedriver (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let kill = Kill(child);
    wait_for_port(port, 20, "chromedriver");
    Some((format!("http://127.0.0.1:{port}"), kill))
}

/// The arguments chromium runs with here: headless, as root, and with nothing that reaches for
/// the network on its own (this machine's network is closed).
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
