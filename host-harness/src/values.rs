//! Dynamic component values ([`Val`]) and host resource handles.
//!
//! A [`Val`] is what the host sees of a component value after lifting and
//! what it provides before lowering. Resources cross the boundary as a
//! [`ResourceAny`] (type identity + representation + ownership);
//! [`Resource<R>`] is its statically typed form for host-defined resources.

use std::marker::PhantomData;

use crate::error::{CallError, Error};
use crate::types::ResourceType;

/// A component value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A `bool`.
    Bool(bool),
    /// An `s8`.
    S8(i8),
    /// A `u8`.
    U8(u8),
    /// An `s16`.
    S16(i16),
    /// A `u16`.
    U16(u16),
    /// An `s32`.
    S32(i32),
    /// A `u32`.
    U32(u32),
    /// An `s64`.
    S64(i64),
    /// A `u64`.
    U64(u64),
    /// An `f32`; NaNs cross the boundary canonicalised.
    Float32(f32),
    /// An `f64`; NaNs cross the boundary canonicalised.
    Float64(f64),
    /// A `char`.
    Char(char),
    /// A `string`.
    String(String),
    /// A `list<T>` or fixed-length `list<T, N>`.
    List(Vec<Val>),
    /// A `record`: field names and values, in the type's order.
    Record(Vec<(String, Val)>),
    /// A `tuple<...>`; the empty tuple also stands for "no payload".
    Tuple(Vec<Val>),
    /// A `variant` case by name, with its payload if the case has one.
    Variant(String, Option<Box<Val>>),
    /// An `enum` case by name.
    Enum(String),
    /// An `option<T>`.
    Option(Option<Box<Val>>),
    /// A `result<T, E>`, each side with its payload if the type has one.
    Result(Result<Option<Box<Val>>, Option<Box<Val>>>),
    /// A `flags` value: the names of the flags that are set.
    Flags(Vec<String>),
    /// An `own` or `borrow` handle.
    Resource(ResourceAny),
    /// The readable end of a `stream<T>`, passed on.
    Stream(ReadableEnd),
    /// The readable end of a `future<T>`, passed on.
    Future(ReadableEnd),
    /// An `error-context`.
    ErrorContext(ErrorContext),
}

/// An `error-context` value: its debug message. Passing one on copies it
/// (the sender keeps its handle, CanonicalABI.md `lift_error_context`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorContext {
    debug_message: std::sync::Arc<str>,
}

impl ErrorContext {
    /// An error context with this debug message, to pass to a guest.
    pub fn new(debug_message: &str) -> Self {
        Self {
            debug_message: debug_message.into(),
        }
    }

    /// The debug message (`error-context.debug-message`).
    pub fn debug_message(&self) -> &str {
        &self.debug_message
    }
}

/// The readable end of a stream or future moving between instances: which
/// stream or future of which store it reads from. The end leaves the
/// sender's handle table when lifted and joins the receiver's when
/// lowered; another store refuses it ([`CallError::WrongStore`](crate::CallError)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadableEnd {
    pub(crate) store: crate::runtime::StoreId,
    pub(crate) channel: crate::runtime::concurrency::stream::ChannelId,
}

/// A resource handle held by the host: which resource type, the guest- or
/// host-chosen representation, and whether the host owns it or borrows it
/// for the duration of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceAny {
    pub(crate) ty: ResourceType,
    pub(crate) rep: u32,
    pub(crate) own: bool,
    /// For a handle lifted out of a guest: the store it belongs to and, if
    /// owned, its entry in the store's register of host-held handles
    /// (`Runtime::hold`), so that a handle used after it was dropped or
    /// passed on, or in another store, is refused.
    pub(crate) origin: Option<(crate::runtime::StoreId, Option<u64>)>,
}

impl ResourceAny {
    /// The resource's runtime type.
    pub fn ty(&self) -> ResourceType {
        self.ty
    }

    /// The representation (`resource.rep` of the defining component, or the
    /// host's key for host resources).
    pub fn rep(&self) -> u32 {
        self.rep
    }

    /// Whether the holder owns the resource (`own<T>`) rather than borrows it.
    pub fn owned(&self) -> bool {
        self.own
    }
}

/// A typed handle to a host resource whose host-side value has type `R`.
///
/// The guest only ever sees `rep`; the host typically uses it as a key into a
/// [`ResourceTable`](crate::ResourceTable).
pub struct Resource<R> {
    rep: u32,
    own: bool,
    marker: PhantomData<fn() -> R>,
}

impl<R: 'static> Resource<R> {
    /// An owned handle with representation `rep`, to return to a guest.
    pub fn new_own(rep: u32) -> Self {
        Self {
            rep,
            own: true,
            marker: PhantomData,
        }
    }

    /// A borrowed handle with representation `rep`.
    pub fn new_borrow(rep: u32) -> Self {
        Self {
            rep,
            own: false,
            marker: PhantomData,
        }
    }

    /// The representation the guest's handle maps to.
    pub fn rep(&self) -> u32 {
        self.rep
    }

    /// Whether this handle is owned.
    pub fn owned(&self) -> bool {
        self.own
    }

    /// The dynamic form, for building a [`Val::Resource`].
    pub fn into_any(self) -> ResourceAny {
        ResourceAny {
            ty: ResourceType::host::<R>(),
            rep: self.rep,
            own: self.own,
            origin: None,
        }
    }

    /// Recovers a typed handle from a lifted value.
    ///
    /// # Errors
    ///
    /// [`CallError::TypeMismatch`] if `any` is not a resource of type `R`.
    pub fn try_from_any(any: ResourceAny) -> Result<Self, Error> {
        if any.ty != ResourceType::host::<R>() {
            return Err(CallError::TypeMismatch(format!(
                "resource is not a host resource of type `{}`",
                std::any::type_name::<R>()
            ))
            .into());
        }
        Ok(Self {
            rep: any.rep,
            own: any.own,
            marker: PhantomData,
        })
    }
}

impl<R> Clone for Resource<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Resource<R> {}

impl<R> std::fmt::Debug for Resource<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resource")
            .field("rep", &self.rep)
            .field("own", &self.own)
            .finish()
    }
}
