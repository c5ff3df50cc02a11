// A device that offers less memory than it has (device_memory.cpp).
#pragma once
#include <stddef.h>
#include "ggml-backend.h"

#ifdef __cplusplus
extern "C" {
#endif

ggml_backend_dev_t gpt4all_device_with_memory(ggml_backend_dev_t device, size_t bytes);

#ifdef __cplusplus
}
#endif
