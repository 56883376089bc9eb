;; Found by the component fuzzer (generated components): asking
;; `wasi:random` for 2^62 bytes panicked on capacity overflow inside a host
;; function, which aborted the process. It must trap.
(component
  (import "wasi:random/random@0.2.3" (instance $wasi
    (export "get-random-bytes" (func (param "len" u64) (result (list u8))))))
  (alias export $wasi "get-random-bytes" (func $h))
  (core module $M
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64)))
  (core instance $m (instantiate $M))
  (core func $lh (canon lower (func $h)
    (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (core module $C
    (import "host" "h" (func $h (param i64 i32)))
    (func (export "call") (result i32)
      (call $h (i64.const 4611686018427387904) (i32.const 8))
      (i32.const 7)))
  (core instance $c (instantiate $C (with "host" (instance (export "h" (func $lh))))))
  (func (export "call") (result u32) (canon lift (core func $c "call")))
)
