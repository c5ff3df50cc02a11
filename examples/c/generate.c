/*
 * Streams a completion from a GGUF model through libgpt4all (the C ABI).
 *
 *   cc -std=c99 generate.c -I<dir> -L<dir> -lgpt4all -Wl,-rpath,<dir> -o generate
 *   ./generate model.gguf "The capital of France is" 64
 *
 * <dir> is the directory of an installed platform package, such as
 * node_modules/@gpt4all/core-linux-x64-cpu-avx2: it holds gpt4all.h, libgpt4all and the CPU
 * modules that the library loads from beside itself. Generation is greedy, so the output is the
 * same as @gpt4all/core's `context.generate(prompt, { maxTokens, temperature: 0 })`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpt4all.h"

static bool print_token(const char *text, size_t length, int32_t token, void *user_data) {
    (void)token;
    (void)user_data;
    fwrite(text, 1, length, stdout);
    fflush(stdout);
    return true;
}

/* Prints why a call failed and exits. */
static void check(gpt4all_status status, const char *what) {
    if (status != GPT4ALL_STATUS_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, gpt4all_status_code(status), gpt4all_last_error_message());
        exit(1);
    }
}

int main(int argc, char **argv) {
    gpt4all_model *model = NULL;
    gpt4all_context *context = NULL;
    gpt4all_context_options context_options = gpt4all_context_options_default();
    gpt4all_generate_options options = gpt4all_generate_options_default();
    gpt4all_generation result;
    int32_t *prompt = NULL;
    size_t n_prompt = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: %s <model.gguf> <prompt> [max_tokens]\n", argv[0]);
        return 2;
    }
    check(gpt4all_model_load(argv[1], NULL, &model), "load");

    /* Ask for the size first, then tokenize into a buffer of that size. */
    if (gpt4all_tokenize(model, argv[2], strlen(argv[2]), true, true, NULL, 0, &n_prompt) != GPT4ALL_STATUS_BUFFER_TOO_SMALL) {
        check(GPT4ALL_STATUS_INVALID_ARGUMENT, "tokenize");
    }
    prompt = malloc(n_prompt * sizeof *prompt);
    check(gpt4all_tokenize(model, argv[2], strlen(argv[2]), true, true, prompt, n_prompt, &n_prompt), "tokenize");

    context_options.context_size = 512;
    context_options.threads = 2;
    check(gpt4all_context_create(model, &context_options, &context), "context");

    options.max_tokens = argc > 3 ? atoi(argv[3]) : 64;
    options.temperature = 0.0f;
    options.on_token = print_token;
    result.struct_size = sizeof result;
    check(gpt4all_generate(context, prompt, n_prompt, &options, &result), "generate");
    fprintf(stderr, "\n[%zu prompt tokens, %zu generated, finish reason %d, %.1f ms]\n", result.prompt_tokens,
            result.completion_tokens, (int)result.finish_reason, result.generate_ms);

    free(prompt);
    gpt4all_context_free(context);
    gpt4all_model_free(model);
    return 0;
}
