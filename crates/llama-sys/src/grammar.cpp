// See grammar.h. llama.cpp's converter is compiled from the vendored common/ sources (this file
// includes json-schema-to-grammar.cpp, so that its one warning, printed to stderr when a
// `pattern` degrades to "any string", can be caught and reported as an error instead).
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "grammar.h"

// The converter's warnings, per thread (conversions may run on several threads at once).
static thread_local std::string converter_warning;

static int capture_stderr_print(FILE * stream, const char * fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int size = vsnprintf(nullptr, 0, fmt, ap);
    va_end(ap);
    if (size <= 0) {
        return size;
    }
    std::string text(size_t(size), '\0');
    va_start(ap, fmt);
    vsnprintf(&text[0], text.size() + 1, fmt, ap);
    va_end(ap);
    if (stream == stderr) {
        converter_warning += text;
    } else {
        fputs(text.c_str(), stream);
    }
    return size;
}

#define fprintf capture_stderr_print
#include "json-schema-to-grammar.cpp"
#undef fprintf

#ifndef _WIN32
#include "llama-grammar.h"
#endif

// The four string helpers of common/common.cpp that the converter and its JSON schema reader
// use (common.cpp itself pulls in the rest of llama.cpp's common library).
std::string string_format(const char * fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int size = vsnprintf(nullptr, 0, fmt, ap);
    va_end(ap);
    std::string out(size > 0 ? size_t(size) : 0, '\0');
    if (size > 0) {
        va_start(ap, fmt);
        vsnprintf(&out[0], out.size() + 1, fmt, ap);
        va_end(ap);
    }
    return out;
}

std::string string_join(const std::vector<std::string> & values, const std::string & separator) {
    std::string out;
    for (size_t i = 0; i < values.size(); i++) {
        out += (i ? separator : "") + values[i];
    }
    return out;
}

std::vector<std::string> string_split(const std::string & str, const std::string & delimiter) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t end; (end = str.find(delimiter, start)) != std::string::npos; start = end + delimiter.size()) {
        parts.push_back(str.substr(start, end - start));
    }
    parts.push_back(str.substr(start));
    return parts;
}

std::string string_repeat(const std::string & str, size_t n) {
    std::string out;
    out.reserve(str.size() * n);
    for (size_t i = 0; i < n; i++) {
        out += str;
    }
    return out;
}

static char * copy_string(const std::string & s) {
    char * out = static_cast<char *>(malloc(s.size() + 1));
    if (out) {
        memcpy(out, s.c_str(), s.size() + 1);
    }
    return out;
}

// Runs a conversion, mapping its exceptions and warnings to a status.
static int32_t convert(const std::function<std::string()> & run, char ** grammar, char ** error) {
    *grammar = nullptr;
    *error = nullptr;
    converter_warning.clear();
    try {
        std::string out = run();
        if (!converter_warning.empty()) {
            std::string warning = converter_warning;
            while (!warning.empty() && (warning.back() == '\n' || warning.back() == ' ')) {
                warning.pop_back();
            }
            *error = copy_string(warning);
            return GPT4ALL_GRAMMAR_SCHEMA_UNSUPPORTED;
        }
        *grammar = copy_string(out);
        return GPT4ALL_GRAMMAR_OK;
    } catch (const std::exception & e) {
        *error = copy_string(e.what());
        return GPT4ALL_GRAMMAR_SCHEMA_INVALID;
    }
}

extern "C" int32_t gpt4all_json_schema_to_grammar(const char * schema_json, char ** grammar, char ** error) {
    return convert([&] { return json_schema_to_grammar(common_json::parse(schema_json), true); }, grammar, error);
}

extern "C" int32_t gpt4all_build_grammar(const char * const * schema_names, const char * const * schemas,
                                         size_t n_schemas, const char * const * rule_names,
                                         const char * const * rule_bodies, size_t n_rules, char ** grammar,
                                         char ** error) {
    return convert(
        [&] {
            // The documents must outlive the builder's use of their nodes.
            std::vector<common_chat_schema_document> documents;
            documents.reserve(n_schemas);
            for (size_t i = 0; i < n_schemas; i++) {
                documents.push_back(common_chat_schema_from_json(common_json::parse(schemas[i])));
            }
            return build_grammar([&](const common_grammar_builder & builder) {
                for (size_t i = 0; i < n_schemas; i++) {
                    std::string name = builder.add_schema(schema_names[i], *documents[i].root);
                    if (name != schema_names[i]) {
                        throw std::invalid_argument(std::string("schema rule name '") + schema_names[i] +
                                                    "' is taken or not a valid rule name");
                    }
                }
                for (size_t i = 0; i < n_rules; i++) {
                    builder.add_rule(rule_names[i], rule_bodies[i]);
                }
            });
        },
        grammar, error);
}

extern "C" int32_t gpt4all_grammar_check(const struct llama_vocab * vocab, const char * grammar, const char * root,
                                         size_t * error_offset, char ** error) {
    *error_offset = 0;
    *error = nullptr;
    const size_t length = strlen(grammar);
#ifdef _WIN32
    // llama.dll does not export llama.cpp's C++ grammar parser: ask the C API, which only says
    // whether the grammar parses (its reason goes to stderr).
    (void) length;
    llama_sampler * sampler = llama_sampler_init_grammar(vocab, grammar, root);
    if (sampler == nullptr) {
        *error = copy_string("the grammar does not parse (llama.cpp printed the reason on stderr)");
        return GPT4ALL_GRAMMAR_INVALID;
    }
    llama_sampler_free(sampler);
    return GPT4ALL_GRAMMAR_OK;
#else
    llama_grammar_parser parser(vocab);
    const char * pos = grammar;
    try {
        // llama_grammar_parser::parse, with the position of a failure kept: leading blanks and
        // comments, then rule after rule (each one skips the blanks after it).
        while (*pos == ' ' || *pos == '\t' || *pos == '\r' || *pos == '\n' || *pos == '#') {
            if (*pos == '#') {
                while (*pos && *pos != '\r' && *pos != '\n') {
                    pos++;
                }
            } else {
                pos++;
            }
        }
        while (*pos) {
            pos = parser.parse_rule(pos);
        }
    } catch (const std::exception & e) {
        // The parser's messages end with " at <the rest of the text>": that rest is where it stopped.
        std::string message = e.what();
        size_t at = message.find(" at ");
        *error_offset = pos - grammar;
        if (at != std::string::npos) {
            std::string rest = message.substr(at + 4);
            if (rest.size() <= length && memcmp(grammar + length - rest.size(), rest.data(), rest.size()) == 0) {
                *error_offset = length - rest.size();
                message = message.substr(0, at);
            }
        }
        *error = copy_string(message);
        return GPT4ALL_GRAMMAR_INVALID;
    }
    for (const auto & [name, id] : parser.symbol_ids) {
        if (id >= parser.rules.size() || parser.rules[id].empty()) {
            *error_offset = length;
            *error = copy_string("rule '" + name + "' is used but not defined");
            return GPT4ALL_GRAMMAR_INVALID;
        }
    }
    if (parser.symbol_ids.find(root) == parser.symbol_ids.end()) {
        *error_offset = length;
        *error = copy_string(std::string("the grammar has no '") + root + "' rule to start from");
        return GPT4ALL_GRAMMAR_INVALID;
    }
    return GPT4ALL_GRAMMAR_OK;
#endif
}

extern "C" void gpt4all_grammar_string_free(char * s) {
    free(s);
}
