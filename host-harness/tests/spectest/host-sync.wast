;; The spectest host's synchronous functions: at the root, in the `host`
;; instance and in its nested instance, called from a guest or re-exported.
(component
  (import "host-return-two" (func $two (result u32)))
  (import "host" (instance $host
    (export "return-three" (func (result u32)))
    (export "nested" (instance (export "return-four" (func (result u32)))))
    (export "return-hi" (func (result string)))))
  (alias export $host "return-three" (func $three))
  (alias export $host "nested" (instance $nested))
  (alias export $nested "return-four" (func $four))
  (alias export $host "return-hi" (func $hi))
  (core module $Mem
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 64))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (core func $hi' (canon lower (func $hi) (memory $mem "mem") (realloc (func $mem "realloc"))))
  (core func $two' (canon lower (func $two)))
  (core func $three' (canon lower (func $three)))
  (core func $four' (canon lower (func $four)))
  (core module $M
    (import "" "two" (func $two (result i32)))
    (import "" "three" (func $three (result i32)))
    (import "" "four" (func $four (result i32)))
    (import "" "hi" (func $hi (param i32)))
    ;; The string lands at 0 as (pointer, length): returned as is.
    (func (export "hi") (result i32) (call $hi (i32.const 0)) (i32.const 0))
    (func (export "nine") (result i32)
      (i32.add (i32.add (call $two) (call $three)) (call $four))))
  (core instance $m (instantiate $M (with "" (instance
    (export "two" (func $two'))
    (export "three" (func $three'))
    (export "four" (func $four'))
    (export "hi" (func $hi'))))))
  (func (export "nine") (result u32) (canon lift (core func $m "nine")))
  (func (export "hi") (result string)
    (canon lift (core func $m "hi") (memory $mem "mem")))
  ;; A host function of an instance, re-exported: its type is the import's.
  (export "hi-again" (func $hi)))

(assert_return (invoke "nine") (u32.const 9))
(assert_return (invoke "hi") (str.const "hi"))
(assert_return (invoke "hi-again") (str.const "hi"))

;; The host's types are checked against the import.
(assert_unlinkable
  (component
    (import "host-return-two" (func $f (param "x" u32) (result u32)))
    (core func (canon lower (func $f))))
  "host-return-two")

;; A resource the import names again by `eq` need not be defined.
(component
  (import "host" (instance
    (export "resource1" (type $r (sub resource)))
    (export "not-defined-by-the-host" (type (eq $r))))))
