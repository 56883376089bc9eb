//! The descriptor methods called directly, for what a Rust guest's std does
//! not reach (`set-times-at`, `metadata-hash-at`, `open-at` without
//! `symlink-follow`, two directory descriptors in one call) and for the
//! error codes of each escape. The guest-driven tests are in
//! `tests/cli_sandbox.rs`.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Descriptor, DescriptorFlags, ErrorCode, NewTimestamp, OpenFlags};

/// `root/box` (preopened) beside `root/secret.txt`, with `box/out -> ..`
/// and `box/abs -> /`: two ways out.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(test: &str) -> Scratch {
        let root = std::env::temp_dir().join(format!("weft-fs-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("box/sub")).unwrap();
        std::fs::write(root.join("secret.txt"), "secret").unwrap();
        std::fs::write(root.join("box/in.txt"), "inside").unwrap();
        symlink("..", root.join("box/out")).unwrap();
        symlink("/", root.join("box/abs")).unwrap();
        Scratch { root }
    }

    fn preopen(&self) -> Descriptor {
        let dir =
            cap_std::fs::Dir::open_ambient_dir(self.root.join("box"), cap_std::ambient_authority())
                .unwrap();
        Descriptor::preopen(&Arc::new(dir))
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn read_only() -> DescriptorFlags {
    DescriptorFlags {
        read: true,
        ..DescriptorFlags::default()
    }
}

fn directory() -> OpenFlags {
    OpenFlags {
        directory: true,
        ..OpenFlags::default()
    }
}

fn secret_mtime(scratch: &Scratch) -> std::time::SystemTime {
    std::fs::metadata(scratch.path("secret.txt"))
        .unwrap()
        .modified()
        .unwrap()
}

#[test]
fn every_path_method_refuses_a_way_out_with_not_permitted() {
    let scratch = Scratch::new("escapes");
    let dir = scratch.preopen();
    let denied = Some(ErrorCode::NotPermitted);
    for path in [
        "out/secret.txt",
        "abs/etc/passwd",
        "../secret.txt",
        "/etc/passwd",
        "sub/../../secret.txt",
    ] {
        let opened = dir.open_at(path, true, OpenFlags::default(), read_only());
        assert_eq!(
            opened.err(),
            Some(ErrorCode::NotPermitted),
            "open-at {path}"
        );
        assert_eq!(
            dir.stat_at(path, true).err(),
            Some(ErrorCode::NotPermitted),
            "{path}"
        );
        assert_eq!(
            dir.stat_at(path, false).err(),
            Some(ErrorCode::NotPermitted),
            "{path}"
        );
        assert_eq!(dir.metadata_hash_at(path, true).err(), denied, "{path}");
        assert_eq!(dir.metadata_hash_at(path, false).err(), denied, "{path}");
        assert_eq!(dir.readlink_at(path).err(), denied, "{path}");
        assert_eq!(dir.unlink_file_at(path).err(), denied, "{path}");
        let now = (NewTimestamp::Now, NewTimestamp::Now);
        assert_eq!(
            dir.set_times_at(path, true, now.0, now.1).err(),
            denied,
            "{path}"
        );
        assert_eq!(
            dir.set_times_at(path, false, now.0, now.1).err(),
            denied,
            "{path}"
        );
        assert_eq!(dir.rename_at(path, &dir, "stolen").err(), denied, "{path}");
        assert_eq!(dir.rename_at("in.txt", &dir, path).err(), denied, "{path}");
        assert_eq!(dir.link_at(path, &dir, "hard").err(), denied, "{path}");
        assert_eq!(dir.link_at("in.txt", &dir, path).err(), denied, "{path}");
        assert_eq!(dir.symlink_at("in.txt", path).err(), denied, "{path}");
    }
    for path in ["out/made", "abs/tmp/made", "../made"] {
        assert_eq!(dir.create_directory_at(path).err(), denied, "{path}");
        assert_eq!(dir.remove_directory_at(path).err(), denied, "{path}");
    }
    assert_eq!(
        std::fs::read_to_string(scratch.path("secret.txt")).unwrap(),
        "secret"
    );
    assert!(!scratch.path("made").exists());
    assert!(!scratch.path("box/stolen").exists() && !scratch.path("box/hard").exists());
}

#[test]
fn a_directory_opened_inside_keeps_its_own_confinement() {
    let scratch = Scratch::new("subdir");
    let dir = scratch.preopen();
    let directory = directory();
    let sub = dir.open_at("sub", true, directory, read_only()).unwrap();
    // `..` from `sub` is the box, which `sub` was not given: refused.
    assert_eq!(
        sub.stat_at("../in.txt", true).err(),
        Some(ErrorCode::NotPermitted)
    );
    // A directory reached through a link out of the box cannot be opened.
    let opened = dir.open_at("out", true, directory, read_only());
    assert_eq!(opened.err(), Some(ErrorCode::NotPermitted));
    // `directory` on a file, and with `create`, as in wasmtime.
    let opened = dir.open_at("in.txt", true, directory, read_only());
    assert_eq!(opened.err(), Some(ErrorCode::NotDirectory));
    let create_dir = OpenFlags {
        create: true,
        ..directory
    };
    let opened = dir.open_at("new", true, create_dir, read_only());
    assert_eq!(opened.err(), Some(ErrorCode::Invalid));
}

#[test]
fn without_symlink_follow_a_final_link_is_not_opened() {
    let scratch = Scratch::new("nofollow");
    symlink("in.txt", scratch.path("box/good")).unwrap();
    let dir = scratch.preopen();
    let opened = dir.open_at("good", false, OpenFlags::default(), read_only());
    assert_eq!(opened.err(), Some(ErrorCode::Loop));
    let file = dir
        .open_at("good", true, OpenFlags::default(), read_only())
        .unwrap();
    assert_eq!(file.read(100, 0).unwrap(), (b"inside".to_vec(), true));
    // The link and its target are different objects, the same when followed.
    let link = dir.metadata_hash_at("good", false).unwrap();
    let target = dir.metadata_hash_at("good", true).unwrap();
    assert_ne!(link, target);
    assert_eq!(target, dir.metadata_hash_at("in.txt", false).unwrap());
    assert_eq!(target, file.metadata_hash().unwrap());
}

#[test]
fn times_are_set_inside_and_never_outside() {
    let scratch = Scratch::new("times");
    let dir = scratch.preopen();
    let before = secret_mtime(&scratch);
    let past = NewTimestamp::Timestamp((1_000_000_000, 5));
    dir.set_times_at("in.txt", true, NewTimestamp::NoChange, past)
        .unwrap();
    let stat = dir.stat_at("in.txt", true).unwrap();
    assert_eq!(stat.modified, Some((1_000_000_000, 5)));
    let file = dir
        .open_at("in.txt", true, OpenFlags::default(), read_only())
        .unwrap();
    file.set_times(
        NewTimestamp::NoChange,
        NewTimestamp::Timestamp((2_000_000_000, 0)),
    )
    .unwrap();
    assert_eq!(file.stat().unwrap().modified, Some((2_000_000_000, 0)));
    let bad = NewTimestamp::Timestamp((0, 1_000_000_000));
    assert_eq!(
        file.set_times(NewTimestamp::NoChange, bad),
        Err(ErrorCode::Invalid)
    );
    assert_eq!(
        dir.set_times_at("out/secret.txt", true, NewTimestamp::NoChange, past),
        Err(ErrorCode::NotPermitted)
    );
    assert_eq!(secret_mtime(&scratch), before);
}

#[test]
fn rename_and_link_between_two_directories_stay_inside_both() {
    let scratch = Scratch::new("two-dirs");
    let dir = scratch.preopen();
    let directory = directory();
    let sub = dir.open_at("sub", true, directory, read_only()).unwrap();
    dir.rename_at("in.txt", &sub, "moved.txt").unwrap();
    sub.link_at("moved.txt", &dir, "hard.txt").unwrap();
    assert_eq!(
        std::fs::read_to_string(scratch.path("box/sub/moved.txt")).unwrap(),
        "inside"
    );
    assert_eq!(
        std::fs::read_to_string(scratch.path("box/hard.txt")).unwrap(),
        "inside"
    );
    // `sub` cannot name the box's links to get out through them.
    assert_eq!(
        sub.rename_at("moved.txt", &dir, "out/moved.txt"),
        Err(ErrorCode::NotPermitted)
    );
    assert_eq!(
        sub.rename_at("../hard.txt", &dir, "x"),
        Err(ErrorCode::NotPermitted)
    );
    assert!(!Path::new(&scratch.path("moved.txt")).exists());
}

#[test]
fn readlink_hides_absolute_targets_and_shows_relative_ones() {
    let scratch = Scratch::new("readlink");
    let dir = scratch.preopen();
    assert_eq!(dir.readlink_at("out").unwrap(), "..");
    assert_eq!(dir.readlink_at("abs"), Err(ErrorCode::NotPermitted));
    dir.symlink_at("sub/../in.txt", "made").unwrap();
    assert_eq!(dir.readlink_at("made").unwrap(), "sub/../in.txt");
    assert_eq!(dir.symlink_at("/etc", "etc"), Err(ErrorCode::NotPermitted));
    assert_eq!(dir.readlink_at("in.txt"), Err(ErrorCode::Invalid));
}
