/* A simulated ABI 1.1 host: the loading protocol of framework/src/module.cpp, compiled
 * against the grown header (tests/abi_compat/abi_1_1), so that a plugin built against the
 * frozen 1.0 header can be shown working in a host whose structs are bigger than its own.
 *
 *   abi_compat_host_1_1 PLUGIN.so CLASS
 *
 * Loads the file, checks the descriptor, copies every plugin struct into a zeroed 1.1
 * struct up to min(struct_size, sizeof) (so fields the plugin does not have read as
 * absent), creates the class with its default options, sends two 1.1 samples (through
 * emit_batch when the plugin's table has it, else one emit each), flushes, destroys and
 * unloads. It prints what it did, and the lines the plugin probes back, on stdout. */
#include <metrics/abi.h>

#if METRICS_ABI_MINOR != 1
#error "the simulated host must be built against tests/abi_compat/abi_1_1/metrics/abi.h"
#endif

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exported (ENABLE_EXPORTS): the plugins find it with dlsym(RTLD_DEFAULT, ...). */
__attribute__((visibility("default"))) void abi_compat_probe(const char* line) {
  printf("%s\n", line);
  fflush(stdout);
}

#define COPY_SIZED(to, from)                                                             \
  do {                                                                                   \
    size_t n_ = (from)->struct_size < sizeof *(to) ? (from)->struct_size : sizeof *(to); \
    memset((to), 0, sizeof *(to));                                                       \
    memcpy((to), (from), n_);                                                            \
    (to)->struct_size = (uint32_t)n_;                                                    \
  } while (0)

static int fail(const char* why) {
  printf("FAIL %s\n", why);
  return 1;
}

static void host_log(void* ctx, uint32_t level, metrics_str_t message) {
  (void)ctx;
  printf("host log %u %.*s\n", (unsigned)level, (int)message.size, message.data);
}
static void host_count(void* ctx, metrics_str_t name, int64_t delta) {
  (void)ctx;
  printf("host count %.*s %lld\n", (int)name.size, name.data, (long long)delta);
}

static metrics_str_t str(const char* s) {
  metrics_str_t v;
  v.data = s;
  v.size = strlen(s);
  return v;
}

int main(int argc, char** argv) {
  void* lib;
  metrics_module_entry_fn entry;
  const metrics_module_descriptor_t* d;
  metrics_module_descriptor_t desc;
  metrics_backend_class_t klass;
  metrics_backend_vtable_t vt;
  size_t i;
  const metrics_backend_class_t* found = NULL;
  if (argc != 3) return fail("usage: abi_compat_host_1_1 PLUGIN.so CLASS");

  lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) return fail(dlerror());
  entry = (metrics_module_entry_fn)dlsym(lib, METRICS_MODULE_ENTRY_SYMBOL);
  if (entry == NULL) return fail("no entry symbol");
  d = entry(METRICS_ABI_MAJOR, METRICS_ABI_MINOR);
  if (d == NULL) return fail("the module refused this host");
  if (d->abi_major != METRICS_ABI_MAJOR) return fail("another ABI major");
  COPY_SIZED(&desc, d);
  printf("host 1.1 loaded %s %s abi=%u.%u\n", desc.module_name, desc.module_version,
         (unsigned)desc.abi_major, (unsigned)desc.abi_minor);
  for (i = 0; i < desc.class_count; ++i)
    if (strcmp(desc.classes[i]->name, argv[2]) == 0) found = desc.classes[i];
  if (found == NULL) return fail("no such class");
  COPY_SIZED(&klass, found);
  if (klass.vtable->struct_size < offsetof(metrics_backend_vtable_t, destroy) + sizeof(void*))
    return fail("function table too small");
  COPY_SIZED(&vt, klass.vtable);
  printf("host 1.1 vtable plugin_size=%u host_size=%u event=%s emit_batch=%s\n",
         (unsigned)klass.vtable->struct_size, (unsigned)sizeof(metrics_backend_vtable_t),
         vt.event != NULL ? "present" : "absent", vt.emit_batch != NULL ? "present" : "absent");

  {
    /* Default options, as the real host fills them (strings only in these plugins). */
    metrics_option_value_t values[8];
    const metrics_option_value_t* value_ptrs[8];
    metrics_host_api_t host;
    metrics_create_args_t args;
    metrics_tag_t tags[2];
    metrics_sample_t samples[2];
    const metrics_sample_t* sample_ptrs[2];
    char error[256] = "";
    void* instance = NULL;
    int32_t rc;
    if (klass.option_count > 8) return fail("too many options");
    for (i = 0; i < klass.option_count; ++i) {
      metrics_option_spec_t spec;
      COPY_SIZED(&spec, klass.options[i]);
      memset(&values[i], 0, sizeof values[i]);
      values[i].struct_size = sizeof values[i];
      values[i].type = spec.type;
      values[i].name = str(spec.name);
      values[i].is_set = spec.default_value != NULL;
      if (spec.type == METRICS_OPTION_STRING && spec.default_value != NULL)
        values[i].string_value = str(spec.default_value);
      value_ptrs[i] = &values[i];
    }
    memset(&host, 0, sizeof host);
    host.struct_size = sizeof host;
    host.log = host_log;
    host.count = host_count;
    memset(&args, 0, sizeof args);
    args.struct_size = sizeof args;
    args.class_name = str(klass.name);
    args.options = value_ptrs;
    args.option_count = klass.option_count;
    args.host = &host;
    rc = vt.create(&args, &instance, error, sizeof error);
    if (rc != METRICS_OK) return fail(error);

    tags[0].key = str("env");
    tags[0].value = str("prod");
    tags[1].key = str("zone");
    tags[1].value = str("b");
    for (i = 0; i < 2; ++i) {
      memset(&samples[i], 0, sizeof samples[i]);
      samples[i].struct_size = sizeof samples[i];
      samples[i].kind = i == 0 ? METRICS_KIND_COUNTER : METRICS_KIND_DISTRIBUTION;
      samples[i].name = str(i == 0 ? "sim.count" : "sim.size");
      samples[i].value = i == 0 ? 2.0 : 640.0;
      samples[i].sample_rate = i == 0 ? 0.5 : 1.0;
      samples[i].unit = str(i == 0 ? "" : "byte");
      samples[i].instance = str("");
      samples[i].tags = tags;
      samples[i].tag_count = i == 0 ? 2 : 1;
      samples[i].set_member = str("");
      samples[i].origin = str("sim-host");
      sample_ptrs[i] = &samples[i];
    }
    printf("host 1.1 sample_size=%u\n", (unsigned)sizeof(metrics_sample_t));
    if (vt.emit_batch != NULL) {
      if (vt.emit_batch(instance, sample_ptrs, 2) != METRICS_OK) return fail("emit_batch");
    } else {
      for (i = 0; i < 2; ++i)
        if (vt.emit(instance, sample_ptrs[i]) != METRICS_OK) return fail("emit");
    }
    if (vt.flush != NULL && vt.flush(instance, 1000) != METRICS_OK) return fail("flush");
    vt.destroy(instance);
  }
  dlclose(lib);
  printf("host 1.1 done\n");
  return 0;
}
