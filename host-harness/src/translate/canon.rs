//! Translating the canonical section: `canon lift`/`lower` and built-ins.

use wasmparser::{CanonicalFunction, CanonicalOption};

use super::builder::{Builder, Fixup, placeholder};
use super::def::*;

fn options(opts: &[CanonicalOption]) -> CanonOptions {
    let mut out = CanonOptions {
        encoding: StringEncoding::Utf8,
        memory: None,
        realloc: None,
        post_return: None,
        is_async: false,
        callback: None,
    };
    for opt in opts {
        match opt {
            CanonicalOption::UTF8 => out.encoding = StringEncoding::Utf8,
            CanonicalOption::UTF16 => out.encoding = StringEncoding::Utf16,
            CanonicalOption::CompactUTF16 => out.encoding = StringEncoding::Latin1Utf16,
            CanonicalOption::Memory(m) => out.memory = Some(CoreMemoryIdx::from_u32(*m)),
            CanonicalOption::Realloc(f) => out.realloc = Some(CoreFuncIdx::from_u32(*f)),
            CanonicalOption::PostReturn(f) => out.post_return = Some(CoreFuncIdx::from_u32(*f)),
            CanonicalOption::Async => out.is_async = true,
            CanonicalOption::Callback(f) => out.callback = Some(CoreFuncIdx::from_u32(*f)),
            CanonicalOption::CoreType(_) | CanonicalOption::Gc => {}
        }
    }
    out
}

impl Builder {
    pub(super) fn canon(&mut self, canon: CanonicalFunction) {
        use CanonicalFunction as C;
        let init = match canon {
            C::Lift {
                core_func_index,
                type_index,
                options: opts,
            } => {
                let init = Init::Lift {
                    core_func: CoreFuncIdx::from_u32(core_func_index),
                    ty: placeholder(),
                    options: options(&opts),
                };
                return self.push_fixup(init, Fixup::TypeIndex(TypeIdx::from_u32(type_index)));
            }
            C::Lower {
                func_index,
                options: opts,
            } => {
                let init = Init::Lower {
                    func: FuncIdx::from_u32(func_index),
                    ty: placeholder(),
                    options: options(&opts),
                };
                return self.push_fixup(init, Fixup::FuncIndex(FuncIdx::from_u32(func_index)));
            }
            C::ResourceNew { resource } => Builtin::ResourceNew(TypeIdx::from_u32(resource)),
            C::ResourceDrop { resource } => Builtin::ResourceDrop(TypeIdx::from_u32(resource)),
            C::ResourceRep { resource } => Builtin::ResourceRep(TypeIdx::from_u32(resource)),
            C::ContextGet { ty, slot } => Builtin::ContextGet {
                slot,
                wide: ty == wasmparser::ValType::I64,
            },
            C::ContextSet { ty, slot } => Builtin::ContextSet {
                slot,
                wide: ty == wasmparser::ValType::I64,
            },
            C::BackpressureInc => Builtin::BackpressureInc,
            C::TaskReturn {
                result,
                options: opts,
            } => {
                self.task_returns.push((self.inits.len(), result));
                Builtin::TaskReturn {
                    result: None,
                    options: options(&opts),
                }
            }
            C::BackpressureDec => Builtin::BackpressureDec,
            C::WaitableSetNew => Builtin::WaitableSetNew,
            C::WaitableSetDrop => Builtin::WaitableSetDrop,
            C::WaitableJoin => Builtin::WaitableJoin,
            C::SubtaskDrop => Builtin::SubtaskDrop,
            C::WaitableSetWait {
                cancellable,
                memory,
            } => Builtin::WaitableSetWait {
                poll: false,
                cancellable,
                memory: CoreMemoryIdx::from_u32(memory),
            },
            C::WaitableSetPoll {
                cancellable,
                memory,
            } => Builtin::WaitableSetWait {
                poll: true,
                cancellable,
                memory: CoreMemoryIdx::from_u32(memory),
            },
            C::ThreadYield { cancellable } => Builtin::ThreadYield { cancellable },
            C::ThreadIndex => Builtin::ThreadIndex,
            C::ThreadNewIndirect {
                func_ty_index,
                table_index,
            } => {
                self.thread_start_types
                    .push((self.inits.len(), func_ty_index));
                Builtin::ThreadNewIndirect {
                    table: CoreTableIdx::from_u32(table_index),
                    wide: false,
                }
            }
            C::ThreadResumeLater => Builtin::ThreadResumeLater,
            C::ThreadSuspend { cancellable } => switch(ThreadSwitch::Suspend, cancellable),
            C::ThreadSuspendThenResume { cancellable } => {
                switch(ThreadSwitch::SuspendThenResume, cancellable)
            }
            C::ThreadYieldThenResume { cancellable } => {
                switch(ThreadSwitch::YieldThenResume, cancellable)
            }
            C::ThreadSuspendThenPromote { cancellable } => {
                switch(ThreadSwitch::SuspendThenPromote, cancellable)
            }
            C::ThreadYieldThenPromote { cancellable } => {
                switch(ThreadSwitch::YieldThenPromote, cancellable)
            }
            C::SubtaskCancel { async_ } => Builtin::SubtaskCancel { is_async: async_ },
            C::TaskCancel => Builtin::TaskCancel,
            C::ErrorContextNew { options: o } => Builtin::ErrorContextNew(options(&o)),
            C::ErrorContextDebugMessage { options: o } => {
                Builtin::ErrorContextDebugMessage(options(&o))
            }
            C::ErrorContextDrop => Builtin::ErrorContextDrop,
            C::StreamNew { ty } | C::FutureNew { ty } => self.channel(ty, ChannelOp::New),
            C::StreamRead { ty, options: o } | C::FutureRead { ty, options: o } => {
                self.channel(ty, ChannelOp::Read(options(&o)))
            }
            C::StreamWrite { ty, options: o } | C::FutureWrite { ty, options: o } => {
                self.channel(ty, ChannelOp::Write(options(&o)))
            }
            C::StreamCancelRead { ty, async_ } | C::FutureCancelRead { ty, async_ } => {
                self.channel(ty, ChannelOp::CancelRead { is_async: async_ })
            }
            C::StreamCancelWrite { ty, async_ } | C::FutureCancelWrite { ty, async_ } => {
                self.channel(ty, ChannelOp::CancelWrite { is_async: async_ })
            }
            C::StreamDropReadable { ty } | C::FutureDropReadable { ty } => {
                self.channel(ty, ChannelOp::DropReadable)
            }
            C::StreamDropWritable { ty } | C::FutureDropWritable { ty } => {
                self.channel(ty, ChannelOp::DropWritable)
            }
            other => Builtin::Unsupported(unsupported_name(&other)),
        };
        self.push(Init::Builtin(init));
    }
}

fn switch(op: ThreadSwitch, cancellable: bool) -> Builtin {
    Builtin::ThreadSwitch { op, cancellable }
}

impl Builder {
    /// A stream/future built-in on type index `ty`, resolved when the
    /// component's types are known.
    fn channel(&mut self, ty: u32, op: ChannelOp) -> Builtin {
        self.channel_types.push((self.inits.len(), ty));
        Builtin::Channel {
            ty: crate::types::Type::Bool,
            op,
        }
    }
}

/// A readable name for a built-in that only the async scheduler implements.
fn unsupported_name(canon: &CanonicalFunction) -> String {
    let debug = format!("{canon:?}");
    debug
        .split([' ', '{', '('])
        .next()
        .unwrap_or("builtin")
        .to_string()
}
