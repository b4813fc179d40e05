/* Test module "test.wrongmajor": claims an ABI major this host does not speak. */
#include <metrics/abi.h>

static const metrics_module_descriptor_t the_module = {sizeof(metrics_module_descriptor_t),
                                                       METRICS_ABI_MAJOR + 1,
                                                       3,
                                                       "test.wrongmajor",
                                                       "9.0",
                                                       NULL,
                                                       0};

METRICS_ABI_EXPORT const metrics_module_descriptor_t* metrics_module_entry(uint32_t major,
                                                                           uint32_t minor) {
  (void)major;
  (void)minor;
  return &the_module;
}
