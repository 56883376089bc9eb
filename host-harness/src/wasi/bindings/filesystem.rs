//! `wasi:filesystem` (types, preopens) over [`Descriptor`].

use crate::{Error, Linker, Val};

use super::io::{live, live_mut};
use super::values::{
    bytes, bytes_at, datetime, err, flags_at, ok, option, own, rep, string_at, u64_at,
};
use super::{HostFn, WasiView, func, interface, resource};
use crate::wasi::WasiCtx;
use crate::wasi::ctx::IoError;
use crate::wasi::error_code::ErrorCode;
use crate::wasi::filesystem::{
    Descriptor, DescriptorFlags, DescriptorStat, DirectoryEntryStream, NewTimestamp, OpenFlags,
};

pub(super) fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "filesystem/types")?;
    resource::<T, Descriptor>(&mut i, "descriptor", |cx, r| {
        cx.descriptors.remove(r).map(drop)
    })?;
    resource::<T, DirectoryEntryStream>(&mut i, "directory-entry-stream", |cx, r| {
        cx.directory_streams.remove(r).map(drop)
    })?;
    for (name, body) in descriptor_methods()
        .into_iter()
        .chain(descriptor_path_methods())
    {
        func(&mut i, &format!("[method]descriptor.{name}"), body)?;
    }
    func(
        &mut i,
        "[method]directory-entry-stream.read-directory-entry",
        |cx, p| {
            let stream = live_mut(cx.directory_streams.get_mut(rep(p, 0)?))?;
            let entry = stream.entries.pop_front().map(|(kind, name)| {
                Val::Record(vec![
                    ("type".into(), Val::Enum(kind.wit_name().into())),
                    ("name".into(), Val::String(name)),
                ])
            });
            Ok(Some(ok(Some(option(entry)))))
        },
    )?;
    func(&mut i, "filesystem-error-code", |cx, p| {
        let error: &IoError = live(cx.errors.get(rep(p, 0)?))?;
        Ok(Some(option(error.code.map(error_code))))
    })?;

    let mut i = interface(linker, "filesystem/preopens")?;
    func(&mut i, "get-directories", |cx, _| {
        let preopens = cx.preopens.clone();
        let list = preopens.into_iter().map(|preopen| {
            let descriptor = cx.descriptors.push(Descriptor::preopen(&preopen.dir));
            Val::Tuple(vec![own(descriptor), Val::String(preopen.guest)])
        });
        Ok(Some(Val::List(list.collect())))
    })
}

/// The `descriptor` methods that act on the descriptor itself.
fn descriptor_methods() -> Vec<(&'static str, HostFn)> {
    vec![
        ("read-via-stream", |cx, p| {
            let stream = this(cx, p)?.read_via_stream(u64_at(p, 1)?);
            Ok(Some(fs_result(
                stream.map(|s| Some(own(cx.input_streams.push(s)))),
            )))
        }),
        ("write-via-stream", |cx, p| {
            let stream = this(cx, p)?.write_via_stream(Some(u64_at(p, 1)?));
            Ok(Some(fs_result(
                stream.map(|s| Some(own(cx.output_streams.push(s)))),
            )))
        }),
        ("append-via-stream", |cx, p| {
            let stream = this(cx, p)?.write_via_stream(None);
            Ok(Some(fs_result(
                stream.map(|s| Some(own(cx.output_streams.push(s)))),
            )))
        }),
        ("advise", |cx, p| {
            this(cx, p)?;
            Ok(Some(ok(None)))
        }),
        ("sync-data", |cx, p| {
            Ok(Some(fs_result(this(cx, p)?.sync().map(|()| None))))
        }),
        ("sync", |cx, p| {
            Ok(Some(fs_result(this(cx, p)?.sync().map(|()| None))))
        }),
        ("get-flags", |cx, p| {
            Ok(Some(ok(Some(descriptor_flags(this(cx, p)?.flags())))))
        }),
        ("get-type", |cx, p| {
            let kind = this(cx, p)?
                .stat()
                .map(|s| Some(Val::Enum(s.kind.wit_name().into())));
            Ok(Some(fs_result(kind)))
        }),
        ("set-size", |cx, p| {
            let result = this(cx, p)?.set_size(u64_at(p, 1)?);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
        ("set-times", |cx, p| {
            let (accessed, modified) = (new_timestamp(p, 1)?, new_timestamp(p, 2)?);
            let result = this(cx, p)?.set_times(accessed, modified);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
        ("read", |cx, p| {
            let result = this(cx, p)?.read(u64_at(p, 1)?, u64_at(p, 2)?);
            let pair =
                result.map(|(data, end)| Some(Val::Tuple(vec![bytes(data), Val::Bool(end)])));
            Ok(Some(fs_result(pair)))
        }),
        ("write", |cx, p| {
            let result = this(cx, p)?.write(&bytes_at(p, 1)?, u64_at(p, 2)?);
            Ok(Some(fs_result(result.map(|n| Some(Val::U64(n))))))
        }),
        ("read-directory", |cx, p| {
            let stream = this(cx, p)?.read_directory();
            Ok(Some(fs_result(
                stream.map(|s| Some(own(cx.directory_streams.push(s)))),
            )))
        }),
        ("stat", |cx, p| {
            Ok(Some(fs_result(this(cx, p)?.stat().map(|s| Some(stat(s))))))
        }),
        ("metadata-hash", |cx, p| {
            let result = this(cx, p)?.metadata_hash();
            Ok(Some(fs_result(result.map(|h| Some(hash_value(h))))))
        }),
        ("is-same-object", |cx, p| {
            let other = live(cx.descriptors.get(rep(p, 1)?))?;
            Ok(Some(Val::Bool(this(cx, p)?.is_same_object(other))))
        }),
    ]
}

/// The `descriptor` methods that name a path relative to a directory.
fn descriptor_path_methods() -> Vec<(&'static str, HostFn)> {
    vec![
        ("set-times-at", |cx, p| {
            let follow = follows_symlinks(p, 1)?;
            let (accessed, modified) = (new_timestamp(p, 3)?, new_timestamp(p, 4)?);
            let result = this(cx, p)?.set_times_at(string_at(p, 2)?, follow, accessed, modified);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
        ("symlink-at", |cx, p| {
            let result = this(cx, p)?.symlink_at(string_at(p, 1)?, string_at(p, 2)?);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
        ("create-directory-at", |cx, p| {
            let result = this(cx, p)?.create_directory_at(string_at(p, 1)?);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
        ("remove-directory-at", |cx, p| {
            let result = this(cx, p)?.remove_directory_at(string_at(p, 1)?);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
        ("unlink-file-at", |cx, p| {
            let result = this(cx, p)?.unlink_file_at(string_at(p, 1)?);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
        ("readlink-at", |cx, p| {
            let result = this(cx, p)?.readlink_at(string_at(p, 1)?);
            Ok(Some(fs_result(result.map(|s| Some(Val::String(s))))))
        }),
        ("stat-at", |cx, p| {
            let follow = follows_symlinks(p, 1)?;
            let result = this(cx, p)?.stat_at(string_at(p, 2)?, follow);
            Ok(Some(fs_result(result.map(|s| Some(stat(s))))))
        }),
        ("metadata-hash-at", |cx, p| {
            let follow = follows_symlinks(p, 1)?;
            let result = this(cx, p)?.metadata_hash_at(string_at(p, 2)?, follow);
            Ok(Some(fs_result(result.map(|h| Some(hash_value(h))))))
        }),
        ("open-at", open_at),
        ("rename-at", |cx, p| {
            let to = live(cx.descriptors.get(rep(p, 2)?))?;
            let result = this(cx, p)?.rename_at(string_at(p, 1)?, to, string_at(p, 3)?);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
        ("link-at", |cx, p| {
            let to = live(cx.descriptors.get(rep(p, 3)?))?;
            let result = this(cx, p)?.link_at(string_at(p, 2)?, to, string_at(p, 4)?);
            Ok(Some(fs_result(result.map(|()| None))))
        }),
    ]
}

/// `open-at(path-flags, path, open-flags, descriptor-flags)`.
fn open_at(cx: &mut WasiCtx, p: &[Val]) -> Result<Option<Val>, Error> {
    let open = flags_at(p, 3)?;
    let has = |names: &[String], name: &str| names.iter().any(|n| n == name);
    let open = OpenFlags {
        create: has(open, "create"),
        directory: has(open, "directory"),
        exclusive: has(open, "exclusive"),
        truncate: has(open, "truncate"),
    };
    let access = flags_at(p, 4)?;
    let flags = DescriptorFlags {
        read: has(access, "read"),
        write: has(access, "write"),
        mutate_directory: has(access, "mutate-directory"),
    };
    let follow = follows_symlinks(p, 1)?;
    let opened = this(cx, p)?.open_at(string_at(p, 2)?, follow, open, flags);
    Ok(Some(fs_result(
        opened.map(|d| Some(own(cx.descriptors.push(d)))),
    )))
}

/// The descriptor a method was called on (parameter 0).
fn this<'a>(cx: &'a WasiCtx, p: &[Val]) -> Result<&'a Descriptor, Error> {
    live(cx.descriptors.get(rep(p, 0)?))
}

fn follows_symlinks(p: &[Val], index: usize) -> Result<bool, Error> {
    Ok(flags_at(p, index)?.iter().any(|n| n == "symlink-follow"))
}

/// A `new-timestamp` parameter.
fn new_timestamp(p: &[Val], index: usize) -> Result<NewTimestamp, Error> {
    let bad = || {
        Error::msg(format!(
            "WASI host: parameter {index} should be a new-timestamp"
        ))
    };
    let Some(Val::Variant(case, payload)) = p.get(index) else {
        return Err(bad());
    };
    match (case.as_str(), payload.as_deref()) {
        ("no-change", None) => Ok(NewTimestamp::NoChange),
        ("now", None) => Ok(NewTimestamp::Now),
        ("timestamp", Some(Val::Record(fields))) => match fields.as_slice() {
            [(_, Val::U64(seconds)), (_, Val::U32(nanoseconds))] => {
                Ok(NewTimestamp::Timestamp((*seconds, *nanoseconds)))
            }
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn fs_result(result: Result<Option<Val>, ErrorCode>) -> Val {
    match result {
        Ok(payload) => ok(payload),
        Err(code) => err(Some(error_code(code))),
    }
}

fn error_code(code: ErrorCode) -> Val {
    Val::Enum(code.wit_name().into())
}

fn descriptor_flags(flags: DescriptorFlags) -> Val {
    let names = [
        (flags.read, "read"),
        (flags.write, "write"),
        (flags.mutate_directory, "mutate-directory"),
    ];
    Val::Flags(
        names
            .into_iter()
            .filter(|(set, _)| *set)
            .map(|(_, name)| name.to_string())
            .collect(),
    )
}

fn stat(s: DescriptorStat) -> Val {
    Val::Record(vec![
        ("type".into(), Val::Enum(s.kind.wit_name().into())),
        ("link-count".into(), Val::U64(s.link_count)),
        ("size".into(), Val::U64(s.size)),
        (
            "data-access-timestamp".into(),
            option(s.accessed.map(datetime)),
        ),
        (
            "data-modification-timestamp".into(),
            option(s.modified.map(datetime)),
        ),
        (
            "status-change-timestamp".into(),
            option(s.status_changed.map(datetime)),
        ),
    ])
}

fn hash_value((lower, upper): (u64, u64)) -> Val {
    Val::Record(vec![
        ("lower".into(), Val::U64(lower)),
        ("upper".into(), Val::U64(upper)),
    ])
}
