/* Test module "test.cplugin": a backend written in plain C99 against abi.h alone, no SDK
 * helpers. It forwards samples to metrics_test_record() in the test executable. */
#include <metrics/abi.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void (*record_fn)(const char* backend, const metrics_sample_t* sample);

typedef struct c_backend {
  record_fn record;
  char label[64];
} c_backend;

static c_backend g_instance;

static int32_t c_create(const metrics_create_args_t* args, void** out, char* error,
                        size_t error_size) {
  record_fn fn = (record_fn)dlsym(RTLD_DEFAULT, "metrics_test_record");
  if (fn == NULL) {
    snprintf(error, error_size, "metrics_test_record not found");
    return METRICS_ERR_INVALID;
  }
  (void)args;
  g_instance.record = fn;
  strcpy(g_instance.label, "c-plugin");
  *out = &g_instance;
  return METRICS_OK;
}

static int32_t c_emit(void* instance, const metrics_sample_t* sample) {
  c_backend* b = (c_backend*)instance;
  b->record(b->label, sample);
  return METRICS_OK;
}

static void c_destroy(void* instance) {
  (void)instance;
}

static const metrics_backend_vtable_t c_vtable = {
    sizeof(metrics_backend_vtable_t), 0, c_create, c_emit, NULL, c_destroy, NULL};

static const metrics_backend_class_t c_class = {sizeof(metrics_backend_class_t),
                                                METRICS_CAP_TAGS,
                                                "CBackend",
                                                "Written in C",
                                                NULL,
                                                0,
                                                &c_vtable};

static const metrics_backend_class_t* const c_classes[] = {&c_class};

static const metrics_module_descriptor_t c_module = {sizeof(metrics_module_descriptor_t),
                                                     METRICS_ABI_MAJOR,
                                                     METRICS_ABI_MINOR,
                                                     "test.cplugin",
                                                     "0.1",
                                                     c_classes,
                                                     1};

METRICS_ABI_EXPORT const metrics_module_descriptor_t* metrics_module_entry(uint32_t major,
                                                                           uint32_t minor) {
  (void)major;
  (void)minor;
  return &c_module;
}
