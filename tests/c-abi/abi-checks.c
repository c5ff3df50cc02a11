/*
 * Bad input through the C ABI returns a status and never crashes. Each case is one run:
 *
 *   abi-checks <case> <model.gguf> [<scratch dir>]
 *
 * and prints "ok <case>" on success; a failed check prints its line and exits with 1. Driven by
 * tests/c-abi.test.ts, which compiles this file as strict C99 against the installed header.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpt4all.h"

#define CHECK(condition)                                                                                   \
    do {                                                                                                   \
        if (!(condition)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__, #condition, \
                    gpt4all_last_error_message());                                                         \
            exit(1);                                                                                       \
        }                                                                                                  \
    } while (0)
#define EXPECT_STATUS(call, expected) CHECK((call) == (expected))

static const char *model_path;

static gpt4all_model *load(void) {
    gpt4all_model *model = NULL;
    EXPECT_STATUS(gpt4all_model_load(model_path, NULL, &model), GPT4ALL_STATUS_OK);
    CHECK(model != NULL);
    return model;
}

static gpt4all_context *create(gpt4all_model *model, bool embeddings) {
    gpt4all_context *context = NULL;
    gpt4all_context_options options = gpt4all_context_options_default();
    options.context_size = 256;
    options.threads = 2;
    options.embeddings = embeddings;
    EXPECT_STATUS(gpt4all_context_create(model, &options, &context), GPT4ALL_STATUS_OK);
    return context;
}

static size_t tokenize(gpt4all_model *model, const char *text, int32_t *tokens, size_t capacity) {
    size_t n = 0;
    EXPECT_STATUS(gpt4all_tokenize(model, text, strlen(text), true, false, tokens, capacity, &n), GPT4ALL_STATUS_OK);
    return n;
}

static void sleep_ms(long ms) {
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
}

static gpt4all_generate_options greedy(int32_t max_tokens) {
    gpt4all_generate_options options = gpt4all_generate_options_default();
    options.temperature = 0.0f;
    options.max_tokens = max_tokens;
    return options;
}

/* NULL handles and pointers: every call returns a status. */
static void null_arguments(void) {
    gpt4all_model *model = load();
    gpt4all_context *context = create(model, false);
    gpt4all_model *no_model = NULL;
    gpt4all_context *no_context = NULL;
    gpt4all_model_info info;
    int32_t tokens[8];
    char text[8];
    size_t n = 0;
    float embedding[8];

    EXPECT_STATUS(gpt4all_model_load(NULL, NULL, &no_model), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_model_load(model_path, NULL, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_model_get_info(NULL, &info), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_model_get_info(model, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_tokenize(NULL, "a", 1, true, false, tokens, 8, &n), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_tokenize(model, NULL, 1, true, false, tokens, 8, &n), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_tokenize(model, "a", 1, true, false, tokens, 8, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_detokenize(model, NULL, 3, false, text, 8, &n), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_detokenize(model, tokens, 0, false, text, 8, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_context_create(NULL, NULL, &no_context), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_context_create(model, NULL, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_generate(NULL, tokens, 1, NULL, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_generate(context, NULL, 4, NULL, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_generate(context, tokens, 0, NULL, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_embed(NULL, tokens, 1, true, embedding, 8, &n), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_context_abort(NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_context_clear(NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_quantize(NULL, NULL, NULL, 0), GPT4ALL_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(gpt4all_last_error_message(), "NULL") != NULL);
    {
        /* A stop list with a NULL entry. */
        const char *stops[2] = {"a", NULL};
        gpt4all_generate_options options = greedy(4);
        options.stop = stops;
        options.n_stop = 2;
        n = tokenize(model, "Hello", tokens, 8);
        EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    }
    /* Freeing NULL is a no-op, as free(NULL) is. */
    EXPECT_STATUS(gpt4all_context_free(NULL), GPT4ALL_STATUS_OK);
    EXPECT_STATUS(gpt4all_model_free(NULL), GPT4ALL_STATUS_OK);
    EXPECT_STATUS(gpt4all_context_free(context), GPT4ALL_STATUS_OK);
    EXPECT_STATUS(gpt4all_model_free(model), GPT4ALL_STATUS_OK);
}

/* Invalid UTF-8 is refused, whatever the tokenizer. */
static void invalid_utf8(void) {
    gpt4all_model *model = load();
    gpt4all_model *other = NULL;
    const char bad[] = {'a', 'b', (char)0xC3, (char)0x28, 'c'};
    const char *overlong = "\xC0\xAF";
    int32_t tokens[16];
    size_t n = 0;
    const char *stops[1];
    gpt4all_context *context = create(model, false);
    gpt4all_generate_options options = greedy(4);

    EXPECT_STATUS(gpt4all_tokenize(model, bad, sizeof bad, true, false, tokens, 16, &n), GPT4ALL_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(gpt4all_last_error_message(), "UTF-8") != NULL);
    CHECK(strstr(gpt4all_last_error_message(), "byte 2") != NULL);
    EXPECT_STATUS(gpt4all_tokenize(model, overlong, 2, true, false, tokens, 16, &n), GPT4ALL_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(gpt4all_model_load("\xFF\xFE.gguf", NULL, &other), GPT4ALL_STATUS_INVALID_ARGUMENT);
    CHECK(other == NULL);
    stops[0] = overlong;
    options.stop = stops;
    options.n_stop = 1;
    n = tokenize(model, "Hello", tokens, 16);
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    /* Text with an embedded NUL is text: its length says where it ends. */
    EXPECT_STATUS(gpt4all_tokenize(model, "a\0b", 3, false, false, tokens, 16, &n), GPT4ALL_STATUS_OK);
    gpt4all_context_free(context);
    gpt4all_model_free(model);
}

/* Buffers that are too small: the call says the size it needs and writes nothing. */
static void small_buffers(void) {
    gpt4all_model *model = load();
    gpt4all_context *embedder = create(model, true);
    const char *text = "The quick brown fox jumps over the lazy dog";
    int32_t tokens[64];
    int32_t sentinel[2] = {-7, -7};
    size_t needed = 0, n = 0, length = 0, dimensions = 0;
    char small[4] = {'x', 'x', 'x', 'x'};
    char *full;
    float one[1] = {42.0f};
    float *embedding;
    gpt4all_model_info info;

    EXPECT_STATUS(gpt4all_tokenize(model, text, strlen(text), true, false, NULL, 0, &needed), GPT4ALL_STATUS_BUFFER_TOO_SMALL);
    CHECK(needed > 2);
    EXPECT_STATUS(gpt4all_tokenize(model, text, strlen(text), true, false, sentinel, 2, &n), GPT4ALL_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == needed && sentinel[0] == -7 && sentinel[1] == -7);
    CHECK(strstr(gpt4all_last_error_message(), "needed") != NULL);
    EXPECT_STATUS(gpt4all_tokenize(model, text, strlen(text), true, false, tokens, needed, &n), GPT4ALL_STATUS_OK);
    CHECK(n == needed);

    EXPECT_STATUS(gpt4all_detokenize(model, tokens, n, false, small, sizeof small, &length), GPT4ALL_STATUS_BUFFER_TOO_SMALL);
    CHECK(length >= sizeof small && small[0] == 'x');
    full = malloc(length + 1);
    /* Exactly the text without room for the NUL is still too small. */
    EXPECT_STATUS(gpt4all_detokenize(model, tokens, n, false, full, length, &length), GPT4ALL_STATUS_BUFFER_TOO_SMALL);
    EXPECT_STATUS(gpt4all_detokenize(model, tokens, n, false, full, length + 1, &length), GPT4ALL_STATUS_OK);
    CHECK(strlen(full) == length && strstr(full, "quick brown fox") != NULL);
    free(full);

    info.struct_size = sizeof info;
    EXPECT_STATUS(gpt4all_model_get_info(model, &info), GPT4ALL_STATUS_OK);
    EXPECT_STATUS(gpt4all_embed(embedder, tokens, n, true, one, 1, &dimensions), GPT4ALL_STATUS_BUFFER_TOO_SMALL);
    CHECK(dimensions == info.embedding_length && one[0] == 42.0f);
    embedding = malloc(dimensions * sizeof *embedding);
    EXPECT_STATUS(gpt4all_embed(embedder, tokens, n, true, embedding, dimensions, &dimensions), GPT4ALL_STATUS_OK);
    {
        double norm = 0;
        size_t i;
        for (i = 0; i < dimensions; i++) norm += (double)embedding[i] * embedding[i];
        CHECK(norm > 0.999 && norm < 1.001);
    }
    free(embedding);
    gpt4all_context_free(embedder);
    gpt4all_model_free(model);
}

/* Handles used after they were freed, and a context that outlives its model's handle. */
static void freed_handles(void) {
    gpt4all_model *model = load();
    gpt4all_context *context = create(model, false);
    gpt4all_context *late = NULL;
    gpt4all_model_info info;
    gpt4all_generation result;
    gpt4all_generate_options options = greedy(4);
    int32_t tokens[16];
    size_t n = tokenize(model, "Hello there", tokens, 16);

    EXPECT_STATUS(gpt4all_model_free(model), GPT4ALL_STATUS_OK);
    info.struct_size = sizeof info;
    EXPECT_STATUS(gpt4all_model_get_info(model, &info), GPT4ALL_STATUS_DISPOSED);
    CHECK(strstr(gpt4all_last_error_message(), "model") != NULL);
    EXPECT_STATUS(gpt4all_tokenize(model, "a", 1, true, false, tokens, 16, &n), GPT4ALL_STATUS_DISPOSED);
    EXPECT_STATUS(gpt4all_context_create(model, NULL, &late), GPT4ALL_STATUS_DISPOSED);
    CHECK(late == NULL);
    EXPECT_STATUS(gpt4all_model_free(model), GPT4ALL_STATUS_DISPOSED);
    /* The context keeps the weights: it still generates. */
    result.struct_size = sizeof result;
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, &result), GPT4ALL_STATUS_OK);
    CHECK(result.completion_tokens == 4 && result.finish_reason == GPT4ALL_FINISH_REASON_LENGTH);
    EXPECT_STATUS(gpt4all_context_free(context), GPT4ALL_STATUS_OK);
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, &result), GPT4ALL_STATUS_DISPOSED);
    EXPECT_STATUS(gpt4all_context_abort(context), GPT4ALL_STATUS_DISPOSED);
    EXPECT_STATUS(gpt4all_context_free(context), GPT4ALL_STATUS_DISPOSED);
}

struct shared {
    gpt4all_context *context;
    int32_t tokens[16];
    size_t n_tokens;
    volatile int generated;
    volatile int after_abort;
    volatile int aborted;
    gpt4all_status status;
    gpt4all_generation result;
};

static bool count_token(const char *text, size_t length, int32_t token, void *user_data) {
    struct shared *s = user_data;
    (void)text;
    (void)length;
    if (token >= 0) {
        s->generated++;
        if (s->aborted) s->after_abort++;
    }
    /* Slow enough that the other thread finds the context busy. */
    sleep_ms(5);
    return true;
}

static void *generate_on_thread(void *argument) {
    struct shared *s = argument;
    gpt4all_generate_options options = greedy(-1);
    options.on_token = count_token;
    options.user_data = s;
    s->result.struct_size = sizeof s->result;
    s->status = gpt4all_generate(s->context, s->tokens, s->n_tokens, &options, &s->result);
    return NULL;
}

/* A second call on a busy context is refused; an abort from another thread ends the first. */
static void concurrent_calls_and_abort(void) {
    gpt4all_model *model = load();
    struct shared s;
    pthread_t thread;
    gpt4all_generate_options options = greedy(2);
    int32_t tokens[16];
    size_t n;

    memset(&s, 0, sizeof s);
    s.context = create(model, false);
    s.n_tokens = tokenize(model, "Once upon a time", s.tokens, 16);
    n = tokenize(model, "Another prompt", tokens, 16);
    CHECK(pthread_create(&thread, NULL, generate_on_thread, &s) == 0);
    while (s.generated < 3) sleep_ms(1);
    EXPECT_STATUS(gpt4all_generate(s.context, tokens, n, &options, NULL), GPT4ALL_STATUS_CONTEXT_BUSY);
    EXPECT_STATUS(gpt4all_context_clear(s.context), GPT4ALL_STATUS_CONTEXT_BUSY);
    s.aborted = 1;
    EXPECT_STATUS(gpt4all_context_abort(s.context), GPT4ALL_STATUS_OK);
    CHECK(pthread_join(thread, NULL) == 0);
    EXPECT_STATUS(s.status, GPT4ALL_STATUS_OK);
    CHECK(s.result.finish_reason == GPT4ALL_FINISH_REASON_ABORT);
    /* Within one token: the token being emitted when the flag rose may still arrive. */
    CHECK(s.after_abort <= 1);
    CHECK(s.result.completion_tokens < 200);
    /* The context is free again, and the abort does not carry over. */
    EXPECT_STATUS(gpt4all_generate(s.context, tokens, n, &options, &s.result), GPT4ALL_STATUS_OK);
    CHECK(s.result.completion_tokens == 2);
    gpt4all_context_free(s.context);
    gpt4all_model_free(model);
}

/* A panic inside the engine is a status, and the context goes on working. */
static void injected_panic(void) {
    gpt4all_model *model = load();
    gpt4all_context *context = create(model, false);
    gpt4all_generate_options options = greedy(3);
    gpt4all_generation result;
    int32_t tokens[16];
    size_t n = tokenize(model, "Hello", tokens, 16);

    result.struct_size = sizeof result;
    CHECK(setenv("GPT4ALL_INJECT_PANIC", "generate", 1) == 0);
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, &result), GPT4ALL_STATUS_INTERNAL);
    CHECK(strstr(gpt4all_last_error_message(), "injected panic") != NULL);
    CHECK(strcmp(gpt4all_status_code(GPT4ALL_STATUS_INTERNAL), "ERR_INTERNAL") == 0);
    CHECK(unsetenv("GPT4ALL_INJECT_PANIC") == 0);
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, &result), GPT4ALL_STATUS_OK);
    CHECK(result.completion_tokens == 3);
    gpt4all_context_free(context);
    gpt4all_model_free(model);
}

static void write_file(const char *path, const void *bytes, size_t size) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(bytes, 1, size, f) == size);
    fclose(f);
}

static bool cancel_load(float progress, void *user_data) {
    (void)progress;
    (*(int *)user_data)++;
    return false;
}

/* Bad files and bad values: each a status with its code and a message. */
static void bad_input(const char *scratch) {
    gpt4all_model *model = NULL;
    gpt4all_model_options model_options = gpt4all_model_options_default();
    gpt4all_generate_options options = greedy(4);
    gpt4all_context *context;
    char path[4096];
    int32_t tokens[512];
    size_t n = 0;
    int i, calls = 0;
    FILE *source;
    char *bytes;
    long size;

    EXPECT_STATUS(gpt4all_model_load("/nonexistent/model.gguf", NULL, &model), GPT4ALL_STATUS_MODEL_NOT_FOUND);
    CHECK(strcmp(gpt4all_status_code(GPT4ALL_STATUS_MODEL_NOT_FOUND), "ERR_MODEL_NOT_FOUND") == 0);
    CHECK(model == NULL);
    snprintf(path, sizeof path, "%s/garbage.gguf", scratch);
    write_file(path, "this is not a model file at all", 31);
    EXPECT_STATUS(gpt4all_model_load(path, NULL, &model), GPT4ALL_STATUS_NOT_GGUF);
    /* The model cut in half. */
    source = fopen(model_path, "rb");
    CHECK(source != NULL);
    fseek(source, 0, SEEK_END);
    size = ftell(source);
    fseek(source, 0, SEEK_SET);
    bytes = malloc((size_t)size);
    CHECK(fread(bytes, 1, (size_t)size, source) == (size_t)size);
    fclose(source);
    snprintf(path, sizeof path, "%s/truncated.gguf", scratch);
    write_file(path, bytes, (size_t)size / 2);
    free(bytes);
    EXPECT_STATUS(gpt4all_model_load(path, NULL, &model), GPT4ALL_STATUS_INVALID_GGUF);
    CHECK(strstr(gpt4all_last_error_message(), "truncated.gguf") != NULL);
    /* A load cancelled by its progress callback. */
    model_options.progress = cancel_load;
    model_options.progress_user_data = &calls;
    EXPECT_STATUS(gpt4all_model_load(model_path, &model_options, &model), GPT4ALL_STATUS_ABORTED);
    CHECK(calls >= 1 && model == NULL);
    /* An options struct whose size was never set. */
    model_options.struct_size = 0;
    EXPECT_STATUS(gpt4all_model_load(model_path, &model_options, &model), GPT4ALL_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(gpt4all_last_error_message(), "struct_size") != NULL);
    /* RPC workers: a malformed list, and a port nobody listens on (port 1 of loopback). */
    model_options = gpt4all_model_options_default();
    model_options.rpc_workers = "no-port";
    EXPECT_STATUS(gpt4all_model_load(model_path, &model_options, &model), GPT4ALL_STATUS_INVALID_ARGUMENT);
    model_options.rpc_workers = "127.0.0.1:1";
    EXPECT_STATUS(gpt4all_model_load(model_path, &model_options, &model), GPT4ALL_STATUS_RPC_UNAVAILABLE);
    CHECK(strcmp(gpt4all_status_code(GPT4ALL_STATUS_RPC_UNAVAILABLE), "ERR_RPC_UNAVAILABLE") == 0);
    CHECK(strstr(gpt4all_last_error_message(), "127.0.0.1:1") != NULL && strstr(gpt4all_last_error_message(), "refused") != NULL);
    /* A caller built before the RPC fields existed gets none. */
    model_options.struct_size = offsetof(gpt4all_model_options, rpc_workers);
    EXPECT_STATUS(gpt4all_model_load(model_path, &model_options, &model), GPT4ALL_STATUS_OK);
    CHECK(gpt4all_model_free(model) == GPT4ALL_STATUS_OK);
    model = NULL;

    model = load();
    context = create(model, false);
    /* A prompt longer than the context (256 tokens). */
    for (i = 0; i < 300; i++) tokens[i] = 1 + i % 50;
    EXPECT_STATUS(gpt4all_generate(context, tokens, 300, &options, NULL), GPT4ALL_STATUS_CONTEXT_OVERFLOW);
    CHECK(strstr(gpt4all_last_error_message(), "300") != NULL && strstr(gpt4all_last_error_message(), "256") != NULL);
    /* Token ids outside the vocabulary. */
    tokens[0] = -5;
    EXPECT_STATUS(gpt4all_generate(context, tokens, 1, &options, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    tokens[0] = 1 << 30;
    EXPECT_STATUS(gpt4all_detokenize(model, tokens, 1, false, path, sizeof path, &n), GPT4ALL_STATUS_INVALID_ARGUMENT);
    /* Sampling values out of range. */
    n = tokenize(model, "Hello", tokens, 512);
    options.top_p = 2.0f;
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    options = greedy(-2);
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    /* Embedding on a generation context. */
    EXPECT_STATUS(gpt4all_embed(context, tokens, n, true, (float *)path, 4, &n), GPT4ALL_STATUS_BUFFER_TOO_SMALL);
    /* Unknown statuses, levels and file types. */
    CHECK(gpt4all_status_code(-1) == NULL && gpt4all_status_code(1000) == NULL);
    EXPECT_STATUS(gpt4all_log_set(99, NULL, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);
    snprintf(path, sizeof path, "%s/out.gguf", scratch);
    EXPECT_STATUS(gpt4all_quantize(model_path, path, "Q9_9", 1), GPT4ALL_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(gpt4all_last_error_message(), "Q4_0") != NULL);
    gpt4all_context_free(context);
    gpt4all_model_free(model);
}

/* Keeps the id of the last generated token. */
static bool record_token(const char *text, size_t length, int32_t token, void *user_data) {
    (void)text;
    (void)length;
    if (token >= 0) *(int32_t *)user_data = token;
    return true;
}

/* Appends each piece of generated text to a buffer of 512 bytes. */
static bool append_text(const char *text, size_t length, int32_t token, void *user_data) {
    char *buffer = user_data;
    size_t used = strlen(buffer);
    (void)token;
    if (used + length < 512) memcpy(buffer + used, text, length + 1);
    return true;
}

/* Grammars, JSON schemas and logit biases: constrained output, and typed failures. */
static void grammars(void) {
    gpt4all_model *model = load();
    gpt4all_context *context = create(model, false);
    gpt4all_generate_options options = gpt4all_generate_options_default();
    gpt4all_generation result;
    int32_t tokens[64];
    float ban = -INFINITY;
    char text[512] = "";
    size_t n = tokenize(model, "Answer:", tokens, 64);

    result.struct_size = sizeof result;
    options.temperature = 1.0f;
    options.seed = 3;
    options.max_tokens = 40;
    options.on_token = append_text;
    options.user_data = text;
    options.grammar = "root ::= (\"yes\" | \"no\") \"!\"";
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, &result), GPT4ALL_STATUS_OK);
    CHECK(strcmp(text, "yes!") == 0 || strcmp(text, "no!") == 0);
    CHECK(result.finish_reason == GPT4ALL_FINISH_REASON_END_OF_GENERATION);

    options.grammar = "root ::= \"a\"\nitem ::= \"b\" @";
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, NULL), GPT4ALL_STATUS_GRAMMAR_INVALID);
    CHECK(strstr(gpt4all_last_error_message(), "line 2, column 14") != NULL);

    options.grammar = NULL;
    options.json_schema = "{\"type\": \"integer\", \"multipleOf\": 3}";
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, NULL), GPT4ALL_STATUS_SCHEMA_UNSUPPORTED);
    CHECK(strstr(gpt4all_last_error_message(), "multipleOf") != NULL);
    options.json_schema = "{\"type\": ";
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, NULL), GPT4ALL_STATUS_SCHEMA_INVALID);
    options.json_schema = "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 9}},"
                          " \"required\": [\"n\"], \"additionalProperties\": false}";
    text[0] = '\0';
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, &result), GPT4ALL_STATUS_OK);
    CHECK(text[0] == '{' && strstr(text, "\"n\"") != NULL && text[strlen(text) - 1] == '}');
    options.grammar = "root ::= \"a\"";
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, NULL), GPT4ALL_STATUS_INVALID_ARGUMENT);

    /* A banned token is never picked, even greedily. */
    {
        gpt4all_generate_options probe = greedy(1);
        int32_t picked = -1, again = -1;
        probe.on_token = record_token;
        probe.user_data = &picked;
        gpt4all_context_clear(context);
        EXPECT_STATUS(gpt4all_generate(context, tokens, n, &probe, NULL), GPT4ALL_STATUS_OK);
        probe.user_data = &again;
        probe.logit_bias_tokens = &picked;
        probe.logit_bias_values = &ban;
        probe.n_logit_bias = 1;
        gpt4all_context_clear(context);
        EXPECT_STATUS(gpt4all_generate(context, tokens, n, &probe, NULL), GPT4ALL_STATUS_OK);
        CHECK(picked >= 0 && again >= 0 && again != picked);
    }
    gpt4all_context_free(context);
    gpt4all_model_free(model);
}

/* A caller built against an older header passes shorter structs: they still work. */
static void older_structs(void) {
    gpt4all_model *model = load();
    gpt4all_context *context = create(model, false);
    gpt4all_generate_options options = greedy(3);
    gpt4all_generation result;
    int32_t tokens[16];
    size_t n = tokenize(model, "Hello", tokens, 16);

    /* Only the fields up to `seed`: stop strings and the callback take their defaults. */
    options.struct_size = offsetof(gpt4all_generate_options, stop);
    options.on_token = NULL;
    memset(&result, 0xAB, sizeof result);
    result.struct_size = offsetof(gpt4all_generation, completion_tokens);
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &options, &result), GPT4ALL_STATUS_OK);
    CHECK(result.struct_size == offsetof(gpt4all_generation, completion_tokens));
    CHECK(result.finish_reason == GPT4ALL_FINISH_REASON_LENGTH && result.prompt_tokens == n);
    /* Nothing past the caller's struct_size was written. */
    {
        unsigned char past[sizeof result.completion_tokens];
        memset(past, 0xAB, sizeof past);
        CHECK(memcmp(&result.completion_tokens, past, sizeof past) == 0);
    }
    CHECK(gpt4all_abi_version() == GPT4ALL_ABI_VERSION);
    gpt4all_context_free(context);
    gpt4all_model_free(model);
}

static bool keep_token(const char *text, size_t length, int32_t token, void *user_data) {
    (void)text;
    (void)length;
    *(int32_t *)user_data = token;
    return true;
}

/* The KV cache's type and flash attention as options, and the logits after a prompt: their
   argmax is the token greedy generation picks. */
static void logits_and_cache_options(void) {
    gpt4all_model *model = load();
    gpt4all_context *context = NULL;
    gpt4all_context_options options = gpt4all_context_options_default();
    gpt4all_generate_options greedy_one = greedy(1);
    gpt4all_generation result;
    gpt4all_model_info info;
    int32_t tokens[16], picked = -1;
    size_t n = tokenize(model, "Hello world", tokens, 16), n_vocab = 0, i, best = 0;
    float one[1] = {42.0f};
    float *logits;

    CHECK(options.kv_cache_type == NULL && options.flash_attention == -1);
    options.kv_cache_type = "f7";
    EXPECT_STATUS(gpt4all_context_create(model, &options, &context), GPT4ALL_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(gpt4all_last_error_message(), "q8_0") != NULL && context == NULL);
    options.kv_cache_type = "f32";
    options.flash_attention = 2;
    EXPECT_STATUS(gpt4all_context_create(model, &options, &context), GPT4ALL_STATUS_INVALID_ARGUMENT);
    options.flash_attention = 0;
    options.context_size = 128;
    EXPECT_STATUS(gpt4all_context_create(model, &options, &context), GPT4ALL_STATUS_OK);

    info.struct_size = sizeof info;
    EXPECT_STATUS(gpt4all_model_get_info(model, &info), GPT4ALL_STATUS_OK);
    EXPECT_STATUS(gpt4all_logits(context, tokens, n, one, 1, &n_vocab), GPT4ALL_STATUS_BUFFER_TOO_SMALL);
    CHECK(n_vocab == info.vocab_size && one[0] == 42.0f);
    logits = malloc(n_vocab * sizeof *logits);
    EXPECT_STATUS(gpt4all_logits(context, tokens, n, logits, n_vocab, &n_vocab), GPT4ALL_STATUS_OK);
    for (i = 1; i < n_vocab; i++) if (logits[i] > logits[best]) best = i;

    greedy_one.on_token = keep_token;
    greedy_one.user_data = &picked;
    result.struct_size = sizeof result;
    EXPECT_STATUS(gpt4all_generate(context, tokens, n, &greedy_one, &result), GPT4ALL_STATUS_OK);
    CHECK(picked == (int32_t)best);
    free(logits);
    gpt4all_context_free(context);
    gpt4all_model_free(model);
}

int main(int argc, char **argv) {
    const char *which;
    if (argc < 3) {
        fprintf(stderr, "usage: %s <case> <model.gguf> [<scratch dir>]\n", argv[0]);
        return 2;
    }
    which = argv[1];
    model_path = argv[2];
    if (strcmp(which, "null-arguments") == 0) null_arguments();
    else if (strcmp(which, "invalid-utf8") == 0) invalid_utf8();
    else if (strcmp(which, "small-buffers") == 0) small_buffers();
    else if (strcmp(which, "freed-handles") == 0) freed_handles();
    else if (strcmp(which, "concurrent-calls-and-abort") == 0) concurrent_calls_and_abort();
    else if (strcmp(which, "injected-panic") == 0) injected_panic();
    else if (strcmp(which, "bad-input") == 0 && argc > 3) bad_input(argv[3]);
    else if (strcmp(which, "older-structs") == 0) older_structs();
    else if (strcmp(which, "grammars") == 0) grammars();
    else if (strcmp(which, "logits-and-cache-options") == 0) logits_and_cache_options();
    else {
        fprintf(stderr, "unknown case %s\n", which);
        return 2;
    }
    printf("ok %s\n", which);
    return 0;
}
