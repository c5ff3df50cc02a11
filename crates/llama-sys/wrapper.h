// The C API that bindgen exposes to Rust: llama.h, plus the ggml device API for listing GPUs.
#include "llama.h"
#include "ggml-backend.h"
