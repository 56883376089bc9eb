;; A component with small exports for `weft run --invoke` tests and the
;; call-overhead benchmark: no WASI, no allocator, nothing to link.
(component
  (core module $m
    (memory (export "mem") 1)
    ;; `hello` returns a pointer to (ptr, len) of the string at offset 16.
    (data (i32.const 8) "\10\00\00\00\0b\00\00\00")
    (data (i32.const 16) "hello, weft")
    (func (export "add") (param i32 i32) (result i32)
      local.get 0 local.get 1 i32.add)
    (func (export "hello") (result i32) i32.const 8)
    (func (export "fail") unreachable))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "hello") (result string)
    (canon lift (core func $i "hello") (memory $i "mem")))
  (func (export "fail") (canon lift (core func $i "fail"))))
