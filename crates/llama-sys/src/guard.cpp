// Fatal assertions as errors, for the llama.cpp calls that read a model file's metadata and vocabulary.
//
// llama.cpp checks many metadata values with GGML_ASSERT/GGML_ABORT, which end in abort(): a
// crafted file would kill the host process. ggml lets a program install one abort callback
// (ggml_set_abort_callback). Ours throws a C++ exception instead of returning, but only on a
// thread that is inside one of the guarded calls below; llama.cpp's loader already turns
// exceptions into a failed load, and these wrappers catch whatever escapes. Every assertion the
// loader can reach is covered this way, including ones added by a future llama.cpp, without a
// list to keep. Elsewhere (decoding, ggml's worker threads) an assertion still aborts: there it
// means a bug, and unwinding through a running compute graph would not be safe.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "ggml.h"
#include "guard.h"

namespace {

thread_local bool t_guarded = false;
thread_local char t_assertion[1024];

struct assertion_failed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void on_abort(const char * message) {
    if (t_guarded) {
        std::snprintf(t_assertion, sizeof t_assertion, "%s", message);
        throw assertion_failed(message);
    }
    // ggml's default without a callback: the message on stderr, then abort().
    std::fprintf(stderr, "%s\n", message);
}

void install() {
    static std::once_flag once;
    std::call_once(once, [] { ggml_set_abort_callback(on_abort); });
}

// Runs `call` with assertions turned into exceptions. Returns its result, or `fallback` when an
// assertion (or any other exception) escaped; `assertion` receives the assertion's message, or ""
// when there was none.
template <typename T, typename F>
T guarded(F call, T fallback, char * assertion, size_t assertion_size) {
    install();
    t_assertion[0] = '\0';
    t_guarded = true;
    T result = fallback;
    try {
        result = call();
    } catch (const std::exception & e) {
        if (t_assertion[0] == '\0') {
            std::snprintf(t_assertion, sizeof t_assertion, "%s", e.what());
        }
    } catch (...) {
        if (t_assertion[0] == '\0') {
            std::snprintf(t_assertion, sizeof t_assertion, "unknown exception");
        }
    }
    t_guarded = false;
    if (assertion != nullptr && assertion_size > 0) {
        std::snprintf(assertion, assertion_size, "%s", t_assertion);
    }
    return result;
}

}  // namespace

extern "C" {

// llama_model_load_from_file, with llama.cpp's assertions reported in `assertion` (NUL-terminated,
// empty when none fired) instead of aborting. NULL on any failure, as llama.cpp returns.
struct llama_model * gpt4all_model_load_guarded(const char * path, struct llama_model_params params, char * assertion,
                                                size_t assertion_size) {
    return guarded<struct llama_model *>([&] { return llama_model_load_from_file(path, params); }, nullptr, assertion,
                                         assertion_size);
}

// llama_init_from_model, guarded the same way: context creation reads hyperparameters too.
struct llama_context * gpt4all_init_from_model_guarded(struct llama_model * model, struct llama_context_params params,
                                                       char * assertion, size_t assertion_size) {
    return guarded<struct llama_context *>([&] { return llama_init_from_model(model, params); }, nullptr, assertion,
                                           assertion_size);
}

// llama_model_quantize, guarded the same way (it reads the input file's metadata); returns 1 when
// an assertion fired.
uint32_t gpt4all_model_quantize_guarded(const char * input, const char * output,
                                        const struct llama_model_quantize_params * params, char * assertion,
                                        size_t assertion_size) {
    return guarded<uint32_t>([&] { return llama_model_quantize(input, output, params); }, 1u, assertion,
                             assertion_size);
}

// llama_tokenize, guarded the same way: a broken vocabulary (a missing byte token, no tokenizer)
// meets an assertion or an out_of_range exception only when text needs it. INT32_MIN when one
// fired.
int32_t gpt4all_tokenize_guarded(const struct llama_vocab * vocab, const char * text, int32_t text_len,
                                 llama_token * tokens, int32_t n_tokens_max, bool add_special, bool parse_special,
                                 char * assertion, size_t assertion_size) {
    return guarded<int32_t>(
        [&] { return llama_tokenize(vocab, text, text_len, tokens, n_tokens_max, add_special, parse_special); },
        INT32_MIN, assertion, assertion_size);
}

// llama_token_to_piece, guarded the same way. INT32_MIN when an assertion fired.
int32_t gpt4all_token_to_piece_guarded(const struct llama_vocab * vocab, llama_token token, char * buf, int32_t length,
                                       int32_t lstrip, bool special, char * assertion, size_t assertion_size) {
    return guarded<int32_t>([&] { return llama_token_to_piece(vocab, token, buf, length, lstrip, special); },
                            INT32_MIN, assertion, assertion_size);
}

}  // extern "C"

extern "C" {

// llama_sampler_accept for a grammar sampler: false, with the reason in `assertion`, when the
// grammar cannot take the token's text. That happens when a lazy grammar's trigger fires on text
// the grammar does not start with (llama.cpp throws from llama_grammar_accept_str), or when a
// complete grammar is handed a token it has no room for (GGML_ABORT).
bool gpt4all_sampler_accept_guarded(struct llama_sampler * sampler, llama_token token, char * assertion,
                                    size_t assertion_size) {
    return guarded<bool>([&] { llama_sampler_accept(sampler, token); return true; }, false, assertion, assertion_size);
}

}  // extern "C"

extern "C" {

// llama_sampler_init_grammar / _lazy_patterns, guarded: an invalid trigger pattern makes
// std::regex throw, which would end the process. NULL, with the reason in `assertion`.
struct llama_sampler * gpt4all_sampler_init_grammar_guarded(const struct llama_vocab * vocab, const char * grammar,
                                                            const char * root, bool lazy,
                                                            const char ** trigger_patterns, size_t n_patterns,
                                                            const llama_token * trigger_tokens, size_t n_tokens,
                                                            char * assertion, size_t assertion_size) {
    return guarded<struct llama_sampler *>(
        [&] {
            return lazy ? llama_sampler_init_grammar_lazy_patterns(vocab, grammar, root, trigger_patterns, n_patterns,
                                                                   trigger_tokens, n_tokens)
                        : llama_sampler_init_grammar(vocab, grammar, root);
        },
        nullptr, assertion, assertion_size);
}

}  // extern "C"

extern "C" {

// ggml_backend_rpc_add_server (a function of the RPC module, looked up through ggml's registry),
// guarded: it connects to the worker and asks for its devices, and ggml-rpc aborts when the
// connection cannot be made. NULL, with the reason in `assertion` when one fired, or when the
// worker has no devices.
ggml_backend_reg_t gpt4all_rpc_add_server_guarded(ggml_backend_reg_t (*add_server)(const char *), const char * endpoint,
                                                  char * assertion, size_t assertion_size) {
    return guarded<ggml_backend_reg_t>([&] { return add_server(endpoint); }, nullptr, assertion, assertion_size);
}

}  // extern "C"
