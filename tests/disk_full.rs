//! A full disk during import, publish and export (issue 20): each test mounts a small tmpfs of
//! its own, fills it with a file, and runs the command there. Each must fail with a clear error
//! that says the disk is full and what to do, lose nothing already stored, leave the current
//! build as it was, and complete once the filler is removed.
//!
//! Mounting needs root, which `.ci/run` has (it installs Debian packages). Elsewhere, a test
//! that cannot mount says so on stderr and stops; as root, a failed mount fails the test.

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cablegate_testkit::{fixture, repo};
use predicates::prelude::*;

fn cablegate(data: &Path) -> Command {
    let mut c = Command::cargo_bin("cablegate").unwrap();
    c.arg("--data").arg(data);
    c
}

/// A tmpfs of a given size, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(bytes: u64) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .expect("mount runs");
        if out.status.success() {
            return Some(Tmpfs { dir });
        }
        let uid = std::process::Command::new("id").arg("-u").output().expect("id runs");
        let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        assert!(!root, "as root a tmpfs mounts: {}", String::from_utf8_lossy(&out.stderr));
        eprintln!("not run: mounting a tmpfs needs root (.ci/run runs as root)");
        None
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the file system with one file but `leave` bytes; the file, to remove later.
    fn fill(&self, leave: u64) -> PathBuf {
        let path = self.path().join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        for chunk in [1 << 20, 4096] {
            let zeros = vec![0u8; chunk];
            loop {
                match f.write_all(&zeros) {
                    Ok(()) => continue,
                    Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
                    Err(e) => panic!("filling the tmpfs: {e}"),
                }
            }
        }
        let len = f.metadata().unwrap().len();
        f.set_len(len.saturating_sub(leave)).unwrap();
        f.sync_all().unwrap();
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn held(data: &Path) -> u64 {
    let out = cablegate(data).args(["stats", "--json"]).assert();
    let out = out.success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    v["held"].as_u64().unwrap()
}

fn size_of(path: &Path) -> u64 {
    walk(path).iter().map(|p| std::fs::metadata(p).unwrap().len()).sum()
}

fn walk(path: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(path).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

fn says_the_disk_is_full(err: &str, then: &str) {
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("No space left on device") || err.contains("disk is full"), "{err}");
    assert!(err.contains(&format!("the disk is full: {then}")), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_import_on_a_full_disk_keeps_what_was_held_and_a_rerun_completes() {
    let Some(fs) = Tmpfs::mount(128 << 20) else { return };
    let data = fs.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    let before = held(&data);
    let demo = repo("demo/cables.csv.gz");
    // no room at all, then some room: the import fails before and after its first writes
    for leave in [0, 2 << 20] {
        let filler = fs.fill(leave);
        let out = cablegate(&data).arg("import").arg(&demo).assert().code(2);
        says_the_disk_is_full(&stderr_of(&out), "the cables recorded before it are kept");
        std::fs::remove_file(filler).unwrap();
        cablegate(&data)
            .args(["stats", "--check"])
            .assert()
            .success()
            .stderr(predicate::str::contains("all texts match their hashes"));
        assert_eq!(held(&data), before, "nothing held is lost (the failed batch is not recorded)");
        cablegate(&data).args(["show", "09LONDON923"]).assert().success();
    }
    cablegate(&data).arg("import").arg(&demo).assert().success();
    cablegate(&data).args(["stats", "--check"]).assert().success();
    assert!(held(&data) > 6_700, "the rerun imports the demo's 6,717 cables");
}

#[test]
fn a_publish_on_a_full_disk_leaves_the_current_build_and_no_half_build() {
    let Some(fs) = Tmpfs::mount(64 << 20) else { return };
    let data = fs.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    cablegate(&data).args(["release", "--all"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    let builds = data.join("builds");
    let build_size = size_of(&builds.join("000001"));
    // no room, room for half a build: it fails in its first write or in the middle
    for leave in [0, build_size / 2] {
        let filler = fs.fill(leave);
        let out = cablegate(&data).arg("publish").assert().code(2);
        says_the_disk_is_full(&stderr_of(&out), "nothing was published and the current build is untouched");
        assert_eq!(std::fs::read_to_string(builds.join("CURRENT")).unwrap(), "1\n");
        let left: Vec<_> =
            std::fs::read_dir(&builds).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert!(!left.iter().any(|n| n.starts_with(".tmp")), "the half build is removed: {left:?}");
        std::fs::remove_file(filler).unwrap();
        cablegate(&data).args(["stats", "--check"]).assert().success();
    }
    cablegate(&data)
        .arg("publish")
        .assert()
        .success()
        .stdout(predicate::str::contains("build 2 published and current"));
    assert_eq!(std::fs::read_to_string(builds.join("CURRENT")).unwrap(), "2\n");
    cablegate(&data).args(["export", "--build", "2"]).arg(fs.path().join("site")).assert().success();
}

#[test]
fn an_export_on_a_full_disk_says_so_and_a_rerun_makes_a_whole_mirror() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    cablegate(&data).args(["release", "09LONDON923", "10STATE17263"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    let Some(fs) = Tmpfs::mount(32 << 20) else { return };
    let site = fs.path().join("site");
    // a first export, of two cables, into an empty folder; then the update of that mirror to a
    // build of eleven, which needs more room than it has
    cablegate(&data).arg("export").arg(&site).assert().success();
    cablegate(&data).args(["release", "--all"]).assert().success();
    cablegate(&data).args(["withdraw", "09LONDON923"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    let scratch = dir.path().join("whole");
    cablegate(&data).arg("export").arg(&scratch).assert().success();
    let export_size = size_of(&scratch);
    for leave in [0, export_size / 2] {
        let filler = fs.fill(leave);
        let out = cablegate(&data).arg("export").arg(&site).assert().code(2);
        says_the_disk_is_full(&stderr_of(&out), "the folder is an incomplete mirror until an export ends");
        std::fs::remove_file(filler).unwrap();
    }
    cablegate(&data).arg("export").arg(&site).assert().success();
    Command::cargo_bin("cablegate")
        .unwrap()
        .arg("verify")
        .arg(&site)
        .assert()
        .success()
        .stdout(predicate::str::contains("build 2").and(predicate::str::contains("all as the manifest says")));
    assert!(!site.join("cable/2009/04/09LONDON923.html").exists(), "the withdrawn cable left the mirror");
}
