// Grammars for constrained sampling (grammar.cpp): llama.cpp's JSON-schema-to-GBNF converter
// (common/json-schema-to-grammar.cpp, compiled from the vendored source) and a GBNF check that
// reports where a grammar is wrong. Strings returned through `char **` are malloc'd; free them
// with gpt4all_grammar_string_free. Nothing here throws or aborts: every failure is a status.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "llama.h"

#ifdef __cplusplus
extern "C" {
#endif

enum gpt4all_grammar_status {
    GPT4ALL_GRAMMAR_OK = 0,
    // The schema text is not JSON, or not a schema llama.cpp's converter accepts (bad $ref,
    // unknown type, invalid regular expression); `error` says why.
    GPT4ALL_GRAMMAR_SCHEMA_INVALID = 1,
    // The converter would have accepted any string where a `pattern` asked for more (it warns and
    // degrades); `error` holds its warning, naming the pattern and the reason.
    GPT4ALL_GRAMMAR_SCHEMA_UNSUPPORTED = 2,
    // The GBNF text does not parse; `error_offset` is the byte offset where parsing stopped.
    GPT4ALL_GRAMMAR_INVALID = 3,
};

// Converts a JSON schema (JSON text) to GBNF whose start rule is `root`.
int32_t gpt4all_json_schema_to_grammar(const char * schema_json, char ** grammar, char ** error);

// One grammar from named JSON schemas (each becomes a rule of that name, via llama.cpp's
// build_grammar) and GBNF rules (`name ::= body`) that may reference them.
int32_t gpt4all_build_grammar(const char * const * schema_names, const char * const * schemas, size_t n_schemas,
                              const char * const * rule_names, const char * const * rule_bodies, size_t n_rules,
                              char ** grammar, char ** error);

// Parses GBNF as llama_sampler_init_grammar does (tokens such as <[123]> resolve against `vocab`,
// which may be NULL), and checks that `root` and every referenced rule are defined. On failure
// `error_offset` is the byte offset of the problem (the end of the text for an undefined rule).
int32_t gpt4all_grammar_check(const struct llama_vocab * vocab, const char * grammar, const char * root,
                              size_t * error_offset, char ** error);

void gpt4all_grammar_string_free(char * s);

#ifdef __cplusplus
}
#endif
