/*
 * metrics/abi.h: the only contract between the metrics host and a backend plugin.
 *
 * Plain C (C99 and C++): no C++ types, no exceptions and no shared allocator cross this
 * boundary. The host (libmetrics_framework) and a plugin (a shared object such as
 * metrics.statsd.so) both include this file and nothing else of each other.
 *
 * NAMES
 *   metrics_*_t            plain data types.
 *   metrics_backend_*_fn   hooks a plugin implements, the host calls.
 *   metrics_host_*_fn      callbacks the host implements, a plugin calls.
 *
 * OWNERSHIP
 *   What a side allocates, that side frees. Every metrics_str_t and every pointer handed
 *   across a call is a borrowed view, valid until that call returns, unless the field's
 *   comment says otherwise. A plugin that wants to keep a name or a tag copies it. Static
 *   descriptors returned by the entry symbol belong to the plugin and must stay valid while
 *   the library is loaded; the host keeps the library loaded while any instance it created
 *   is alive.
 *
 * VERSIONING
 *   METRICS_ABI_MAJOR changes only when an existing field or meaning changes; the host
 *   refuses a module of another major, with a message naming both. METRICS_ABI_MINOR grows
 *   when a field is appended to a struct or an entry to a table. Every extensible struct
 *   begins with `struct_size`; a reader treats a field that lies beyond the writer's
 *   struct_size as absent (zero / NULL). Fields are never reordered, reused or removed, and
 *   enum values are pinned by number. metrics_tag_t and metrics_str_t are frozen: they sit
 *   in arrays and never grow.
 *
 * THREADING
 *   emit and event may be called from many threads at once on the same instance, unless
 *   the class sets METRICS_CAP_SINGLE_THREADED, in which case the host serialises every
 *   call to that instance. create, flush and destroy are never called concurrently with
 *   each other for one instance; destroy is called after the last emit has returned.
 *
 * Version history:
 *   1.0  first release.
 */
#ifndef METRICS_ABI_H
#define METRICS_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define METRICS_ABI_MAJOR 1
#define METRICS_ABI_MINOR 0

/* The one symbol a module exports. Its type is metrics_module_entry_fn. */
#define METRICS_MODULE_ENTRY_SYMBOL "metrics_module_entry"

#if defined(_WIN32)
#define METRICS_ABI_EXPORT __declspec(dllexport)
#else
#define METRICS_ABI_EXPORT __attribute__((visibility("default")))
#endif

/* A borrowed string view: `data` need not be NUL-terminated. Frozen. */
typedef struct metrics_str_t {
  const char* data;
  size_t size;
} metrics_str_t;

/* One tag. Frozen: it is laid out in arrays. */
typedef struct metrics_tag_t {
  metrics_str_t key;
  metrics_str_t value;
} metrics_tag_t;

/* What kind of measurement a sample is. Values are pinned. */
typedef enum metrics_kind_t {
  METRICS_KIND_COUNTER = 0,      /* value is the increment */
  METRICS_KIND_GAUGE = 1,        /* value is the absolute level */
  METRICS_KIND_TIMING = 2,       /* value is a duration in milliseconds */
  METRICS_KIND_DISTRIBUTION = 3, /* value is one observation, in `unit` */
  METRICS_KIND_SET = 4           /* `set_member` is the member; value is unused */
} metrics_kind_t;

/* Result codes: 0 is success, errors are negative. Values are pinned. */
typedef enum metrics_status_t {
  METRICS_OK = 0,
  METRICS_ERR_INVALID = -1,  /* the input was refused */
  METRICS_ERR_DROPPED = -2,  /* accepted but dropped (buffer full, rate limit) */
  METRICS_ERR_TIMEOUT = -3,  /* a flush did not finish before its deadline */
  METRICS_ERR_INTERNAL = -4, /* anything else, an exception caught included */
  METRICS_ERR_UNSUPPORTED = -5
} metrics_status_t;

/* One measurement, built by the host for one emit call and valid only during it. */
typedef struct metrics_sample_t {
  uint32_t struct_size;
  uint32_t kind;             /* a metrics_kind_t */
  metrics_str_t name;        /* full name, configured prefix already applied */
  double value;              /* see metrics_kind_t */
  double sample_rate;        /* in (0, 1]; the host already sampled, this is for |@rate */
  metrics_str_t unit;        /* empty when none was given */
  metrics_str_t instance;    /* empty when none was given */
  const metrics_tag_t* tags; /* merged and filtered tags, keys unique */
  size_t tag_count;
  metrics_str_t set_member;  /* METRICS_KIND_SET only: the member's text */
  int64_t timestamp_unix_ns; /* wall clock of the call; 0 = not taken */
} metrics_sample_t;

/* Event alert types, as DogStatsD and the Datadog API define them. Values pinned. */
typedef enum metrics_alert_type_t {
  METRICS_ALERT_INFO = 0,
  METRICS_ALERT_WARNING = 1,
  METRICS_ALERT_ERROR = 2,
  METRICS_ALERT_SUCCESS = 3
} metrics_alert_type_t;

typedef enum metrics_priority_t {
  METRICS_PRIORITY_NORMAL = 0,
  METRICS_PRIORITY_LOW = 1
} metrics_priority_t;

/* An event (title and text), the DogStatsD `_e` and Datadog /api/v1/events payload. */
typedef struct metrics_event_t {
  uint32_t struct_size;
  uint32_t alert_type; /* a metrics_alert_type_t */
  metrics_str_t title;
  metrics_str_t text;
  const metrics_tag_t* tags;
  size_t tag_count;
  int64_t timestamp_unix_s; /* 0: let the receiver set it */
  uint32_t priority;        /* a metrics_priority_t */
  uint32_t reserved0;
  metrics_str_t hostname;         /* may be empty */
  metrics_str_t aggregation_key;  /* may be empty */
  metrics_str_t source_type_name; /* may be empty */
} metrics_event_t;

/* ---- Options ----------------------------------------------------------------------- */

/* Types of backend options, as they appear in TOML. Values pinned. */
typedef enum metrics_option_type_t {
  METRICS_OPTION_STRING = 0,
  METRICS_OPTION_INT = 1,   /* int64_t */
  METRICS_OPTION_FLOAT = 2, /* double; a TOML integer is accepted too */
  METRICS_OPTION_BOOL = 3,
  METRICS_OPTION_STRING_LIST = 4, /* TOML array of strings */
  METRICS_OPTION_TAGS = 5         /* TOML table of scalars, or array of "k:v" strings: a tag set */
} metrics_option_type_t;

/* Option flags. */
#define METRICS_OPTION_REQUIRED 0x1u  /* create is refused when the option is absent */
#define METRICS_OPTION_SECRET 0x2u    /* never printed; may be given as "env:NAME" */
#define METRICS_OPTION_HAS_RANGE 0x4u /* INT/FLOAT: min_value..max_value, inclusive */

/* One entry of a class's option schema. Static, owned by the plugin. */
typedef struct metrics_option_spec_t {
  uint32_t struct_size;
  uint32_t type;           /* a metrics_option_type_t */
  const char* name;        /* TOML key under [metrics.options] */
  const char* description; /* one line, for `metricsctl describe` */
  /* The default in text form, NULL for none: a STRING as it is ("127.0.0.1"), any other
   * type as TOML writes its value ("8125", "true", "[\"a\"]", "{ env = \"prod\" }"). */
  const char* default_value;
  uint32_t flags; /* METRICS_OPTION_* */
  uint32_t reserved0;
  double min_value; /* with METRICS_OPTION_HAS_RANGE */
  double max_value;
  const char* const* choices; /* STRING only: NULL-terminated list of allowed values, or NULL */
} metrics_option_spec_t;

/* One validated option value handed to create. The host fills one for every entry of the
 * schema, in schema order, defaults applied; `is_set` is 0 when neither the config nor the
 * default gave a value. Secrets arrive resolved (the environment variable already read). */
typedef struct metrics_option_value_t {
  uint32_t struct_size;
  uint32_t type;      /* the schema's type */
  metrics_str_t name; /* the schema's name */
  int32_t is_set;
  int32_t from_config; /* 1 when the config file gave it, 0 when it is the default */
  int64_t int_value;
  double float_value;
  int32_t bool_value;
  int32_t reserved0;
  metrics_str_t string_value;      /* STRING */
  const metrics_str_t* list_items; /* STRING_LIST: items; TAGS: key, value, key, value... */
  size_t list_size;                /* number of metrics_str_t in list_items */
} metrics_option_value_t;

/* ---- Host services ------------------------------------------------------------------ */

typedef enum metrics_log_level_t {
  METRICS_LOG_TRACE = 0,
  METRICS_LOG_DEBUG = 1,
  METRICS_LOG_INFO = 2,
  METRICS_LOG_WARN = 3,
  METRICS_LOG_ERROR = 4
} metrics_log_level_t;

/* Write one line through the host's `metrics` logger. Thread-safe. The host rate-limits
 * repeated messages, so a plugin may call this from a failing loop. */
typedef void (*metrics_host_log_fn)(void* host_context, uint32_t level, metrics_str_t message);

/* Add `delta` to the host's self-telemetry counter `name` (e.g. "dropped.queue_full").
 * Thread-safe; the host copies the name. */
typedef void (*metrics_host_count_fn)(void* host_context, metrics_str_t name, int64_t delta);

/* Services the host offers a plugin instance. Valid from create until destroy returns. */
typedef struct metrics_host_api_t {
  uint32_t struct_size;
  uint32_t reserved0;
  void* host_context; /* pass back to every callback */
  metrics_host_log_fn log;
  metrics_host_count_fn count;
} metrics_host_api_t;

/* ---- The backend class ------------------------------------------------------------- */

/* Everything create needs. Valid for the create call only; copy what you keep. */
typedef struct metrics_create_args_t {
  uint32_t struct_size;
  uint32_t reserved0;
  metrics_str_t class_name;
  const metrics_option_value_t* const* options; /* one per schema entry, in schema order */
  size_t option_count;
  const metrics_host_api_t* host; /* valid until destroy returns */
} metrics_create_args_t;

/* Create an instance. On success store it in *out_instance and return METRICS_OK. On
 * failure return a negative status and write a NUL-terminated reason into error_buffer
 * (host-owned, error_buffer_size bytes; truncate if longer). */
typedef int32_t (*metrics_backend_create_fn)(const metrics_create_args_t* args, void** out_instance,
                                             char* error_buffer, size_t error_buffer_size);

/* Take one sample. Must not block on I/O and must not throw. */
typedef int32_t (*metrics_backend_emit_fn)(void* instance, const metrics_sample_t* sample);

/* Send what is buffered, waiting at most timeout_ms (<0: no limit). */
typedef int32_t (*metrics_backend_flush_fn)(void* instance, int64_t timeout_ms);

/* Release the instance. The host flushes first when a flush is wanted. */
typedef void (*metrics_backend_destroy_fn)(void* instance);

/* Optional: take one event. NULL when the class has no events. */
typedef int32_t (*metrics_backend_event_fn)(void* instance, const metrics_event_t* event);

/* The function table. create, emit and destroy are required; the rest may be NULL. */
typedef struct metrics_backend_vtable_t {
  uint32_t struct_size;
  uint32_t reserved0;
  metrics_backend_create_fn create;
  metrics_backend_emit_fn emit;
  metrics_backend_flush_fn flush; /* optional */
  metrics_backend_destroy_fn destroy;
  metrics_backend_event_fn event; /* optional */
  /* New entries go at the end only, with the minor version that added them. */
} metrics_backend_vtable_t;

/* Capability flags of a class. */
#define METRICS_CAP_SINGLE_THREADED 0x1u /* the host serialises calls into an instance */
#define METRICS_CAP_TAGS 0x2u            /* the backend keeps tags (else the host may skip them) */
#define METRICS_CAP_EVENTS 0x4u          /* event() does something */

typedef struct metrics_backend_class_t {
  uint32_t struct_size;
  uint32_t capabilities; /* METRICS_CAP_* */
  const char* name;      /* the class part of the dotted name, e.g. "StatsdMetricsBackend" */
  const char* summary;   /* one line */
  const metrics_option_spec_t* const* options; /* option_count pointers */
  size_t option_count;
  const metrics_backend_vtable_t* vtable;
} metrics_backend_class_t;

/* What the entry symbol returns. Static, owned by the plugin. */
typedef struct metrics_module_descriptor_t {
  uint32_t struct_size;
  uint16_t abi_major; /* METRICS_ABI_MAJOR the module was built with */
  uint16_t abi_minor;
  const char* module_name;                       /* dotted module name, e.g. "metrics.statsd" */
  const char* module_version;                    /* free-form, e.g. "1.2.0" */
  const metrics_backend_class_t* const* classes; /* class_count pointers */
  size_t class_count;
} metrics_module_descriptor_t;

/* The entry symbol. The host passes its own ABI version so a module can refuse an older
 * host (by returning NULL) or adapt. Must not throw; may return NULL. */
typedef const metrics_module_descriptor_t* (*metrics_module_entry_fn)(uint32_t host_abi_major,
                                                                      uint32_t host_abi_minor);

/* True when `field` of the struct pointed to by `ptr` lies within the writer's struct_size.
 * Use it before reading any field added after 1.0. */
#define METRICS_HAS_FIELD(ptr, type, field) \
  ((ptr) != NULL &&                         \
   (size_t)(ptr)->struct_size >= offsetof(type, field) + sizeof(((const type*)0)->field))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* METRICS_ABI_H */
