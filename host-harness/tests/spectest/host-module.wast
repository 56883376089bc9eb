;; `host#simple-module`: a core module the host supplies. The component
;; instantiates it, calls its `f` directly, and reads its `g` from a second
;; module that imports both.
(component
  (import "host" (instance $host
    (export "simple-module" (core module
      (export "g" (global i32))
      (export "f" (func (result i32)))))))
  (alias export $host "simple-module" (core module $Simple))
  (core instance $simple (instantiate $Simple))
  (core module $User
    (import "simple" "g" (global $g i32))
    (import "simple" "f" (func $f (result i32)))
    (func (export "g") (result i32) (global.get $g))
    (func (export "f-plus-g") (result i32) (i32.add (call $f) (global.get $g))))
  (core instance $user (instantiate $User (with "simple" (instance $simple))))
  (func (export "f") (result u32) (canon lift (core func $simple "f")))
  (func (export "g") (result u32) (canon lift (core func $user "g")))
  (func (export "f-plus-g") (result u32) (canon lift (core func $user "f-plus-g"))))
(assert_return (invoke "f") (u32.const 101))
(assert_return (invoke "g") (u32.const 100))
(assert_return (invoke "f-plus-g") (u32.const 201))

;; A module type that asks for less than the module has fits it.
(component
  (import "host" (instance $host
    (export "simple-module" (core module (export "f" (func (result i32)))))))
  (alias export $host "simple-module" (core module $Simple))
  (core instance $simple (instantiate $Simple))
  (func (export "f") (result u32) (canon lift (core func $simple "f"))))
(assert_return (invoke "f") (u32.const 101))

;; One that asks for another type, or an export it lacks, does not.
(assert_unlinkable
  (component
    (import "host" (instance
      (export "simple-module" (core module (export "g" (global i64)))))))
  "export `g` is a global I32, expected a global I64")
(assert_unlinkable
  (component
    (import "host" (instance
      (export "simple-module" (core module (export "h" (func)))))))
  "the module has no export `h`")
