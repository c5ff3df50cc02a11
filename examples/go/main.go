// Streams a completion from a GGUF model through libgpt4all (the C ABI), with cgo.
//
//	DIR=node_modules/@gpt4all/core-linux-x64-cpu-avx2   # an installed platform package
//	CGO_CFLAGS="-I$DIR" CGO_LDFLAGS="-L$DIR -Wl,-rpath,$DIR" go run . model.gguf "The capital of France is" 64
//
// Go's build cache does not notice a changed gpt4all.h outside this module: after upgrading the
// package, build once with `go build -a` (or `go clean -cache`).
//
// Generation is greedy, so the output is the same as @gpt4all/core's
// `context.generate(prompt, { maxTokens, temperature: 0 })` and the C example's.
package main

/*
#cgo LDFLAGS: -lgpt4all
#include <stdint.h>
#include <stdlib.h>
#include "gpt4all.h"

extern int goOnToken(char *text, size_t length, int32_t token, uintptr_t handle);

// The C side of the token callback: user_data carries a cgo.Handle to the Go function.
static inline bool on_token(const char *text, size_t length, int32_t token, void *user_data) {
	return goOnToken((char *)text, length, token, (uintptr_t)user_data) != 0;
}

static inline gpt4all_status generate_streaming(gpt4all_context *context, const int32_t *prompt, size_t n_prompt,
	gpt4all_generate_options *options, uintptr_t handle, gpt4all_generation *result) {
	options->on_token = on_token;
	options->user_data = (void *)handle;
	return gpt4all_generate(context, prompt, n_prompt, options, result);
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime/cgo"
	"strconv"
	"unsafe"
)

// Error is a failed call: its stable code (ERR_...) and message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func check(status C.gpt4all_status) error {
	if status == C.GPT4ALL_STATUS_OK {
		return nil
	}
	return &Error{C.GoString(C.gpt4all_status_code(C.int32_t(status))), C.GoString(C.gpt4all_last_error_message())}
}

//export goOnToken
func goOnToken(text *C.char, length C.size_t, token C.int32_t, handle C.uintptr_t) C.int {
	onToken := cgo.Handle(handle).Value().(func(string) bool)
	if onToken(C.GoStringN(text, C.int(length))) {
		return 1
	}
	return 0
}

// generate greedily continues prompt for at most maxTokens tokens, calling onToken with each
// piece of text as it is produced.
func generate(modelPath, prompt string, maxTokens int, onToken func(string) bool) error {
	path := C.CString(modelPath)
	defer C.free(unsafe.Pointer(path))
	var model *C.gpt4all_model
	if err := check(C.gpt4all_model_load(path, nil, &model)); err != nil {
		return err
	}
	defer C.gpt4all_model_free(model)

	text := C.CString(prompt)
	defer C.free(unsafe.Pointer(text))
	var n C.size_t
	// The first call reports the size needed (GPT4ALL_STATUS_BUFFER_TOO_SMALL).
	C.gpt4all_tokenize(model, text, C.size_t(len(prompt)), true, true, nil, 0, &n)
	tokens := make([]C.int32_t, n+1)
	if err := check(C.gpt4all_tokenize(model, text, C.size_t(len(prompt)), true, true, &tokens[0], n+1, &n)); err != nil {
		return err
	}

	contextOptions := C.gpt4all_context_options_default()
	contextOptions.context_size = 512
	contextOptions.threads = 2
	var context *C.gpt4all_context
	if err := check(C.gpt4all_context_create(model, &contextOptions, &context)); err != nil {
		return err
	}
	defer C.gpt4all_context_free(context)

	options := C.gpt4all_generate_options_default()
	options.max_tokens = C.int32_t(maxTokens)
	options.temperature = 0
	handle := cgo.NewHandle(onToken)
	defer handle.Delete()
	var result C.gpt4all_generation
	result.struct_size = C.size_t(unsafe.Sizeof(result))
	return check(C.generate_streaming(context, &tokens[0], n, &options, C.uintptr_t(handle), &result))
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintf(os.Stderr, "usage: %s <model.gguf> <prompt> [max_tokens]\n", os.Args[0])
		os.Exit(2)
	}
	maxTokens := 64
	if len(os.Args) > 3 {
		maxTokens, _ = strconv.Atoi(os.Args[3])
	}
	err := generate(os.Args[1], os.Args[2], maxTokens, func(text string) bool {
		os.Stdout.WriteString(text)
		return true
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
