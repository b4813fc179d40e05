/* Test module "test.noentry": a shared object that is not a metrics module. */
int test_noentry_answer(void) {
  return 42;
}
