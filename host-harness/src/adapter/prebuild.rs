//! Adapters compiled when a [`Component`](crate::Component) is loaded.
//!
//! Inside one component binary, many pairings of a `canon lower` with a
//! `canon lift` of another instance are fixed by the binary itself: a
//! parent instantiates two children and passes one's export to the other,
//! or lowers a child's export itself. [`prebuild`] walks the component's
//! initialisers in the order instantiation (`runtime::instantiate`) will,
//! with static stand-ins for the run-time items: which `canon lift` a
//! function index denotes and in which instance, which instance nests in
//! which, whether a core memory is 64-bit, whether an instance defines a
//! thread built-in. Every lowering whose callee it can follow is routed by
//! the same rule as at instantiation ([`Pairing::route`]), and its module
//! is compiled into the engine's [`AdapterCache`], so instantiating the
//! component only instantiates modules.
//!
//! What the binary leaves open is not followed: a pairing only known at
//! link time (`weft run --link`, `Linker::define_instance`, a component or
//! function passed in as an import) compiles at its first instantiation,
//! into the same cache, and every later one reuses it.

use std::collections::HashMap;
use std::sync::Arc;

use super::signature::SideOptions;
use super::{AdapterCache, Pairing, Relation};
use crate::engine::{self, CoreEngine, CoreModule};
use crate::index::PrimaryMap;
use crate::runtime::semver;
use crate::translate::ComponentDef;
use crate::translate::def::*;
use crate::types::FuncType;

/// The most component instances the walk follows: instantiation counts
/// and limits its instances in the store, the walk stops here instead (a
/// binary that instantiates children in a deep tree could otherwise make
/// loading take exponential time). Lowerings past it compile when
/// instantiated.
const MAX_INSTANCES: usize = 10_000;

/// Compiles into `cache` the adapters of every pairing `def` fixes; returns
/// how many modules this compiled (signatures already in the cache do not
/// count).
pub(crate) fn prebuild(
    engine: &CoreEngine,
    cache: &AdapterCache,
    def: &Arc<ComponentDef>,
) -> usize {
    let before = cache.len();
    let mut walk = Walk {
        engine,
        cache,
        instances: Vec::new(),
    };
    let root = Closure {
        def: def.clone(),
        outer: None,
    };
    walk.instantiate(&root, &HashMap::new(), None);
    cache.len() - before
}

/// A function lifted by an instance of the walk.
#[derive(Debug)]
struct Lift {
    instance: usize,
    ty: FuncType,
    /// `None` when the width of its memory is not known here.
    side: Option<SideOptions>,
}

/// What the walk knows of one component-level item. `None` stands for an
/// item supplied from outside the binary (the root's imports) or one the
/// walk does not follow.
#[derive(Debug, Clone)]
enum Item {
    Func(Option<Arc<Lift>>),
    Instance(Option<Arc<Exports>>),
    Component(Option<Closure>),
    Module(Option<CoreModule>),
    /// Types and values: nothing routing depends on.
    Other,
}

type Exports = Vec<(String, Item)>;

/// A nested component definition and the spaces its outer aliases see.
#[derive(Debug, Clone)]
struct Closure {
    def: Arc<ComponentDef>,
    outer: Option<Arc<Outer>>,
}

/// The module and component spaces of an enclosing component, when a
/// nested definition was reached.
#[derive(Debug)]
struct Outer {
    modules: PrimaryMap<ModuleIdx, Option<CoreModule>>,
    components: PrimaryMap<ComponentIdx, Option<Closure>>,
    parent: Option<Arc<Outer>>,
}

/// A core instance, as far as the widths of its memories go.
enum CoreInstance {
    /// An instance of this module (if known).
    Module(Option<CoreModule>),
    /// A bundle of exports: its memories' widths, by name.
    Memories(Vec<(String, Option<bool>)>),
}

/// One component instance of the walk.
struct Instance {
    parent: Option<usize>,
    uses_threads: bool,
}

struct Walk<'a> {
    engine: &'a CoreEngine,
    cache: &'a AdapterCache,
    instances: Vec<Instance>,
}

/// The index spaces of one instance of the walk (see `runtime::instantiate`).
#[derive(Default)]
struct Spaces {
    funcs: PrimaryMap<FuncIdx, Option<Arc<Lift>>>,
    instances: PrimaryMap<InstanceIdx, Option<Arc<Exports>>>,
    components: PrimaryMap<ComponentIdx, Option<Closure>>,
    modules: PrimaryMap<ModuleIdx, Option<CoreModule>>,
    core_instances: PrimaryMap<CoreInstanceIdx, CoreInstance>,
    /// Whether each core memory is 64-bit, if known.
    core_memories: PrimaryMap<CoreMemoryIdx, Option<bool>>,
}

impl Spaces {
    fn item(&self, r: ItemRef) -> Item {
        match r {
            ItemRef::Func(i) => Item::Func(self.funcs.get(i).cloned().flatten()),
            ItemRef::Instance(i) => Item::Instance(self.instances.get(i).cloned().flatten()),
            ItemRef::Component(i) => Item::Component(self.components.get(i).cloned().flatten()),
            ItemRef::Module(i) => Item::Module(self.modules.get(i).cloned().flatten()),
            ItemRef::Type(_) | ItemRef::Value => Item::Other,
        }
    }

    /// Adds `item` to the space of `sort` (an unknown item if it is of
    /// another sort, which instantiation refuses).
    fn push(&mut self, sort: Sort, item: Item) {
        match (sort, item) {
            (Sort::Func, Item::Func(f)) => {
                self.funcs.push(f);
            }
            (Sort::Func, _) => {
                self.funcs.push(None);
            }
            (Sort::Instance, Item::Instance(e)) => {
                self.instances.push(e);
            }
            (Sort::Instance, _) => {
                self.instances.push(None);
            }
            (Sort::Component, Item::Component(c)) => {
                self.components.push(c);
            }
            (Sort::Component, _) => {
                self.components.push(None);
            }
            (Sort::Module, Item::Module(m)) => {
                self.modules.push(m);
            }
            (Sort::Module, _) => {
                self.modules.push(None);
            }
            (Sort::Type | Sort::Value, _) => {}
        }
    }

    /// Whether core memory `m` is 64-bit, if known.
    fn memory64(&self, m: CoreMemoryIdx) -> Option<bool> {
        self.core_memories.get(m).copied().flatten()
    }

    /// One side's options as `o` states them, if its memory's width is known.
    fn side(&self, o: &CanonOptions) -> Option<SideOptions> {
        SideOptions::of_canon(o, o.memory.and_then(|m| self.memory64(m)))
    }

    /// The width of the memory that core instance `instance` exports as
    /// `name`, if known.
    fn exported_memory64(&self, instance: CoreInstanceIdx, name: &str) -> Option<bool> {
        match self.core_instances.get(instance)? {
            CoreInstance::Module(m) => engine::module_memory_is_64(m.as_ref()?, name),
            CoreInstance::Memories(ms) => ms.iter().find(|(n, _)| n == name)?.1,
        }
    }
}

impl Walk<'_> {
    /// Walks one instantiation of `closure` with `args`, as a child of
    /// `parent`; returns its exports (`None` past [`MAX_INSTANCES`]).
    fn instantiate(
        &mut self,
        closure: &Closure,
        args: &HashMap<String, Item>,
        parent: Option<usize>,
    ) -> Option<Arc<Exports>> {
        if self.instances.len() >= MAX_INSTANCES {
            return None;
        }
        let id = self.instances.len();
        self.instances.push(Instance {
            parent,
            uses_threads: false,
        });
        let mut s = Spaces::default();
        let mut exports = Exports::new();
        for init in &closure.def.inits {
            self.init(id, closure, &mut s, &mut exports, init, args);
        }
        Some(Arc::new(exports))
    }

    /// Mirrors `Instantiator::init` for one initialiser.
    fn init(
        &mut self,
        id: usize,
        closure: &Closure,
        s: &mut Spaces,
        exports: &mut Exports,
        init: &Init,
        args: &HashMap<String, Item>,
    ) {
        match init {
            Init::Import { name, sort, .. } => {
                let item = args.get(name).cloned().unwrap_or(Item::Other);
                s.push(*sort, item);
            }
            Init::Type { .. } => {}
            Init::CoreModule(i) => {
                s.modules.push(closure.def.modules.get(*i).cloned());
            }
            Init::CoreInstantiate { module, .. } => {
                let m = s.modules.get(*module).cloned().flatten();
                s.core_instances.push(CoreInstance::Module(m));
            }
            Init::CoreInstanceFromExports(items) => {
                let memories = items.iter().filter_map(|(name, r)| match r {
                    CoreItemRef::Memory(m) => Some((name.clone(), s.memory64(*m))),
                    CoreItemRef::Func(_)
                    | CoreItemRef::Table(_)
                    | CoreItemRef::Global(_)
                    | CoreItemRef::Tag(_) => None,
                });
                let memories = CoreInstance::Memories(memories.collect());
                s.core_instances.push(memories);
            }
            Init::CoreAlias {
                instance,
                name,
                sort,
            } => match sort {
                CoreSort::Memory => {
                    let wide = s.exported_memory64(*instance, name);
                    s.core_memories.push(wide);
                }
                CoreSort::Func | CoreSort::Table | CoreSort::Global | CoreSort::Tag => {}
            },
            Init::Component(i) => {
                let closure = closure.def.components.get(*i).map(|def| Closure {
                    def: def.clone(),
                    outer: Some(Arc::new(Outer {
                        modules: s.modules.clone(),
                        components: s.components.clone(),
                        parent: closure.outer.clone(),
                    })),
                });
                s.components.push(closure);
            }
            Init::Instantiate { component, args } => {
                let child = s.components.get(*component).cloned().flatten();
                let args = args.iter().map(|(n, r)| (n.clone(), s.item(*r))).collect();
                let exports = child.and_then(|c| self.instantiate(&c, &args, Some(id)));
                s.instances.push(exports);
            }
            Init::InstanceFromExports(items) => {
                let items = items.iter().map(|(n, r)| (n.clone(), s.item(*r)));
                s.instances.push(Some(Arc::new(items.collect())));
            }
            Init::Alias {
                instance,
                name,
                sort,
            } => {
                let exports = s.instances.get(*instance).cloned().flatten();
                let found = exports.and_then(|e| semver::lookup(&e, name).cloned());
                s.push(*sort, found.unwrap_or(Item::Other));
            }
            Init::OuterAlias { count, item } => {
                let found = outer_item(s, closure, *count, *item);
                s.push(item.sort(), found);
            }
            Init::Lift {
                ty,
                options,
                core_func: _,
            } => {
                let lift = Lift {
                    instance: id,
                    ty: ty.clone(),
                    side: s.side(options),
                };
                s.funcs.push(Some(Arc::new(lift)));
            }
            Init::Lower { func, ty, options } => self.lower(id, s, *func, ty, options),
            Init::Builtin(b) => {
                if b.uses_threads() {
                    self.instances[id].uses_threads = true;
                }
            }
            Init::Export { name, item } => {
                let it = s.item(*item);
                exports.push((name.clone(), it.clone()));
                s.push(item.sort(), it);
            }
        }
    }

    /// Compiles the adapter of a lowering of `func` at `ty`, if the walk
    /// knows the callee and the call gets one.
    fn lower(&mut self, id: usize, s: &Spaces, func: FuncIdx, ty: &FuncType, o: &CanonOptions) {
        let Some(Some(lift)) = s.funcs.get(func) else {
            return;
        };
        let (Some(caller), Some(callee)) = (s.side(o), lift.side) else {
            return;
        };
        let relation = if lift.instance == id {
            Relation::Own
        } else if self.is_ancestor(id, lift.instance) {
            Relation::Descendant
        } else {
            Relation::Other
        };
        let pairing = Pairing {
            lower: ty,
            lift: &lift.ty,
            caller,
            callee,
            relation,
            callee_uses_threads: self.instances[lift.instance].uses_threads,
        };
        if let Some(key) = pairing.route() {
            // A module that fails to compile here fails again, with its
            // error, when instantiation asks for it: loading need not fail
            // for a lowering that may never be instantiated.
            drop(self.cache.get(self.engine, &key));
        }
    }

    /// Whether walk instance `ancestor` encloses `inst`.
    fn is_ancestor(&self, ancestor: usize, inst: usize) -> bool {
        let mut cur = self.instances[inst].parent;
        while let Some(p) = cur {
            if p == ancestor {
                return true;
            }
            cur = self.instances[p].parent;
        }
        false
    }
}

/// The item an outer alias `count` levels out names (only modules and
/// components matter here; types are not followed).
fn outer_item(s: &Spaces, closure: &Closure, count: u32, item: ItemRef) -> Item {
    if count == 0 {
        return s.item(item);
    }
    let mut env = closure.outer.clone();
    for _ in 1..count {
        env = env.and_then(|e| e.parent.clone());
    }
    let Some(env) = env else {
        return Item::Other;
    };
    match item {
        ItemRef::Module(i) => Item::Module(env.modules.get(i).cloned().flatten()),
        ItemRef::Component(i) => Item::Component(env.components.get(i).cloned().flatten()),
        ItemRef::Func(_) | ItemRef::Instance(_) | ItemRef::Type(_) | ItemRef::Value => Item::Other,
    }
}
