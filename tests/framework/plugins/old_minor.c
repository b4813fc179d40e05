/* Test module "test.oldminor": what a plugin built against an older, smaller ABI looks
 * like. Its structs are declared here as that older version had them (no event entry in
 * the function table, no capabilities-era fields beyond what it knew), and each declares
 * its own smaller struct_size. The host must treat the missing fields as absent. */
#include <metrics/abi.h>

#include <dlfcn.h>
#include <stddef.h>

typedef void (*record_fn)(const char* backend, const metrics_sample_t* sample);

/* The 1.0-minus table: create, emit, flush, destroy, and nothing after. */
typedef struct old_vtable {
  uint32_t struct_size;
  uint32_t reserved0;
  metrics_backend_create_fn create;
  metrics_backend_emit_fn emit;
  metrics_backend_flush_fn flush;
  metrics_backend_destroy_fn destroy;
} old_vtable;

static record_fn g_record;
static int g_instance;

static int32_t old_create(const metrics_create_args_t* args, void** out, char* error,
                          size_t error_size) {
  (void)args;
  (void)error;
  (void)error_size;
  g_record = (record_fn)dlsym(RTLD_DEFAULT, "metrics_test_record");
  *out = &g_instance;
  return g_record != NULL ? METRICS_OK : METRICS_ERR_INVALID;
}
static int32_t old_emit(void* instance, const metrics_sample_t* sample) {
  (void)instance;
  g_record("old-minor", sample);
  return METRICS_OK;
}
static void old_destroy(void* instance) {
  (void)instance;
}

static const old_vtable the_vtable = {sizeof(old_vtable), 0,    old_create,
                                      old_emit,           NULL, old_destroy};

static const metrics_backend_class_t the_class = {sizeof(metrics_backend_class_t),
                                                  0,
                                                  "OldBackend",
                                                  "Built against a smaller ABI",
                                                  NULL,
                                                  0,
                                                  (const metrics_backend_vtable_t*)&the_vtable};
static const metrics_backend_class_t* const the_classes[] = {&the_class};
static const metrics_module_descriptor_t the_module = {sizeof(metrics_module_descriptor_t),
                                                       METRICS_ABI_MAJOR,
                                                       0,
                                                       "test.oldminor",
                                                       "0.9",
                                                       the_classes,
                                                       1};

METRICS_ABI_EXPORT const metrics_module_descriptor_t* metrics_module_entry(uint32_t major,
                                                                           uint32_t minor) {
  (void)major;
  (void)minor;
  return &the_module;
}
