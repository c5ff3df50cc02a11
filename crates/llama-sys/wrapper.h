// The C API that bindgen exposes to Rust: llama.h, plus ggml's device API (listing GPUs) and
// CPU threadpool API (a persistent pool per context, as llama.cpp's own tools use).
#include "llama.h"
#include "src/guard.h"
#include "src/grammar.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"
