//! Names a component gives its own items, for people reading traces.
//!
//! A component names its instances and functions twice over: in its
//! `component-name` custom section (the `$id`s of the text format) and by
//! the names it exports them under. [`Names`] keeps both for the two index
//! spaces the scheduler's trace shows (instances and functions), so a row
//! of `--trace` reads `relay-driver.run` rather than `instance 3`. Names
//! never change what a component does: a malformed name section is
//! ignored, as the core spec says of the `name` section.

use std::collections::HashMap;
use std::sync::Arc;

use wasmparser::{ComponentName, ComponentNameSectionReader};

use super::def::{FuncIdx, InstanceIdx, ItemRef};

/// The names of one component's items.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// The component's own name (`(component $name ...)`).
    pub(crate) component: Option<Arc<str>>,
    /// Instances by index: the name section's name, else an export name.
    pub(crate) instances: HashMap<InstanceIdx, Arc<str>>,
    /// Functions by index: an export name, else the name section's name.
    pub(crate) funcs: HashMap<FuncIdx, Arc<str>>,
}

impl Names {
    /// Reads a `component-name` section; what cannot be read is skipped.
    pub(super) fn read_section(&mut self, reader: ComponentNameSectionReader<'_>) {
        for subsection in reader.into_iter().flatten() {
            match subsection {
                ComponentName::Component { name, .. } => self.component = Some(name.into()),
                ComponentName::Instances(map) => {
                    for naming in map.into_iter().flatten() {
                        let idx = InstanceIdx::from_u32(naming.index);
                        self.instances.insert(idx, naming.name.into());
                    }
                }
                ComponentName::Funcs(map) => {
                    for naming in map.into_iter().flatten() {
                        let idx = FuncIdx::from_u32(naming.index);
                        // An export name, recorded first, wins.
                        self.funcs.entry(idx).or_insert_with(|| naming.name.into());
                    }
                }
                ComponentName::CoreFuncs(_)
                | ComponentName::CoreGlobals(_)
                | ComponentName::CoreMemories(_)
                | ComponentName::CoreTables(_)
                | ComponentName::CoreTags(_)
                | ComponentName::CoreModules(_)
                | ComponentName::CoreInstances(_)
                | ComponentName::CoreTypes(_)
                | ComponentName::Types(_)
                | ComponentName::Components(_)
                | ComponentName::Values(_)
                | ComponentName::Unknown { .. } => {}
            }
        }
    }

    /// Records that `item` is exported as `name`.
    pub(super) fn exported(&mut self, item: ItemRef, name: &str) {
        match item {
            ItemRef::Func(i) => {
                self.funcs.insert(i, name.into());
            }
            ItemRef::Instance(i) => {
                // The name section's name, read later, wins.
                self.instances.entry(i).or_insert_with(|| name.into());
            }
            ItemRef::Type(_) | ItemRef::Module(_) | ItemRef::Component(_) | ItemRef::Value => {}
        }
    }
}
