// metrics.dummy.DummyMetricsBackend: discards everything. It is the default backend (as in
// Sentry) and the floor the call-path benchmarks measure against, so emit is the cheapest
// function the ABI allows: written against the raw C table, no adapter in between.
#include <metrics/abi.h>

namespace {

// One static object serves as every instance: there is no state to keep.
char g_instance_tag;

int32_t create(const metrics_create_args_t*, void** out_instance, char*, size_t) noexcept {
  *out_instance = &g_instance_tag;
  return METRICS_OK;
}
int32_t emit(void*, const metrics_sample_t*) noexcept {
  return METRICS_OK;
}
int32_t flush(void*, int64_t) noexcept {
  return METRICS_OK;
}
void destroy(void*) noexcept {}
int32_t event(void*, const metrics_event_t*) noexcept {
  return METRICS_OK;
}

const metrics_backend_vtable_t kVtable{
    sizeof(metrics_backend_vtable_t), 0, &create, &emit, &flush, &destroy, &event,
};

const metrics_backend_class_t kDummyClass{
    sizeof(metrics_backend_class_t),
    METRICS_CAP_EVENTS,
    "DummyMetricsBackend",
    "Discards every metric; the default when no backend is configured",
    nullptr,
    0,
    &kVtable,
};

const metrics_backend_class_t* const kClasses[] = {&kDummyClass};

const metrics_module_descriptor_t kModule{
    sizeof(metrics_module_descriptor_t),
    METRICS_ABI_MAJOR,
    METRICS_ABI_MINOR,
    "metrics.dummy",
    "1.0.0",
    kClasses,
    1,
};

}  // namespace

extern "C" METRICS_ABI_EXPORT const metrics_module_descriptor_t* metrics_module_entry(uint32_t,
                                                                                      uint32_t) {
  return &kModule;
}
