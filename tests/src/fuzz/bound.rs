//! Makes a core module finish: every loop runs a bounded number of
//! iterations in total, and memories and tables have a small maximum.
//!
//! The fuzzers run mutated guest code, and a mutation can turn a counted loop
//! into an endless one or a small `memory.grow` into a 4 GiB one. The Store
//! has no fuel or memory limit yet, so instead the module itself is made to
//! stop: a mutable `i32` global holds a budget of loop iterations, and each
//! `loop` starts by trapping (`unreachable`) when the budget is spent and
//! decrementing it otherwise. Recursion needs no budget (the engine's call
//! stack is bounded). Memories and tables get a maximum of at most
//! [`Limits::max_memory_pages`] / [`Limits::max_table_elements`] (or their
//! minimum, if that is larger), so growing past it fails as the core spec
//! allows. A module that passes through this keeps its behaviour as long as
//! it stays within the limits, which the tests check on the real guests.
//!
//! The fuel global is appended after every other global, so no existing
//! global index moves.

use anyhow::{Context, Result, anyhow};
use std::convert::Infallible;
use wasm_encoder::reencode::{Error as ReencodeError, Reencode, utils};
use wasm_encoder::{ConstExpr, GlobalSection, GlobalType, Instruction, SectionId, ValType};
use wasmparser::{Operator, Parser, Payload, TypeRef};

/// The limits a bounded module runs within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Loop iterations, over all loops of one module instance.
    pub loop_iterations: u32,
    /// The largest maximum a memory may declare (64 KiB pages).
    pub max_memory_pages: u64,
    /// The largest maximum a table may declare.
    pub max_table_elements: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            loop_iterations: 2_000_000,
            // 64 MiB per memory.
            max_memory_pages: 1024,
            max_table_elements: 10_000,
        }
    }
}

/// Rewrites `module` to run within `limits`.
///
/// # Errors
/// If `module` does not parse as a core module.
pub fn bound_module(module: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    let globals = count_globals(module)?;
    let mut bounder = Bounder {
        limits: *limits,
        fuel_global: globals.total,
        has_global_section: globals.has_section,
        emitted: false,
    };
    let mut out = wasm_encoder::Module::new();
    bounder
        .parse_core_module(&mut out, Parser::new(0), module)
        .map_err(|e| anyhow!("re-encoding the module: {e}"))?;
    Ok(out.finish())
}

struct GlobalCount {
    total: u32,
    has_section: bool,
}

fn count_globals(module: &[u8]) -> Result<GlobalCount> {
    let mut count = GlobalCount {
        total: 0,
        has_section: false,
    };
    for payload in Parser::new(0).parse_all(module) {
        match payload.context("parsing the module")? {
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    if let TypeRef::Global(_) = import.context("reading an import")?.ty {
                        count.total += 1;
                    }
                }
            }
            Payload::GlobalSection(section) => {
                count.has_section = true;
                count.total += section.count();
            }
            _ => {}
        }
    }
    Ok(count)
}

struct Bounder {
    limits: Limits,
    fuel_global: u32,
    has_global_section: bool,
    emitted: bool,
}

impl Bounder {
    fn add_fuel_global(&mut self, globals: &mut GlobalSection) {
        globals.global(
            GlobalType {
                val_type: ValType::I32,
                mutable: true,
                shared: false,
            },
            // The budget is at most 2^31 - 1, so it fits an `i32.const`.
            &ConstExpr::i32_const(self.limits.loop_iterations.min(i32::MAX as u32) as i32),
        );
        self.emitted = true;
    }

    /// The check placed at the top of every loop body.
    fn spend_fuel(&self, f: &mut wasm_encoder::Function) {
        let g = self.fuel_global;
        f.instruction(&Instruction::GlobalGet(g))
            .instruction(&Instruction::I32Eqz)
            .instruction(&Instruction::If(wasm_encoder::BlockType::Empty))
            .instruction(&Instruction::Unreachable)
            .instruction(&Instruction::End)
            .instruction(&Instruction::GlobalGet(g))
            .instruction(&Instruction::I32Const(1))
            .instruction(&Instruction::I32Sub)
            .instruction(&Instruction::GlobalSet(g));
    }
}

impl Reencode for Bounder {
    type Error = Infallible;

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        utils::parse_global_section(self, globals, section)?;
        self.add_fuel_global(globals);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), ReencodeError<Infallible>> {
        // Without a global section of its own, the fuel global goes in a new
        // one placed where the binary format wants it: before the first
        // section that follows globals.
        let after_globals = match before {
            None => true,
            Some(id) => match id {
                SectionId::Export
                | SectionId::Start
                | SectionId::Element
                | SectionId::DataCount
                | SectionId::Code
                | SectionId::Data => true,
                SectionId::Custom
                | SectionId::Type
                | SectionId::Import
                | SectionId::Function
                | SectionId::Table
                | SectionId::Memory
                | SectionId::Tag
                | SectionId::Global => false,
            },
        };
        if after_globals && !self.emitted && !self.has_global_section {
            let mut globals = GlobalSection::new();
            self.add_fuel_global(&mut globals);
            module.section(&globals);
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            let is_loop = matches!(op, Operator::Loop { .. });
            f.instruction(&self.instruction(op)?);
            if is_loop {
                self.spend_fuel(&mut f);
            }
        }
        code.function(&f);
        Ok(())
    }

    fn memory_type(
        &mut self,
        ty: wasmparser::MemoryType,
    ) -> Result<wasm_encoder::MemoryType, ReencodeError<Infallible>> {
        let mut out = utils::memory_type(self, ty);
        let cap = self.limits.max_memory_pages.max(out.minimum);
        out.maximum = Some(out.maximum.map_or(cap, |m| m.min(cap)));
        Ok(out)
    }

    fn table_type(
        &mut self,
        ty: wasmparser::TableType,
    ) -> Result<wasm_encoder::TableType, ReencodeError<Infallible>> {
        let mut out = utils::table_type(self, ty)?;
        let cap = self.limits.max_table_elements.max(out.minimum);
        out.maximum = Some(out.maximum.map_or(cap, |m| m.min(cap)));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(text: &str) -> Vec<u8> {
        crate::fuzz::wat_gen::encode(text).unwrap()
    }

    #[test]
    fn bounded_modules_validate_with_the_fuel_global_last() {
        for text in [
            "(module (func (loop (br 0))))",
            "(module (global i32 (i32.const 1)) (func (loop (br 0))) (export \"g\" (global 0)))",
            "(module (import \"a\" \"g\" (global i32)) (memory 1) (table 1 funcref) (func (result i32) (loop (result i32) (i32.const 1))))",
        ] {
            let bytes = bound_module(&module(text), &Limits::default()).unwrap();
            wasmparser::Validator::new()
                .validate_all(&bytes)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            let last_global = Parser::new(0)
                .parse_all(&bytes)
                .find_map(|p| match p.unwrap() {
                    Payload::GlobalSection(s) => s.into_iter().last(),
                    _ => None,
                })
                .unwrap()
                .unwrap();
            assert!(last_global.ty.mutable, "{text}");
        }
    }

    /// An endless loop, lifted as a component export, traps once bounded.
    #[test]
    fn an_endless_loop_traps_once_bounded() {
        use weft_harness::{Component, Engine, ErrorKind, Linker, Store};
        let text = r#"(component
            (core module $m (func (export "spin") (loop (br 0))))
            (core instance $i (instantiate $m))
            (func (export "spin") (canon lift (core func $i "spin"))))"#;
        let bounded = crate::fuzz::splice::map_core_modules(&module(text), |_, m| {
            bound_module(
                m,
                &Limits {
                    loop_iterations: 1000,
                    ..Limits::default()
                },
            )
            .map(Some)
        })
        .unwrap();
        let engine = Engine::default();
        let component = Component::new(&engine, &bounded).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &component)
            .unwrap();
        let spin = instance.get_func(&mut store, "spin").unwrap();
        let err = spin.call(&mut store, &[], &mut []).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Trap(_)), "{err}");
    }

    #[test]
    fn memory_and_table_maxima_are_capped() {
        let bytes = bound_module(
            &module("(module (memory 2) (memory 4000 5000) (table 3 funcref))"),
            &Limits::default(),
        )
        .unwrap();
        let mut memories = Vec::new();
        let mut tables = Vec::new();
        for payload in Parser::new(0).parse_all(&bytes) {
            match payload.unwrap() {
                Payload::MemorySection(s) => {
                    memories.extend(s.into_iter().map(|m| m.unwrap().maximum))
                }
                Payload::TableSection(s) => {
                    tables.extend(s.into_iter().map(|t| t.unwrap().ty.maximum))
                }
                _ => {}
            }
        }
        assert_eq!(memories, [Some(1024), Some(4000)]);
        assert_eq!(tables, [Some(10_000)]);
    }
}
