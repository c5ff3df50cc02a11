// The C API that bindgen exposes to Rust: llama.h, plus ggml's device API (listing GPUs) and
// CPU threadpool API (a persistent pool per context, as llama.cpp's own tools use), and the RPC
// backend's protocol version (its functions are looked up in its module at run time).
#include "llama.h"
#include "src/guard.h"
#include "src/grammar.h"
#include "src/device_memory.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "ggml-rpc.h"
