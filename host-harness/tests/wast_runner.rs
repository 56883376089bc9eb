//! The `.wast` runner reports each failing directive with its line and
//! counts passes, so a broken harness cannot look green.

use std::path::Path;

use weft_harness::wast::run_script;

const SCRIPT: &str = r#"(component $a
  (core module $M
    (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "t") unreachable))
  (core instance $m (instantiate $M))
  (func (export "f") (param "x" u32) (result u32) (canon lift (core func $m "f")))
  (func (export "t") (canon lift (core func $m "t"))))
(assert_return (invoke "f" (u32.const 1)) (u32.const 2))
(assert_return (invoke "f" (u32.const 1)) (u32.const 3))
(assert_trap (invoke "t") "unreachable")
(assert_trap (invoke $a "f" (u32.const 0)) "some other trap")
(assert_invalid (component (core func (canon lower (func 7)))) "unknown")
(assert_malformed (component quote "(func") "expected")
(assert_invalid (component) "a valid component is not invalid")
"#;

#[test]
fn failures_carry_lines_and_passes_are_counted() {
    let summary = run_script(Path::new("inline.wast"), SCRIPT);
    let lines: Vec<usize> = summary.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![9, 11, 14], "{:#?}", summary.failures);
    assert_eq!(summary.passed, 5);
    let first = summary.failures[0].to_string();
    assert!(first.starts_with("inline.wast:9: "), "{first}");
    assert!(
        first.contains("U32(3)") && first.contains("U32(2)"),
        "{first}"
    );
}

/// A script nested `depth` parentheses deep inside one `assert_return`.
fn nested_script(depth: usize) -> String {
    format!(
        "(assert_return (invoke \"f\" {}{}))",
        "(list.const ".repeat(depth),
        ")".repeat(depth)
    )
}

#[test]
fn scripts_nested_too_deep_fail_with_an_error_not_a_stack_overflow() {
    let summary = run_script(Path::new("deep.wast"), &nested_script(100_000));
    assert_eq!(summary.failures.len(), 1);
    let message = &summary.failures[0].message;
    assert!(message.contains("nesting too deep"), "{message}");
}

/// `(type $tN (list $tN-1))` chains: flat text, deeply nested types.
fn nested_types(depth: usize) -> String {
    let mut text = String::from("(component (type $t0 (list u8))");
    for i in 1..depth {
        text.push_str(&format!(" (type $t{i} (list $t{}))", i - 1));
    }
    text.push_str(" (export \"t\" (type $t");
    text.push_str(&(depth - 1).to_string());
    text.push_str(")))");
    text
}

#[test]
fn types_nested_too_deep_are_rejected_and_the_store_carries_on() {
    let script = format!(
        "{}\n{}\n(component)\n",
        nested_types(10_000),
        nested_types(50)
    );
    let summary = run_script(Path::new("types.wast"), &script);
    assert_eq!(summary.failures.len(), 1, "{:#?}", summary.failures);
    assert_eq!(summary.failures[0].line, 1);
    let message = &summary.failures[0].message;
    assert!(message.contains("type nesting is too deep"), "{message}");
    assert_eq!(summary.passed, 2, "the later components still load");
}
