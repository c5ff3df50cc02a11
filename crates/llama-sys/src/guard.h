// Guarded llama.cpp calls (guard.cpp): fatal assertions reached inside them are reported in
// `assertion` (a NUL-terminated message, empty when none fired) instead of aborting the process.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "llama.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llama_model * gpt4all_model_load_guarded(const char * path, struct llama_model_params params, char * assertion,
                                                size_t assertion_size);
struct llama_context * gpt4all_init_from_model_guarded(struct llama_model * model, struct llama_context_params params,
                                                       char * assertion, size_t assertion_size);
uint32_t gpt4all_model_quantize_guarded(const char * input, const char * output,
                                        const struct llama_model_quantize_params * params, char * assertion,
                                        size_t assertion_size);

int32_t gpt4all_tokenize_guarded(const struct llama_vocab * vocab, const char * text, int32_t text_len,
                                 llama_token * tokens, int32_t n_tokens_max, bool add_special, bool parse_special,
                                 char * assertion, size_t assertion_size);
int32_t gpt4all_token_to_piece_guarded(const struct llama_vocab * vocab, llama_token token, char * buf, int32_t length,
                                       int32_t lstrip, bool special, char * assertion, size_t assertion_size);

struct llama_sampler * gpt4all_sampler_init_grammar_guarded(const struct llama_vocab * vocab, const char * grammar,
                                                            const char * root, bool lazy,
                                                            const char ** trigger_patterns, size_t n_patterns,
                                                            const llama_token * trigger_tokens, size_t n_tokens,
                                                            char * assertion, size_t assertion_size);
ggml_backend_reg_t gpt4all_rpc_add_server_guarded(ggml_backend_reg_t (*add_server)(const char *), const char * endpoint,
                                                  char * assertion, size_t assertion_size);
bool gpt4all_sampler_accept_guarded(struct llama_sampler * sampler, llama_token token, char * assertion,
                                    size_t assertion_size);

#ifdef __cplusplus
}
#endif
