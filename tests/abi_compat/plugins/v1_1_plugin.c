/* Test module "test.abi11": a plugin built against a grown header (tests/abi_compat/
 * abi_1_1: minor 1, metrics_sample_t.origin and the vtable's emit_batch appended). Its
 * descriptor says 1.1 and its function table is bigger than a 1.0 host knows. A 1.0 host
 * must accept it, ignore the table's tail, and feed it 1.0 samples, which the plugin
 * recognises by their struct_size (METRICS_HAS_FIELD). */
#include <metrics/abi.h>

#if METRICS_ABI_MAJOR != 1 || METRICS_ABI_MINOR != 1
#error "test.abi11 must be built against tests/abi_compat/abi_1_1/metrics/abi.h"
#endif

#include "probe.h"

static int g_instance;

static int32_t v11_create(const metrics_create_args_t* args, void** out, char* error,
                          size_t error_size) {
  char label[64];
  char line[256];
  (void)error;
  (void)error_size;
  probe_option_text(label, sizeof label, args, "label");
  snprintf(line, sizeof line, "abi11 create args_size=%u host_size=%u options=%u label=%s",
           (unsigned)args->struct_size, (unsigned)args->host->struct_size,
           (unsigned)args->option_count, label);
  probe_send(line);
  *out = &g_instance;
  return METRICS_OK;
}

static void v11_report(const char* who, const metrics_sample_t* sample) {
  char line[512];
  size_t used = probe_format_sample(line, sizeof line, who, sample);
  if (METRICS_HAS_FIELD(sample, metrics_sample_t, origin))
    PROBE_APPEND(line, sizeof line, &used, " origin=%.*s", (int)sample->origin.size,
                 sample->origin.data);
  else
    PROBE_APPEND(line, sizeof line, &used, " origin=<absent>");
  probe_send(line);
}

static int32_t v11_emit(void* instance, const metrics_sample_t* sample) {
  (void)instance;
  v11_report("abi11", sample);
  return METRICS_OK;
}

static int32_t v11_emit_batch(void* instance, const metrics_sample_t* const* samples,
                              size_t count) {
  size_t i;
  (void)instance;
  for (i = 0; i < count; ++i) v11_report("abi11 batch", samples[i]);
  return METRICS_OK;
}

static int32_t v11_flush(void* instance, int64_t timeout_ms) {
  (void)instance;
  (void)timeout_ms;
  probe_send("abi11 flush");
  return METRICS_OK;
}

static void v11_destroy(void* instance) {
  (void)instance;
  probe_send("abi11 destroy");
}

static const metrics_option_spec_t label_option = {sizeof(metrics_option_spec_t),
                                                   METRICS_OPTION_STRING,
                                                   "label",
                                                   "Names the instance",
                                                   "v11",
                                                   0u,
                                                   0u,
                                                   0.0,
                                                   0.0,
                                                   NULL};
static const metrics_option_spec_t* const the_options[] = {&label_option};

static const metrics_backend_vtable_t the_vtable = {sizeof(metrics_backend_vtable_t),
                                                    0u,
                                                    v11_create,
                                                    v11_emit,
                                                    v11_flush,
                                                    v11_destroy,
                                                    NULL,
                                                    v11_emit_batch};

static const metrics_backend_class_t the_class = {sizeof(metrics_backend_class_t),
                                                  METRICS_CAP_TAGS,
                                                  "V11Backend",
                                                  "Built against a grown ABI 1.1 header",
                                                  the_options,
                                                  1,
                                                  &the_vtable};
static const metrics_backend_class_t* const the_classes[] = {&the_class};
static const metrics_module_descriptor_t the_module = {sizeof(metrics_module_descriptor_t),
                                                       METRICS_ABI_MAJOR,
                                                       METRICS_ABI_MINOR,
                                                       "test.abi11",
                                                       "1.1.0",
                                                       the_classes,
                                                       1};

METRICS_ABI_EXPORT const metrics_module_descriptor_t* metrics_module_entry(uint32_t major,
                                                                           uint32_t minor) {
  (void)major;
  (void)minor;
  return &the_module;
}
