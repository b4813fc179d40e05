/* What the abi_compat test plugins report back: one text line per call, handed to
 * abi_compat_probe(), which the loading program (the Catch2 test, or the simulated 1.1
 * host) exports. Plain C against whichever metrics/abi.h the plugin was built with, so
 * the line shows what that plugin's view of the host's structs contains. */
#ifndef ABI_COMPAT_PROBE_H
#define ABI_COMPAT_PROBE_H

#include <metrics/abi.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void (*abi_compat_probe_fn)(const char* line);

static inline void probe_send(const char* line) {
  abi_compat_probe_fn fn = (abi_compat_probe_fn)dlsym(RTLD_DEFAULT, "abi_compat_probe");
  if (fn != NULL) fn(line);
}

/* Appends printf-style text at out + *used, never past size. */
#define PROBE_APPEND(out, size, used, ...)                                                  \
  do {                                                                                      \
    if (*(used) < (size)) {                                                                 \
      int n_ = snprintf((out) + *(used), (size) - *(used), __VA_ARGS__);                    \
      if (n_ > 0) *(used) += (size_t)n_ < (size) - *(used) ? (size_t)n_ : (size) - *(used); \
    }                                                                                       \
  } while (0)

/* "<who> size=S kind=K name=N value=V rate=R unit=U instance=I member=M tags=k:v,k:v" */
static inline size_t probe_format_sample(char* out, size_t size, const char* who,
                                         const metrics_sample_t* s) {
  size_t used = 0;
  size_t i;
  out[0] = '\0';
  PROBE_APPEND(out, size, &used,
               "%s size=%u kind=%u name=%.*s value=%g rate=%g unit=%.*s "
               "instance=%.*s member=%.*s tags=",
               who, (unsigned)s->struct_size, (unsigned)s->kind, (int)s->name.size, s->name.data,
               s->value, s->sample_rate, (int)s->unit.size, s->unit.data, (int)s->instance.size,
               s->instance.data, (int)s->set_member.size, s->set_member.data);
  for (i = 0; i < s->tag_count; ++i)
    PROBE_APPEND(out, size, &used, "%s%.*s:%.*s", i == 0 ? "" : ",", (int)s->tags[i].key.size,
                 s->tags[i].key.data, (int)s->tags[i].value.size, s->tags[i].value.data);
  return used;
}

/* Option `name` among create's values, as text ("<absent>" when not given). */
static inline void probe_option_text(char* out, size_t size, const metrics_create_args_t* args,
                                     const char* name) {
  size_t i;
  snprintf(out, size, "<absent>");
  for (i = 0; i < args->option_count; ++i) {
    const metrics_option_value_t* v = args->options[i];
    if (v->name.size != strlen(name) || memcmp(v->name.data, name, v->name.size) != 0) continue;
    if (!v->is_set) return;
    switch (v->type) {
      case METRICS_OPTION_STRING:
        snprintf(out, size, "%.*s", (int)v->string_value.size, v->string_value.data);
        break;
      case METRICS_OPTION_INT:
        snprintf(out, size, "%lld", (long long)v->int_value);
        break;
      case METRICS_OPTION_FLOAT:
        snprintf(out, size, "%g", v->float_value);
        break;
      case METRICS_OPTION_BOOL:
        snprintf(out, size, "%s", v->bool_value ? "true" : "false");
        break;
      default: {
        size_t used = 0, j;
        out[0] = '\0';
        for (j = 0; j < v->list_size; ++j)
          PROBE_APPEND(out, size, &used, "%s%.*s", j == 0 ? "" : "|", (int)v->list_items[j].size,
                       v->list_items[j].data);
      }
    }
    return;
  }
}

#endif
