//! `kill -9` (a crash, the OOM killer, a pulled plug) during publish and export, at moments
//! spread over the command's run (issue 20). After each: the current build is a whole one, a
//! rerun completes, and the checks find nothing wrong. (`import` killed mid-way is in
//! `tests/archive_cli.rs`.)

use std::path::Path;
use std::time::Instant;

use assert_cmd::Command;
use cablegate_testkit::fixture;
use predicates::prelude::*;

const MOMENTS: u32 = 6;

fn cablegate(data: &Path) -> Command {
    let mut c = Command::cargo_bin("cablegate").unwrap();
    c.arg("--data").arg(data);
    c
}

fn spawn(data: &Path, args: &[&std::ffi::OsStr]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("cablegate"))
        .arg("--data")
        .arg(data)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs the command once to its end (its time), then `MOMENTS` times killed with SIGKILL at
/// spread moments, calling `after` after each kill; how many kills came before the command's end.
fn kill_at_moments(data: &Path, args: &[&std::ffi::OsStr], mut after: impl FnMut(u32)) -> u32 {
    let started = Instant::now();
    assert!(spawn(data, args).wait().unwrap().success());
    let whole = started.elapsed();
    let mut landed = 0;
    for i in 1..=MOMENTS {
        let mut child = spawn(data, args);
        std::thread::sleep(whole * i / (MOMENTS + 1));
        if child.try_wait().unwrap().is_none() {
            landed += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        after(i);
    }
    landed
}

fn current(data: &Path) -> u32 {
    std::fs::read_to_string(data.join("builds/CURRENT")).unwrap().trim().parse().unwrap()
}

#[test]
fn a_publish_killed_at_any_moment_leaves_a_whole_current_build_and_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    cablegate(&data).args(["release", "--all"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    let scratch = dir.path().join("scratch");
    let landed = kill_at_moments(&data, &["publish".as_ref()], |i| {
        // what is current is whole: its files are those of its manifest (export checks them)
        let before = current(&data);
        cablegate(&data).args(["export", "--build", &before.to_string()]).arg(&scratch).assert().success();
        cablegate(&data).args(["stats", "--check"]).assert().success();
        let out = cablegate(&data).arg("publish").assert().success();
        let said = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(said.contains("published and current"), "moment {i}: {said}");
        assert!(current(&data) > before, "moment {i}: the rerun made a new current build");
        cablegate(&data).args(["export", "--build", &current(&data).to_string()]).arg(&scratch).assert().success();
    });
    assert!(landed >= MOMENTS / 2, "only {landed} of {MOMENTS} kills came before the publish ended");
    // no half build is left beside the whole ones once a publish has run
    let left: Vec<String> = std::fs::read_dir(data.join("builds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_export_killed_at_any_moment_is_completed_by_a_rerun_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cablegate(&data).arg("import").arg(fixture("cables.csv")).assert().success();
    cablegate(&data).args(["release", "--all"]).assert().success();
    cablegate(&data).arg("publish").assert().success();
    let site = dir.path().join("site");
    let args = ["export".as_ref(), site.as_os_str()];
    let landed = kill_at_moments(&data, &args, |i| {
        // a new build each time, so that the export has pages to rewrite over the last one
        cablegate(&data).arg("publish").assert().success();
        cablegate(&data).arg("export").arg(&site).assert().success();
        Command::cargo_bin("cablegate")
            .unwrap()
            .arg("verify")
            .arg(&site)
            .assert()
            .success()
            .stdout(predicate::str::contains("all as the manifest says"));
        assert!(
            std::fs::read_to_string(site.join("MANIFEST.json"))
                .unwrap()
                .contains(&format!("\"build\": {}", current(&data))),
            "moment {i}: the mirror is of the current build"
        );
    });
    assert!(landed >= MOMENTS / 2, "only {landed} of {MOMENTS} kills came before the export ended");
}
