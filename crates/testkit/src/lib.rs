//! What the tests of every crate share, so that none writes its own set-up: the repository's
//! fixtures and demo data, a publication of the fixture cables made the way the publisher makes
//! one, and Debian's chromium through chromedriver. Not published; a dev-dependency only.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cablegate_archive::release::Selection;
use cablegate_archive::{Archive, ImportOptions};
use cablegate_publication::{Publication, Timestamp};

/// A path of the repository (`fixtures/cables.csv`, `demo/releases.tsv`).
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// A file of `fixtures/`: real cables of the release chosen for their quirks.
pub fn fixture(name: &str) -> PathBuf {
    repo("fixtures").join(name)
}

/// A time, for tests: any form [`Timestamp::parse`] reads (`2011-09-01`, `2011-09-01 12:00`,
/// `2011-09-01T00:00:00Z`); panics on anything else.
pub fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap_or_else(|| panic!("{s:?} is not a time"))
}

/// A data folder with an archive of the fixture cables (`fixtures/cables.csv`) and their
/// catalogue, nothing released yet.
pub fn fixture_archive() -> (tempfile::TempDir, Archive) {
    let Setup { dir, archive, .. } = Setup::fixtures().archive();
    (dir, archive)
}

/// The publication of every fixture cable, released at `released` and published at
/// `2011-09-01T00:00:00Z`, opened; the data folder goes when the `TempDir` is dropped.
pub fn fixture_publication(released: &str) -> (tempfile::TempDir, Publication) {
    let s = Setup::fixtures().release_all(released).publish("2011-09-01T00:00:00Z");
    let p = s.open();
    (s.dir, p)
}

/// A data folder made the way the publisher makes one — import, catalogue, releases,
/// withdrawals, publish — written as one chain, so that no test spells out the set-up:
///
/// ```no_run
/// let s = cablegate_testkit::Setup::fixtures().reissued().release_all("2011-01-01").publish("2011-09-01");
/// let publication = s.open();
/// ```
pub struct Setup {
    /// The temporary folder; the data folder is in it (or is it).
    pub dir: tempfile::TempDir,
    /// The data folder.
    pub data: PathBuf,
    /// The archive, open.
    pub archive: Archive,
}

/// The inputs of a [`Setup`], before the archive exists.
#[derive(Default)]
pub struct Inputs {
    sub: Option<String>,
    files: Vec<PathBuf>,
    catalog: Option<PathBuf>,
}

impl Setup {
    /// The fixture cables (`fixtures/cables.csv`) and their catalogue.
    #[allow(clippy::new_ret_no_self)]
    pub fn fixtures() -> Inputs {
        Inputs { sub: None, files: vec![fixture("cables.csv")], catalog: Some(fixture("catalog.csv")) }
    }

    /// Only `files`, no catalogue.
    pub fn only(files: &[PathBuf]) -> Inputs {
        Inputs { sub: None, files: files.to_vec(), catalog: None }
    }

    /// The demo's 6,717 real cables, their versions, the catalogue, and the real release
    /// schedule replayed.
    pub fn demo() -> Setup {
        let mut s = Inputs::demo().archive();
        s.archive.release_schedule(&repo("demo/releases.tsv")).expect("the schedule replays");
        s
    }

    /// Releases every cable at `when` (cables released earlier keep their date).
    pub fn release_all(mut self, when: &str) -> Setup {
        self.archive.release(&Selection { all: true, ..Selection::default() }, &at(when)).expect("released");
        self
    }

    /// Releases the cables `ids` at `when`.
    pub fn release(mut self, ids: &[&str], when: &str) -> Setup {
        let selection = Selection { ids: ids.iter().map(|&i| i.to_owned()).collect(), ..Selection::default() };
        self.archive.release(&selection, &at(when)).expect("released");
        self
    }

    /// Withdraws the cable `id` from `when` on.
    pub fn withdraw(mut self, id: &str, when: &str) -> Setup {
        self.archive.withdraw(id, &at(when)).expect("withdrawn");
        self
    }

    /// Publishes the archive as of `when`; may be called again for the next publication.
    pub fn publish(mut self, when: &str) -> Setup {
        self.archive.publish(&self.data, Some(&at(when))).expect("published");
        self
    }

    /// Publishes the archive as of `when`, to be served at `url` (which citations name).
    pub fn publish_at_url(mut self, when: &str, url: &str) -> Setup {
        let options = cablegate_archive::publish::PublishOptions { at: Some(at(when)), url: Some(url.to_owned()) };
        self.archive.publish_with(&self.data, &options).expect("published");
        self
    }

    /// The folder of the data folder's publications.
    pub fn publications(&self) -> PathBuf {
        cablegate_publication::publications_dir(&self.data)
    }

    /// The current publication, opened.
    pub fn open(&self) -> Publication {
        Publication::open(&self.publications(), None).expect("the publication opens")
    }
}

impl Inputs {
    /// Adds the fixtures' re-issued cables (`reissued.csv`, `versions.jsonl`).
    pub fn reissued(mut self) -> Inputs {
        self.files.extend([fixture("reissued.csv"), fixture("versions.jsonl")]);
        self
    }

    /// Puts the data folder at `name` inside the temporary folder, not at the folder itself.
    pub fn in_folder(mut self, name: &str) -> Inputs {
        self.sub = Some(name.to_owned());
        self
    }

    /// The demo's cables, their versions and the catalogue.
    fn demo() -> Inputs {
        Inputs {
            sub: None,
            files: vec![repo("demo/cables.csv.gz"), repo("demo/versions.jsonl.gz")],
            catalog: Some(repo("demo/full-release-ids.csv.gz")),
        }
    }

    /// Imports the inputs into a new archive in a temporary folder.
    pub fn archive(self) -> Setup {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let data = self.sub.as_ref().map_or_else(|| dir.path().to_owned(), |s| dir.path().join(s));
        let archive = self.open_at(&data);
        Setup { dir, data, archive }
    }

    /// Imports the inputs into a new archive in `data`; every input must import.
    fn open_at(&self, data: &Path) -> Archive {
        let mut archive = Archive::open(data).expect("an archive opens");
        let s = archive.import(&self.files, &ImportOptions::default()).expect("the inputs import");
        assert!(s.rejects.is_empty(), "rejected: {:?}", s.rejects);
        if let Some(c) = &self.catalog {
            archive.load_catalog(c).expect("the catalogue loads");
        }
        archive
    }

    /// [`archive`](Self::archive), then [`Setup::release_all`].
    pub fn release_all(self, when: &str) -> Setup {
        self.archive().release_all(when)
    }

    /// [`archive`](Self::archive), then [`Setup::release`].
    pub fn release(self, ids: &[&str], when: &str) -> Setup {
        self.archive().release(ids, when)
    }
}

/// The demo's data: all 6,717 bundled real cables, their versions, the catalogue and the real
/// release schedule, imported into `data` and published now.
pub fn demo(data: &Path) {
    let mut a = Inputs::demo().open_at(data);
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

/// The real clients the format tests read our files with (PyPI's bibtexparser, rispy and
/// feedparser in `target/clients/venv`; npm's citeproc-js and citation-js in
/// `target/clients/node`), installed by `.ci/clients`: their folder, or `None` where they are not
/// installed, which fails under CI (`CI` set) and elsewhere says the test is skipped.
pub fn clients() -> Option<PathBuf> {
    let dir = repo("target/clients");
    if dir.join("venv/bin/python").exists() && dir.join("node/node_modules/citeproc").exists() {
        return Some(dir);
    }
    assert!(std::env::var_os("CI").is_none(), "CI must install the real clients (.ci/clients, run by .ci/run)");
    eprintln!("skipped the real clients: not installed (run .ci/clients)");
    None
}

/// Runs `program` with `args` in `dir`; its standard output, or a panic with what it printed.
pub fn run_client(dir: &Path, program: &Path, args: &[&str]) -> String {
    let out = Command::new(program).args(args).current_dir(dir).output().expect("the client runs");
    assert!(
        out.status.success(),
        "{} {args:?}: {}\n{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
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
