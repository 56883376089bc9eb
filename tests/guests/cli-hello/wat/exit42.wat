;; A command that exits through `exit-with-code`, which Rust's std never
;; calls (std maps every non-zero status to `exit(err)`, i.e. status 1).
(component
  (import "wasi:cli/exit@0.2.12" (instance $exit
    (export "exit-with-code" (func (param "status-code" u8)))))
  (core func $exit (canon lower (func $exit "exit-with-code")))
  (core module $m
    (import "host" "exit" (func $exit (param i32)))
    (func (export "run") (result i32) i32.const 42 call $exit unreachable))
  (core instance $i (instantiate $m (with "host" (instance (export "exit" (func $exit))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))
