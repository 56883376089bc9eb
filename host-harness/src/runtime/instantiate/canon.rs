//! Instantiating `canon` definitions: `lift` makes a component function,
//! `lower` and the built-ins make core functions.

use std::sync::Arc;

use super::core::CoreFuncDef;
use super::{Instantiator, link_err};
use crate::engine::{self, CoreFunc};
use crate::error::Error;
use crate::runtime::concurrency::builtins as concurrency;
use crate::runtime::concurrency::stream::EndKind;
use crate::runtime::concurrency::thread::{self, Leave, Target};
use crate::runtime::items::RtType;
use crate::runtime::{FuncData, LiftedFunc, RtOptions, builtins, lower};
use crate::translate::def::*;
use crate::types::{FuncType, Type};

impl<T: 'static> Instantiator<'_, T> {
    pub(super) fn lift(
        &mut self,
        core_func: CoreFuncIdx,
        ty: &FuncType,
        options: &CanonOptions,
    ) -> Result<(), Error> {
        let core = self.core_func(core_func)?;
        let core_results = engine::func_type(&*self.store, &core).results().into();
        let lifted = LiftedFunc {
            instance: self.id,
            core,
            core_results,
            ty: ty.clone(),
            opts: self.options(options)?,
            name: (self.closure.def.names.funcs)
                .get(&self.s.funcs.next_key())
                .cloned(),
        };
        let data = FuncData::Lifted(Arc::new(lifted));
        let id = self.store.data_mut().rt.add_func(data);
        self.s.funcs.push(id);
        Ok(())
    }

    pub(super) fn lower(
        &mut self,
        func: FuncIdx,
        ty: &FuncType,
        options: &CanonOptions,
    ) -> Result<(), Error> {
        let callee = self.s.funcs[func];
        let opts = self.options(options)?;
        // A host function learns its type from the first lowering.
        if let FuncData::Host { ty: host_ty, .. } = &mut self.store.data_mut().rt.funcs[callee]
            && host_ty.is_none()
        {
            *host_ty = Some(ty.clone());
        }
        let f = lower::lowered_import(self.store, self.id, callee, ty.clone(), opts)?;
        self.s.core_funcs.push(CoreFuncDef::Func(f));
        Ok(())
    }

    pub(super) fn builtin(&mut self, b: &Builtin) -> Result<CoreFuncDef, Error> {
        if b.uses_threads() {
            self.store.data_mut().rt.instance(self.id).uses_threads = true;
        }
        let resource = |s: &Self, t: TypeIdx| match s.s.types.get(t) {
            Some(RtType::Resource(r)) => Ok(*r),
            _ => Err(link_err("canon resource built-in on a non-resource type")),
        };
        Ok(CoreFuncDef::Func(match b {
            Builtin::ResourceNew(t) => {
                let ty = resource(self, *t)?;
                builtins::resource_new(self.store, self.id, ty)
            }
            Builtin::ResourceDrop(t) => {
                let ty = resource(self, *t)?;
                builtins::resource_drop(self.store, self.id, ty)
            }
            Builtin::ResourceRep(t) => {
                let ty = resource(self, *t)?;
                builtins::resource_rep(self.store, self.id, ty)
            }
            Builtin::ContextGet { slot, wide } => builtins::context_get(self.store, *slot, *wide),
            Builtin::ContextSet { slot, wide } => builtins::context_set(self.store, *slot, *wide),
            Builtin::BackpressureInc => builtins::backpressure(self.store, self.id, 1),
            Builtin::BackpressureDec => builtins::backpressure(self.store, self.id, -1),
            Builtin::TaskReturn { result, options } => {
                let opts = self.options(options)?;
                builtins::task_return(self.store, self.id, result.clone(), opts)
            }
            Builtin::WaitableSetNew => concurrency::waitable_set_new(self.store, self.id),
            Builtin::WaitableSetDrop => concurrency::waitable_set_drop(self.store, self.id),
            Builtin::WaitableJoin => concurrency::waitable_join(self.store, self.id),
            Builtin::SubtaskDrop => concurrency::subtask_drop(self.store, self.id),
            Builtin::WaitableSetWait {
                poll,
                cancellable,
                memory,
            } => {
                let memory = self.s.core_memories[*memory];
                concurrency::waitable_set_wait(self.store, self.id, memory, *poll, *cancellable)
            }
            Builtin::ThreadYield { cancellable } => {
                concurrency::thread_yield(self.store, self.id, *cancellable)
            }
            Builtin::ThreadIndex => thread::thread_index(self.store, self.id),
            Builtin::ThreadNewIndirect { table, wide } => {
                let Some(table) = engine::extern_table(&self.s.core_tables[*table]) else {
                    return Err(link_err(
                        "thread.new-indirect on a core item that is not a table",
                    ));
                };
                thread::thread_new_indirect(self.store, self.id, table, *wide)
            }
            Builtin::ThreadResumeLater => thread::thread_resume_later(self.store, self.id),
            Builtin::ThreadSwitch { op, cancellable } => {
                let (leave, target) = match op {
                    ThreadSwitch::Suspend => (Leave::Suspend, Target::None),
                    ThreadSwitch::SuspendThenResume => (Leave::Suspend, Target::Resume),
                    ThreadSwitch::YieldThenResume => (Leave::Yield, Target::Resume),
                    ThreadSwitch::SuspendThenPromote => (Leave::Suspend, Target::Promote),
                    ThreadSwitch::YieldThenPromote => (Leave::Yield, Target::Promote),
                };
                thread::thread_switch(self.store, self.id, leave, target, *cancellable)
            }
            Builtin::SubtaskCancel { is_async } => {
                concurrency::subtask_cancel(self.store, self.id, *is_async)
            }
            Builtin::TaskCancel => concurrency::task_cancel(self.store, self.id),
            Builtin::ErrorContextNew(o) => {
                let opts = self.options(o)?;
                concurrency::error_context_new(self.store, self.id, opts)
            }
            Builtin::ErrorContextDebugMessage(o) => {
                let opts = self.options(o)?;
                concurrency::error_context_debug_message(self.store, self.id, opts)
            }
            Builtin::ErrorContextDrop => concurrency::error_context_drop(self.store, self.id),
            Builtin::Channel { ty, op } => self.channel(ty, op)?,
            Builtin::Unsupported(name) => return Ok(CoreFuncDef::Unsupported(name.clone())),
        }))
    }

    /// The core function of a `stream.*` / `future.*` built-in.
    fn channel(&mut self, ty: &Type, op: &ChannelOp) -> Result<CoreFunc, Error> {
        let (future, elem) = match ty {
            Type::Stream(t) => (false, t.as_deref().cloned()),
            Type::Future(t) => (true, t.as_deref().cloned()),
            _ => return Err(link_err("stream or future built-in on another type")),
        };
        let kind = |readable| EndKind { future, readable };
        Ok(match op {
            ChannelOp::New => concurrency::channel_new(self.store, self.id, future, elem),
            ChannelOp::Read(o) => {
                let opts = self.options(o)?;
                concurrency::channel_copy(self.store, self.id, kind(true), opts)
            }
            ChannelOp::Write(o) => {
                let opts = self.options(o)?;
                concurrency::channel_copy(self.store, self.id, kind(false), opts)
            }
            ChannelOp::CancelRead { is_async } => {
                concurrency::channel_cancel(self.store, self.id, kind(true), *is_async)
            }
            ChannelOp::CancelWrite { is_async } => {
                concurrency::channel_cancel(self.store, self.id, kind(false), *is_async)
            }
            ChannelOp::DropReadable => concurrency::channel_drop(self.store, self.id, kind(true)),
            ChannelOp::DropWritable => concurrency::channel_drop(self.store, self.id, kind(false)),
        })
    }

    fn options(&self, o: &CanonOptions) -> Result<RtOptions, Error> {
        let func = |i: Option<CoreFuncIdx>| i.map(|i| self.core_func(i)).transpose();
        Ok(RtOptions {
            encoding: o.encoding,
            memory: o.memory.map(|m| self.s.core_memories[m]),
            realloc: func(o.realloc)?,
            post_return: func(o.post_return)?,
            is_async: o.is_async,
            callback: func(o.callback)?,
        })
    }

    pub(super) fn core_func(&self, i: CoreFuncIdx) -> Result<CoreFunc, Error> {
        match &self.s.core_funcs[i] {
            CoreFuncDef::Func(f) => Ok(*f),
            CoreFuncDef::Unsupported(name) => Err(link_err(format!(
                "`{name}` cannot be used as a canonical option yet"
            ))),
        }
    }
}
