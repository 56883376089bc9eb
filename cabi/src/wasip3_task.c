/*
 * The process-wide slot behind `wasip3_task_set`.
 *
 * Every bindings generator that supports component-model async (any version
 * of weft, wit-bindgen, hand-written C) may carry its own copy of this
 * function. They are all weak, so the linker keeps exactly one, and every
 * copy must therefore behave identically: one static pointer, swapped, the
 * previous value returned. Changing the signature or semantics here would
 * silently break components that mix generators, so this file must never grow
 * beyond that contract.
 *
 * The pointer is a plain static rather than thread-local on purpose: the
 * other definitions use a static, and a weak symbol only works if all
 * definitions agree on where the state lives.
 */

static void *weft_current_wasip3_task = 0;

__attribute__((weak)) void *wasip3_task_set(void *task) {
  void *previous = weft_current_wasip3_task;
  weft_current_wasip3_task = task;
  return previous;
}
