/* vireo: QMP message framing. A byte-at-a-time lexer (QEMU's token rules:
 * single- or double-quoted strings, keywords of a-z, JSON numbers) feeds a
 * streamer that counts braces and brackets; a message ends when both depths
 * are back at zero. Errors carry QEMU's texts, since clients match on them. */
#include <config.h>
#include <errno.h>
#include <string.h>
#include "qmp/qmp-json.h"

typedef enum {
    TOK_LCURLY, TOK_RCURLY, TOK_LSQUARE, TOK_RSQUARE, TOK_COLON, TOK_COMMA,
    TOK_INTEGER, TOK_FLOAT, TOK_KEYWORD, TOK_STRING,
} TokenType;

typedef struct {
    TokenType type;
    char *text;
} Token;

typedef enum {
    LEX_START, LEX_STRING, LEX_STRING_ESCAPE, LEX_KEYWORD,
    LEX_NEG, LEX_ZERO, LEX_INT, LEX_MANTISSA, LEX_MANTISSA_DIGITS,
    LEX_EXP_E, LEX_EXP_SIGN, LEX_EXP_DIGITS, LEX_RECOVERY,
} LexState;

struct _VireoQmpStreamer {
    LexState state;
    char quote;                 /* '"' or '\'' inside a string */
    GString *token;
    GPtrArray *tokens;          /* Token*, the message being collected */
    gsize size;                 /* bytes held by tokens */
    int braces, brackets;
    gsize max_size;
    gboolean overflowed;        /* a message outgrew max_size */
    VireoQmpMessageFn fn;
    void *opaque;
};

static void
token_free(gpointer p)
{
    Token *t = p;
    g_free(t->text);
    g_free(t);
}

VireoQmpStreamer *
vireo_qmp_streamer_new(gsize max_size, VireoQmpMessageFn fn, void *opaque)
{
    VireoQmpStreamer *s = g_new0(VireoQmpStreamer, 1);
    s->token = g_string_new(NULL);
    s->tokens = g_ptr_array_new_with_free_func(token_free);
    s->max_size = max_size;
    s->fn = fn;
    s->opaque = opaque;
    return s;
}

void
vireo_qmp_streamer_free(VireoQmpStreamer *s)
{
    if (!s)
        return;
    g_string_free(s->token, TRUE);
    g_ptr_array_free(s->tokens, TRUE);
    g_free(s);
}

/* ---- parser: QEMU's json-parser messages ---------------------------------- */

typedef struct {
    GPtrArray *tokens;
    guint pos;
    char *error;
} Parser;

static JsonNode *parse_value(Parser *p);

static Token *
peek_token(Parser *p)
{
    return p->pos < p->tokens->len ? g_ptr_array_index(p->tokens, p->pos) : NULL;
}

static Token *
pop_token(Parser *p)
{
    Token *t = peek_token(p);
    if (t)
        p->pos++;
    return t;
}

static void
parse_error(Parser *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
parse_error(Parser *p, const char *fmt, ...)
{
    va_list ap;
    if (p->error)
        return;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    p->error = g_strdup_printf("JSON parse error, %s", msg);
}

static gboolean
parse_hex4(const char *s, gunichar *out)
{
    *out = 0;
    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(s[i]);
        if (d < 0)
            return FALSE;
        *out = *out << 4 | (gunichar)d;
    }
    return TRUE;
}

/* QEMU refuses surrogates and noncharacters; its message quotes "\u" and
 * the four characters after it, whatever they are. */
static gboolean
unicode_char_ok(gunichar cp)
{
    return !(cp >= 0xD800 && cp <= 0xDFFF) && !(cp >= 0xFDD0 && cp <= 0xFDEF)
        && (cp & 0xFFFE) != 0xFFFE;
}

static void
unicode_error(Parser *p, const char *esc, const char *end)
{
    int len = MIN(6, (int)(end - esc));
    parse_error(p, "%.*s is not a valid Unicode character", len, esc);
}

/* ptr is just after "\u"; end is the end of the token. U+0000 is kept as
 * modified UTF-8 (C0 80), as QEMU does, so strings stay NUL-terminated. */
static gboolean
parse_unicode_escape(Parser *p, const char **ptr, const char *end, GString *out)
{
    const char *esc = *ptr - 2;
    gunichar cp, lo;
    if (end - *ptr < 4 || !parse_hex4(*ptr, &cp)) {
        unicode_error(p, esc, end);
        return FALSE;
    }
    *ptr += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF && end - *ptr >= 6 && (*ptr)[0] == '\\'
        && (*ptr)[1] == 'u' && parse_hex4(*ptr + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        *ptr += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (!unicode_char_ok(cp)) {
        unicode_error(p, esc, end);
        return FALSE;
    }
    if (cp == 0)
        g_string_append(out, "\xC0\x80");
    else
        g_string_append_unichar(out, cp);
    return TRUE;
}

static gboolean
parse_escape(Parser *p, const char **ptr, const char *end, GString *out)
{
    char c = *(*ptr)++;
    switch (c) {
    case '"': case '\'': case '\\': case '/': g_string_append_c(out, c); return TRUE;
    case 'b': g_string_append_c(out, '\b'); return TRUE;
    case 'f': g_string_append_c(out, '\f'); return TRUE;
    case 'n': g_string_append_c(out, '\n'); return TRUE;
    case 'r': g_string_append_c(out, '\r'); return TRUE;
    case 't': g_string_append_c(out, '\t'); return TRUE;
    case 'u': return parse_unicode_escape(p, ptr, end + 1, out);
    }
    parse_error(p, "invalid escape sequence in string");
    return FALSE;
}

/* Bytes of the character at ptr, 0 when it is not valid UTF-8. Modified
 * UTF-8's NUL (C0 80) is the one overlong form QEMU takes; noncharacters
 * it refuses written out as it refuses them escaped (GLib takes them, and
 * the writer's "\uFFFE" for one would not read back). */
static gsize
utf8_char_len(const char *ptr, const char *end)
{
    if ((guchar)ptr[0] == 0xC0 && end - ptr >= 2 && (guchar)ptr[1] == 0x80)
        return 2;
    gsize len = g_utf8_skip[(guchar)*ptr];
    if (len > (gsize)(end - ptr) || !g_utf8_validate(ptr, len, NULL)
        || !unicode_char_ok(g_utf8_get_char(ptr)))
        return 0;
    return len;
}

static JsonNode *
parse_string(Parser *p, const Token *t)
{
    g_autoptr(GString) out = g_string_new(NULL);
    const char *ptr = t->text + 1;
    const char *end = t->text + strlen(t->text) - 1;   /* the closing quote */
    while (ptr < end) {
        if (*ptr == '\\') {
            ptr++;
            if (!parse_escape(p, &ptr, end, out))
                return NULL;
            continue;
        }
        gsize len = utf8_char_len(ptr, end);
        if (!len) {
            parse_error(p, "invalid UTF-8 sequence in string");
            return NULL;
        }
        g_string_append_len(out, ptr, len);
        ptr += len;
    }
    JsonNode *n = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(n, out->str);
    return n;
}

static JsonNode *
parse_number(const Token *t)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);
    if (t->type == TOK_INTEGER) {
        char *end = NULL;
        errno = 0;
        gint64 v = g_ascii_strtoll(t->text, &end, 10);
        /* Overflow only at the limits with ERANGE: a successful call may
         * still change errno (src/util/vireo-xml.c, parse_u64). */
        if (!((v == G_MAXINT64 || v == G_MININT64) && errno == ERANGE) && *end == '\0') {
            json_node_set_int(n, v);
            return n;
        }
        /* Out of int64 range: QEMU keeps uint64 exactly, vireo a double
         * (json-glib has no uint64; documented in docs/qmp.md). */
    }
    json_node_set_double(n, g_ascii_strtod(t->text, NULL));
    return n;
}

static JsonNode *
parse_keyword(Parser *p, const Token *t)
{
    JsonNode *n;
    if (g_str_equal(t->text, "null"))
        return json_node_new(JSON_NODE_NULL);
    if (!g_str_equal(t->text, "true") && !g_str_equal(t->text, "false")) {
        parse_error(p, "invalid keyword '%s'", t->text);
        return NULL;
    }
    n = json_node_new(JSON_NODE_VALUE);
    json_node_set_boolean(n, g_str_equal(t->text, "true"));
    return n;
}

static gboolean
parse_pair(Parser *p, JsonObject *obj)
{
    Token *t = peek_token(p);
    g_autoptr(JsonNode) key = parse_value(p);
    if (!key || JSON_NODE_TYPE(key) != JSON_NODE_VALUE
        || json_node_get_value_type(key) != G_TYPE_STRING) {
        parse_error(p, t ? "key is not a string in object" : "premature EOI");
        return FALSE;
    }
    t = pop_token(p);
    if (!t) {
        parse_error(p, "premature EOI");
        return FALSE;
    }
    if (t->type != TOK_COLON) {
        parse_error(p, "missing : in object pair");
        return FALSE;
    }
    JsonNode *value = parse_value(p);
    if (!value) {
        parse_error(p, "Missing value in dict");
        return FALSE;
    }
    if (json_object_has_member(obj, json_node_get_string(key))) {
        json_node_unref(value);
        parse_error(p, "duplicate key");
        return FALSE;
    }
    json_object_set_member(obj, json_node_get_string(key), value);
    return TRUE;
}

/* After a member or element: TRUE and *more for ',', TRUE and !*more for
 * the closing token, FALSE with QEMU's error otherwise. */
static gboolean
parse_separator(Parser *p, TokenType close, const char *what, gboolean *more)
{
    Token *t = pop_token(p);
    if (!t) {
        parse_error(p, "premature EOI");
        return FALSE;
    }
    if (t->type != close && t->type != TOK_COMMA) {
        parse_error(p, "%s", what);
        return FALSE;
    }
    *more = t->type == TOK_COMMA;
    return TRUE;
}

static JsonNode *
parse_object(Parser *p)
{
    g_autoptr(JsonObject) obj = json_object_new();
    Token *t;
    pop_token(p);                                   /* '{' */
    if ((t = peek_token(p)) && t->type == TOK_RCURLY) {
        pop_token(p);
    } else {
        gboolean more;
        do {
            if (!parse_pair(p, obj) ||
                !parse_separator(p, TOK_RCURLY, "expected separator in dict", &more))
                return NULL;
        } while (more);
    }
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(n, obj);
    return n;
}

static JsonNode *
parse_array(Parser *p)
{
    g_autoptr(JsonArray) arr = json_array_new();
    Token *t;
    pop_token(p);                                   /* '[' */
    if ((t = peek_token(p)) && t->type == TOK_RSQUARE) {
        pop_token(p);
    } else {
        gboolean more;
        do {
            JsonNode *v = parse_value(p);
            if (!v) {
                parse_error(p, "expecting value");
                return NULL;
            }
            json_array_add_element(arr, v);
            if (!parse_separator(p, TOK_RSQUARE, "expected separator in list", &more))
                return NULL;
        } while (more);
    }
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);
    json_node_set_array(n, arr);
    return n;
}

static JsonNode *
parse_value(Parser *p)
{
    Token *t = peek_token(p);
    if (!t) {
        parse_error(p, "premature EOI");
        return NULL;
    }
    switch (t->type) {
    case TOK_LCURLY: return parse_object(p);
    case TOK_LSQUARE: return parse_array(p);
    case TOK_STRING: p->pos++; return parse_string(p, t);
    case TOK_INTEGER: case TOK_FLOAT: p->pos++; return parse_number(t);
    case TOK_KEYWORD: p->pos++; return parse_keyword(p, t);
    default:
        parse_error(p, "expecting value");
        return NULL;
    }
}

/* ---- streamer ------------------------------------------------------------- */

static void
emit(VireoQmpStreamer *s, JsonNode *msg, const char *error)
{
    s->braces = s->brackets = 0;
    s->size = 0;
    g_ptr_array_set_size(s->tokens, 0);
    s->fn(msg, error, s->opaque);
}

static void
emit_parsed(VireoQmpStreamer *s)
{
    Parser p = { s->tokens, 0, NULL };
    g_autoptr(JsonNode) msg = parse_value(&p);
    g_autofree char *error = p.error;
    if (!error && !msg)
        error = g_strdup("JSON parse error, expecting value");
    emit(s, error ? NULL : msg, error);
}

static void
process_token(VireoQmpStreamer *s, TokenType type)
{
    switch (type) {
    case TOK_LCURLY: s->braces++; break;
    case TOK_RCURLY: s->braces--; break;
    case TOK_LSQUARE: s->brackets++; break;
    case TOK_RSQUARE: s->brackets--; break;
    default: break;
    }
    /* The same guards as QEMU's streamer against memory and recursion abuse. */
    if (s->size + s->token->len + 1 > s->max_size) {
        s->overflowed = TRUE;
        emit(s, NULL, "JSON token size limit exceeded");
        return;
    }
    if (s->tokens->len + 1 > VIREO_QMP_MAX_TOKENS) {
        emit(s, NULL, "JSON token count limit exceeded");
        return;
    }
    if (s->braces + s->brackets > VIREO_QMP_MAX_NESTING) {
        emit(s, NULL, "JSON nesting depth limit exceeded");
        return;
    }
    Token *t = g_new0(Token, 1);
    t->type = type;
    t->text = g_strndup(s->token->str, s->token->len);
    s->size += s->token->len;
    g_ptr_array_add(s->tokens, t);
    if ((s->braces > 0 || s->brackets > 0) && s->braces >= 0 && s->brackets >= 0)
        return;
    emit_parsed(s);
}

static void
lex_error(VireoQmpStreamer *s)
{
    g_autofree char *desc = g_strdup_printf("JSON parse error, stray '%s'",
                                            s->token->str);
    emit(s, NULL, desc);
}

/* What the lexer does with byte c in its current state. */
typedef enum {
    STEP_CONSUME,       /* c belongs to the current token */
    STEP_TOKEN,         /* c completes a token */
    STEP_TOKEN_BEFORE,  /* the token ended before c; look at c again */
    STEP_SKIP,          /* whitespace / recovery: drop c */
    STEP_RESTART,       /* recovery over; look at c again from the start */
    STEP_ERROR,         /* c is not valid here (kept in the stray text) */
} LexStep;

static LexStep
lex_start(VireoQmpStreamer *s, guchar c, TokenType *type)
{
    switch (c) {
    case '{': *type = TOK_LCURLY; return STEP_TOKEN;
    case '}': *type = TOK_RCURLY; return STEP_TOKEN;
    case '[': *type = TOK_LSQUARE; return STEP_TOKEN;
    case ']': *type = TOK_RSQUARE; return STEP_TOKEN;
    case ':': *type = TOK_COLON; return STEP_TOKEN;
    case ',': *type = TOK_COMMA; return STEP_TOKEN;
    case ' ': case '\t': case '\r': case '\n': return STEP_SKIP;
    case '"': case '\'': s->quote = c; s->state = LEX_STRING; return STEP_CONSUME;
    case '-': s->state = LEX_NEG; return STEP_CONSUME;
    case '0': s->state = LEX_ZERO; return STEP_CONSUME;
    }
    if (c >= '1' && c <= '9') {
        s->state = LEX_INT;
        return STEP_CONSUME;
    }
    if (c >= 'a' && c <= 'z') {
        s->state = LEX_KEYWORD;
        return STEP_CONSUME;
    }
    return STEP_ERROR;
}

static LexStep
lex_number(VireoQmpStreamer *s, guchar c, TokenType *type)
{
    gboolean digit = g_ascii_isdigit(c);
    switch (s->state) {
    case LEX_NEG:
        if (!digit)
            return STEP_ERROR;
        s->state = c == '0' ? LEX_ZERO : LEX_INT;
        return STEP_CONSUME;
    case LEX_INT:
        if (digit)
            return STEP_CONSUME;
        /* fall through */
    case LEX_ZERO:
        if (c == '.') { s->state = LEX_MANTISSA; return STEP_CONSUME; }
        if (c == 'e' || c == 'E') { s->state = LEX_EXP_E; return STEP_CONSUME; }
        *type = TOK_INTEGER;
        return STEP_TOKEN_BEFORE;
    case LEX_MANTISSA:
        if (!digit)
            return STEP_ERROR;
        s->state = LEX_MANTISSA_DIGITS;
        return STEP_CONSUME;
    case LEX_MANTISSA_DIGITS:
        if (digit)
            return STEP_CONSUME;
        if (c == 'e' || c == 'E') { s->state = LEX_EXP_E; return STEP_CONSUME; }
        *type = TOK_FLOAT;
        return STEP_TOKEN_BEFORE;
    case LEX_EXP_E:
        if (c == '+' || c == '-') { s->state = LEX_EXP_SIGN; return STEP_CONSUME; }
        /* fall through */
    case LEX_EXP_SIGN:
        if (!digit)
            return STEP_ERROR;
        s->state = LEX_EXP_DIGITS;
        return STEP_CONSUME;
    default:
        if (digit)
            return STEP_CONSUME;
        *type = TOK_FLOAT;
        return STEP_TOKEN_BEFORE;
    }
}

static LexStep
lex_step(VireoQmpStreamer *s, guchar c, TokenType *type)
{
    switch (s->state) {
    case LEX_START:
        return lex_start(s, c, type);
    case LEX_STRING:
        if (c == s->quote) { *type = TOK_STRING; return STEP_TOKEN; }
        if (c == '\\') s->state = LEX_STRING_ESCAPE;
        return c >= 0x20 && c <= 0xFD ? STEP_CONSUME : STEP_ERROR;
    case LEX_STRING_ESCAPE:
        s->state = LEX_STRING;
        return c >= 0x20 && c <= 0xFD ? STEP_CONSUME : STEP_ERROR;
    case LEX_KEYWORD:
        if (c >= 'a' && c <= 'z')
            return STEP_CONSUME;
        *type = TOK_KEYWORD;
        return STEP_TOKEN_BEFORE;
    case LEX_RECOVERY:
        /* Resynchronise on a structural or control character, as QEMU does:
         * a client may send a newline or 0xFF to reset the parser. */
        if (c < 0x20 || c >= 0xFE || strchr("[]{}", c))
            return c == '\t' ? STEP_SKIP : STEP_RESTART;
        return STEP_SKIP;
    default:
        return lex_number(s, c, type);
    }
}

static void
feed_char(VireoQmpStreamer *s, guchar c)
{
    for (;;) {
        TokenType type = TOK_COMMA;
        LexStep step = lex_step(s, c, &type);
        switch (step) {
        case STEP_CONSUME:
            g_string_append_c(s->token, c);
            /* A token alone may not outgrow a message (QEMU would buffer it). */
            if (s->size + s->token->len > s->max_size) {
                s->overflowed = TRUE;
                emit(s, NULL, "JSON token size limit exceeded");
                g_string_truncate(s->token, 0);
                s->state = LEX_RECOVERY;
            }
            return;
        case STEP_TOKEN:
            g_string_append_c(s->token, c);
            s->state = LEX_START;
            process_token(s, type);
            g_string_truncate(s->token, 0);
            return;
        case STEP_TOKEN_BEFORE:
            s->state = LEX_START;
            process_token(s, type);
            g_string_truncate(s->token, 0);
            continue;
        case STEP_SKIP:
            return;
        case STEP_RESTART:
            s->state = LEX_START;
            continue;
        case STEP_ERROR:
            g_string_append_c(s->token, c);
            lex_error(s);
            g_string_truncate(s->token, 0);
            s->state = LEX_RECOVERY;
            return;
        }
    }
}

void
vireo_qmp_streamer_feed(VireoQmpStreamer *s, const char *buf, gsize len)
{
    for (gsize i = 0; i < len; i++)
        feed_char(s, (guchar)buf[i]);
}

void
vireo_qmp_streamer_flush(VireoQmpStreamer *s)
{
    TokenType type = TOK_COMMA;
    switch (s->state) {
    case LEX_KEYWORD: type = TOK_KEYWORD; break;
    case LEX_ZERO: case LEX_INT: type = TOK_INTEGER; break;
    case LEX_MANTISSA_DIGITS: case LEX_EXP_DIGITS: type = TOK_FLOAT; break;
    case LEX_START: case LEX_RECOVERY: break;
    default:
        lex_error(s);
        break;
    }
    if (type != TOK_COMMA)
        process_token(s, type);
    g_string_truncate(s->token, 0);
    s->state = LEX_START;
    if (s->tokens->len)
        emit_parsed(s);
}

gboolean
vireo_qmp_streamer_overflowed(VireoQmpStreamer *s)
{
    return s->overflowed;
}
