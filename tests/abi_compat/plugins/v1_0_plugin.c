/* Test module "test.abi10": a plugin built against the frozen 1.0 header
 * (tests/abi_compat/abi_1_0). It must keep loading, and keep reading samples correctly,
 * in every later 1.x host, whose structs are bigger than the ones it knows. */
#include <metrics/abi.h>

#if METRICS_ABI_MAJOR != 1 || METRICS_ABI_MINOR != 0
#error "test.abi10 must be built against tests/abi_compat/abi_1_0/metrics/abi.h"
#endif

#include "probe.h"

static int g_instance;

static int32_t v10_create(const metrics_create_args_t* args, void** out, char* error,
                          size_t error_size) {
  char label[64];
  char line[256];
  (void)error;
  (void)error_size;
  probe_option_text(label, sizeof label, args, "label");
  snprintf(line, sizeof line, "abi10 create args_size=%u host_size=%u options=%u label=%s",
           (unsigned)args->struct_size, (unsigned)args->host->struct_size,
           (unsigned)args->option_count, label);
  probe_send(line);
  *out = &g_instance;
  return METRICS_OK;
}

static int32_t v10_emit(void* instance, const metrics_sample_t* sample) {
  char line[512];
  (void)instance;
  probe_format_sample(line, sizeof line, "abi10", sample);
  probe_send(line);
  return METRICS_OK;
}

static int32_t v10_flush(void* instance, int64_t timeout_ms) {
  (void)instance;
  (void)timeout_ms;
  probe_send("abi10 flush");
  return METRICS_OK;
}

static void v10_destroy(void* instance) {
  (void)instance;
  probe_send("abi10 destroy");
}

static const metrics_option_spec_t label_option = {sizeof(metrics_option_spec_t),
                                                   METRICS_OPTION_STRING,
                                                   "label",
                                                   "Names the instance",
                                                   "v10",
                                                   0u,
                                                   0u,
                                                   0.0,
                                                   0.0,
                                                   NULL};
static const metrics_option_spec_t* const the_options[] = {&label_option};

static const metrics_backend_vtable_t the_vtable = {
    sizeof(metrics_backend_vtable_t), 0u, v10_create, v10_emit, v10_flush, v10_destroy, NULL};

static const metrics_backend_class_t the_class = {sizeof(metrics_backend_class_t),
                                                  METRICS_CAP_TAGS,
                                                  "V10Backend",
                                                  "Built against the frozen ABI 1.0 header",
                                                  the_options,
                                                  1,
                                                  &the_vtable};
static const metrics_backend_class_t* const the_classes[] = {&the_class};
static const metrics_module_descriptor_t the_module = {sizeof(metrics_module_descriptor_t),
                                                       METRICS_ABI_MAJOR,
                                                       METRICS_ABI_MINOR,
                                                       "test.abi10",
                                                       "1.0.0",
                                                       the_classes,
                                                       1};

METRICS_ABI_EXPORT const metrics_module_descriptor_t* metrics_module_entry(uint32_t major,
                                                                           uint32_t minor) {
  (void)major;
  (void)minor;
  return &the_module;
}
