//! `wasi:filesystem` (types, preopens) over [`Descriptor`]: each function
//! a typed closure over the values of `fs_values`.

use crate::{ComponentParams, ComponentResult, Error, Linker, LinkerInstance, Resource};

use super::fs_values::{Advice, DirectoryEntry, MetadataHash, NewTimestamp, PathFlags, Stat};
use super::io::{live, live_mut};
use super::values::{own_of, rep_of};
use super::{WasiView, interface, resource, typed};
use crate::wasi::WasiCtx;
use crate::wasi::ctx::IoError;
use crate::wasi::error_code::ErrorCode;
use crate::wasi::filesystem::{Descriptor, DescriptorFlags, DirectoryEntryStream, OpenFlags};

/// The `descriptor` a method was called on.
type This = Resource<Descriptor>;
/// The result of most filesystem functions.
type FsResult<V> = Result<(Result<V, ErrorCode>,), Error>;

pub(super) fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "filesystem/types")?;
    resource::<T, Descriptor>(&mut i, "descriptor", |cx, r| {
        cx.descriptors.remove(r).map(drop)
    })?;
    resource::<T, DirectoryEntryStream>(&mut i, "directory-entry-stream", |cx, r| {
        cx.directory_streams.remove(r).map(drop)
    })?;
    add_descriptor_methods(&mut i)?;
    add_descriptor_path_methods(&mut i)?;
    typed(
        &mut i,
        "[method]directory-entry-stream.read-directory-entry",
        |cx, (this,): (Resource<DirectoryEntryStream>,)| {
            let stream = live_mut(cx.directory_streams.get_mut(rep_of(this)))?;
            let entry = stream
                .entries
                .pop_front()
                .map(|(kind, name)| DirectoryEntry { kind, name });
            Ok((Ok::<_, ErrorCode>(entry),))
        },
    )?;
    typed(
        &mut i,
        "filesystem-error-code",
        |cx, (error,): (Resource<IoError>,)| {
            let error: &IoError = live(cx.errors.get(rep_of(error)))?;
            Ok((error.code,))
        },
    )?;

    let mut i = interface(linker, "filesystem/preopens")?;
    typed(&mut i, "get-directories", |cx, ()| {
        let preopens = cx.preopens.clone();
        let list: Vec<(Resource<Descriptor>, String)> = preopens
            .into_iter()
            .map(|preopen| {
                let descriptor = cx.descriptors.push(Descriptor::preopen(&preopen.dir));
                (own_of(descriptor), preopen.guest)
            })
            .collect();
        Ok((list,))
    })
}

/// Registers `[method]descriptor.<name>`.
fn method<T, P, R>(
    i: &mut LinkerInstance<'_, T>,
    name: &str,
    body: fn(&mut WasiCtx, P) -> Result<R, Error>,
) -> Result<(), Error>
where
    T: WasiView + 'static,
    P: ComponentParams + 'static,
    R: ComponentResult + 'static,
{
    typed(i, &format!("[method]descriptor.{name}"), body)
}

/// The `descriptor` methods that act on the descriptor itself.
fn add_descriptor_methods<T: WasiView + 'static>(
    i: &mut LinkerInstance<'_, T>,
) -> Result<(), Error> {
    method(i, "read-via-stream", |cx, (this, offset): (This, u64)| {
        let stream = this_of(cx, this)?.read_via_stream(offset);
        Ok((stream.map(|s| own_of(cx.input_streams.push(s))),))
    })?;
    method(i, "write-via-stream", |cx, (this, offset): (This, u64)| {
        let stream = this_of(cx, this)?.write_via_stream(Some(offset));
        Ok((stream.map(|s| own_of(cx.output_streams.push(s))),))
    })?;
    method(i, "append-via-stream", |cx, (this,): (This,)| {
        let stream = this_of(cx, this)?.write_via_stream(None);
        Ok((stream.map(|s| own_of(cx.output_streams.push(s))),))
    })?;
    method(
        i,
        "advise",
        |cx, (this, _, _, _): (This, u64, u64, Advice)| -> FsResult<()> {
            this_of(cx, this)?;
            Ok((Ok(()),))
        },
    )?;
    for name in ["sync-data", "sync"] {
        method(i, name, |cx, (this,): (This,)| {
            Ok((this_of(cx, this)?.sync(),))
        })?;
    }
    method(
        i,
        "get-flags",
        |cx, (this,): (This,)| -> FsResult<DescriptorFlags> {
            Ok((Ok(this_of(cx, this)?.flags()),))
        },
    )?;
    method(i, "get-type", |cx, (this,): (This,)| {
        Ok((this_of(cx, this)?.stat().map(|s| s.kind),))
    })?;
    method(i, "set-size", |cx, (this, size): (This, u64)| {
        Ok((this_of(cx, this)?.set_size(size),))
    })?;
    method(
        i,
        "set-times",
        |cx, (this, accessed, modified): (This, NewTimestamp, NewTimestamp)| {
            Ok((this_of(cx, this)?.set_times(accessed.into(), modified.into()),))
        },
    )?;
    method(i, "read", |cx, (this, length, offset): (This, u64, u64)| {
        Ok((this_of(cx, this)?.read(length, offset),))
    })?;
    method(
        i,
        "write",
        |cx, (this, data, offset): (This, Vec<u8>, u64)| {
            Ok((this_of(cx, this)?.write(&data, offset),))
        },
    )?;
    method(i, "read-directory", |cx, (this,): (This,)| {
        let stream = this_of(cx, this)?.read_directory();
        Ok((stream.map(|s| own_of(cx.directory_streams.push(s))),))
    })?;
    method(i, "stat", |cx, (this,): (This,)| {
        Ok((this_of(cx, this)?.stat().map(Stat::from),))
    })?;
    method(i, "metadata-hash", |cx, (this,): (This,)| {
        Ok((this_of(cx, this)?.metadata_hash().map(MetadataHash::from),))
    })?;
    method(i, "is-same-object", |cx, (this, other): (This, This)| {
        let other = this_of(cx, other)?;
        Ok((this_of(cx, this)?.is_same_object(other),))
    })
}

/// The `descriptor` methods that name a path relative to a directory.
fn add_descriptor_path_methods<T: WasiView + 'static>(
    i: &mut LinkerInstance<'_, T>,
) -> Result<(), Error> {
    method(
        i,
        "set-times-at",
        |cx,
         (this, flags, path, accessed, modified): (
            This,
            PathFlags,
            String,
            NewTimestamp,
            NewTimestamp,
        )| {
            let this = this_of(cx, this)?;
            let result = this.set_times_at(
                &path,
                flags.symlink_follow,
                accessed.into(),
                modified.into(),
            );
            Ok((result,))
        },
    )?;
    method(
        i,
        "symlink-at",
        |cx, (this, old_path, new_path): (This, String, String)| {
            Ok((this_of(cx, this)?.symlink_at(&old_path, &new_path),))
        },
    )?;
    method(
        i,
        "create-directory-at",
        |cx, (this, path): (This, String)| Ok((this_of(cx, this)?.create_directory_at(&path),)),
    )?;
    method(
        i,
        "remove-directory-at",
        |cx, (this, path): (This, String)| Ok((this_of(cx, this)?.remove_directory_at(&path),)),
    )?;
    method(i, "unlink-file-at", |cx, (this, path): (This, String)| {
        Ok((this_of(cx, this)?.unlink_file_at(&path),))
    })?;
    method(i, "readlink-at", |cx, (this, path): (This, String)| {
        Ok((this_of(cx, this)?.readlink_at(&path),))
    })?;
    method(
        i,
        "stat-at",
        |cx, (this, flags, path): (This, PathFlags, String)| {
            let result = this_of(cx, this)?.stat_at(&path, flags.symlink_follow);
            Ok((result.map(Stat::from),))
        },
    )?;
    method(
        i,
        "metadata-hash-at",
        |cx, (this, flags, path): (This, PathFlags, String)| {
            let result = this_of(cx, this)?.metadata_hash_at(&path, flags.symlink_follow);
            Ok((result.map(MetadataHash::from),))
        },
    )?;
    method(i, "open-at", open_at)?;
    method(
        i,
        "rename-at",
        |cx, (this, from, to, to_path): (This, String, This, String)| {
            let to = this_of(cx, to)?;
            Ok((this_of(cx, this)?.rename_at(&from, to, &to_path),))
        },
    )?;
    method(
        i,
        "link-at",
        |cx, (this, _, from, to, to_path): (This, PathFlags, String, This, String)| {
            let to = this_of(cx, to)?;
            Ok((this_of(cx, this)?.link_at(&from, to, &to_path),))
        },
    )
}

/// `open-at(path-flags, path, open-flags, descriptor-flags)`.
fn open_at(
    cx: &mut WasiCtx,
    (this, path_flags, path, open, flags): (This, PathFlags, String, OpenFlags, DescriptorFlags),
) -> FsResult<Resource<Descriptor>> {
    let opened = this_of(cx, this)?.open_at(&path, path_flags.symlink_follow, open, flags);
    Ok((opened.map(|d| own_of(cx.descriptors.push(d))),))
}

/// The live descriptor behind a handle the guest passed.
fn this_of(cx: &WasiCtx, this: This) -> Result<&Descriptor, Error> {
    live(cx.descriptors.get(rep_of(this)))
}
