//! Walker tests with a recording emitter: the instruction sequences for
//! the flattening decisions (argument/return areas, variant joins, frees).

use super::{Emitter, ImportTarget, Instruction, Transfer, Walker, needs_post_return};
use wit_parser::abi::WasmType;
use wit_parser::{Alignment, ArchitectureSize, Function, Resolve, SizeAlign, Type};

/// Records instruction names; operands are opaque numbers.
#[derive(Default)]
struct Recorder {
    log: Vec<String>,
    next: usize,
}

impl Emitter for Recorder {
    type Operand = usize;

    fn emit(&mut self, inst: &Instruction<'_>, _ops: &mut Vec<usize>, results: &mut Vec<usize>) {
        let text = format!("{inst:?}");
        let name = text
            .split([' ', '{', '('])
            .next()
            .unwrap_or_default()
            .to_string();
        let detail = match inst {
            Instruction::Bitcasts { casts } => format!("{casts:?}"),
            Instruction::CallWasm {
                params, results, ..
            } => format!("{}->{}", params.len(), results.len()),
            _ => String::new(),
        };
        self.log.push(if detail.is_empty() {
            name
        } else {
            format!("{name}{detail}")
        });
        for _ in 0..inst.arity().1 {
            self.next += 1;
            results.push(self.next);
        }
    }

    fn push_block(&mut self) {
        self.log.push("[".into());
    }

    fn finish_block(&mut self, operands: &mut Vec<usize>) {
        self.log.push(format!("]{}", operands.len()));
    }

    fn scratch_area(&mut self, size: ArchitectureSize, _: Alignment) -> usize {
        self.log.push(format!("Scratch{}", size.size_wasm32()));
        0
    }

    fn is_list_canonical(&self, elem: &Type) -> bool {
        // Numbers only: these tests have no resolve, and their lists of
        // records are meant to take the element loop.
        !matches!(elem, Type::Id(_)) && crate::analysis::is_canonical_number(elem)
    }
}

fn func(wit: &str, name: &str) -> (Resolve, Function) {
    let mut resolve = Resolve::new();
    let pkg = resolve
        .push_str("t.wit", &format!("package a:b; interface i {{ {wit} }}"))
        .unwrap();
    let iface = resolve.packages[pkg].interfaces["i"];
    let f = resolve.interfaces[iface].functions[name].clone();
    (resolve, f)
}

fn walk(resolve: &Resolve, f: &Function, what: &str) -> Vec<String> {
    let mut sizes = SizeAlign::default();
    sizes.fill(resolve);
    let mut rec = Recorder::default();
    let mut w = Walker::new(resolve, &sizes, &mut rec, Transfer::Lend);
    match what {
        "import" => w.call_import(
            f,
            &ImportTarget {
                module: "m",
                name: "n",
            },
        ),
        "export" => w.call_export(f),
        _ => w.post_return(f),
    }
    rec.log
}

fn count(log: &[String], name: &str) -> usize {
    log.iter().filter(|l| l.as_str() == name).count()
}

#[test]
fn seventeen_params_go_through_an_argument_area() {
    let params: Vec<String> = (0..17).map(|i| format!("p{i}: u32")).collect();
    let (resolve, f) = func(&format!("f: func({});", params.join(", ")), "f");
    let log = walk(&resolve, &f, "import");
    assert_eq!(log[0], "Scratch68");
    assert_eq!(count(&log, "Store"), 17);
    assert!(log.contains(&"CallWasm1->0".to_string()), "{log:?}");

    let log = walk(&resolve, &f, "export");
    assert_eq!(count(&log, "Load"), 17);
    assert_eq!(
        count(&log, "GuestDeallocate"),
        1,
        "the callee frees the argument area"
    );
}

#[test]
fn sixteen_params_stay_flat() {
    let params: Vec<String> = (0..16).map(|i| format!("p{i}: u32")).collect();
    let (resolve, f) = func(&format!("f: func({});", params.join(", ")), "f");
    let log = walk(&resolve, &f, "import");
    assert!(!log.iter().any(|l| l.starts_with("Scratch")));
    assert!(log.contains(&"CallWasm16->0".to_string()), "{log:?}");
}

#[test]
fn string_results_use_a_return_area_and_post_return() {
    let (resolve, f) = func("f: func() -> string;", "f");
    let log = walk(&resolve, &f, "import");
    assert_eq!(log[0], "Scratch8");
    assert!(log.contains(&"CallWasm1->0".to_string()), "{log:?}");
    assert_eq!(log[log.len() - 2], "StringLift");

    let log = walk(&resolve, &f, "export");
    assert!(log.contains(&"Scratch8".to_string()));
    assert!(needs_post_return(&resolve, &f));
    let log = walk(&resolve, &f, "post");
    assert!(
        log.contains(&"GuestDeallocateString".to_string()),
        "{log:?}"
    );

    let (resolve, f) = func("f: func() -> u64;", "f");
    assert!(!needs_post_return(&resolve, &f));
    assert!(walk(&resolve, &f, "import").contains(&"CallWasm0->1".to_string()));
}

#[test]
fn variant_payloads_are_joined_with_bitcasts() {
    let (resolve, f) = func("variant v { a(f32), b(u64), c }  f: func(x: v);", "f");
    let log = walk(&resolve, &f, "import");
    let a = (WasmType::F32, WasmType::I64);
    assert!(log.contains(&format!("Bitcasts[{a:?}]")), "{log:?}");
    let b = (WasmType::I64, WasmType::I64);
    assert!(log.contains(&format!("Bitcasts[{b:?}]")), "{log:?}");
    assert!(
        log.contains(&"ConstZero".to_string()),
        "case c pads its payload"
    );
    assert!(
        log.contains(&"CallWasm2->0".to_string()),
        "tag + joined payload: {log:?}"
    );
}

#[test]
fn lists_of_non_plain_elements_store_each_element_in_a_block() {
    let (resolve, f) = func("f: func(x: list<string>);", "f");
    let log = walk(&resolve, &f, "import");
    let block = log.iter().position(|l| l == "[").unwrap();
    assert_eq!(
        &log[block + 1..block + 4],
        ["IterElem", "IterBasePointer", "StringLower"]
    );
    assert!(log.contains(&"ListLower".to_string()));

    let (resolve, f) = func("f: func(x: list<u32>);", "f");
    assert!(walk(&resolve, &f, "import").contains(&"ListCanonLower".to_string()));
}

/// An emitter that pushes one value too few must be caught.
struct Broken;

impl Emitter for Broken {
    type Operand = ();
    fn emit(&mut self, _: &Instruction<'_>, _: &mut Vec<()>, _: &mut Vec<()>) {}
    fn push_block(&mut self) {}
    fn finish_block(&mut self, _: &mut Vec<()>) {}
    fn scratch_area(&mut self, _: ArchitectureSize, _: Alignment) {}
    fn is_list_canonical(&self, _: &Type) -> bool {
        false
    }
}

#[test]
#[should_panic(expected = "pushed the wrong number of values")]
fn arity_is_checked_on_every_emit() {
    let (resolve, f) = func("f: func(x: u32);", "f");
    let mut sizes = SizeAlign::default();
    sizes.fill(&resolve);
    Walker::new(&resolve, &sizes, &mut Broken, Transfer::Lend).call_import(
        &f,
        &ImportTarget {
            module: "m",
            name: "n",
        },
    );
}

#[test]
fn error_contexts_returned_by_a_sync_export_are_released_in_post_return() {
    // Flat: post-return's argument is the handle itself.
    let (resolve, f) = func("f: func() -> error-context;", "f");
    assert!(needs_post_return(&resolve, &f));
    let log = walk(&resolve, &f, "post");
    assert_eq!(log, ["GetArg", "ErrorContextDrop", "Return"], "{log:?}");
    // In a return area, behind a discriminant, next to a string.
    let (resolve, f) = func("f: func() -> result<string, error-context>;", "f");
    let log = walk(&resolve, &f, "post");
    assert_eq!(count(&log, "ErrorContextDrop"), 1, "{log:?}");
    assert_eq!(count(&log, "GuestDeallocateString"), 1, "{log:?}");
    // A list of them: each element's handle, then the list's memory.
    let (resolve, f) = func("f: func() -> list<error-context>;", "f");
    let log = walk(&resolve, &f, "post");
    assert_eq!(
        count(&log, "ErrorContextDrop"),
        1,
        "one per element, in a block: {log:?}"
    );
    assert!(log.contains(&"GuestDeallocateList".to_string()), "{log:?}");
    // Nothing to release: no post-return.
    let (resolve, f) = func("f: func() -> option<u32>;", "f");
    assert!(!needs_post_return(&resolve, &f));
}
