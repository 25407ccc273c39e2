/* Reading expectations from the kernel command line: the domain XML puts
 * them there, so the XML stays the single source of truth. */
#include "guest.h"

/* Walks the words before "--"; calls match() for each key=value word.
 * A double-quoted span may contain spaces, as in Linux's parser. */
static const char *next_word(const char *p, char *word, size_t n)
{
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (!*p)
        return NULL;
    size_t k = 0;
    bool quoted = false;
    for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
        if (*p == '"') {
            quoted = !quoted;
            continue;
        }
        if (k + 1 < n)
            word[k++] = *p;
    }
    word[k] = 0;
    return p;
}

bool cmdline_get(const char *key, char *val, size_t n)
{
    char word[1024];
    size_t klen = strlen(key);
    const char *p = boot.cmdline;
    while ((p = next_word(p, word, sizeof(word)))) {
        if (!strcmp(word, "--"))
            break;
        if (!strncmp(word, key, klen) && (word[klen] == '=' || word[klen] == 0)) {
            strlcpy(val, word[klen] ? word + klen + 1 : "", n);
            return true;
        }
    }
    return false;
}

bool cmdline_has(const char *key)
{
    char v[4];
    return cmdline_get(key, v, sizeof(v));
}

bool cmdline_get_u64(const char *key, u64 *v)
{
    char buf[32];
    return cmdline_get(key, buf, sizeof(buf)) && parse_u64(buf, v);
}

const char *cmdline_payload(size_t *len)
{
    const char *c = boot.cmdline;
    for (size_t i = 0; c[i]; i++) {
        bool at_word = i == 0 || c[i - 1] == ' ';
        if (at_word && c[i] == '-' && c[i + 1] == '-' && (c[i + 2] == ' ' || !c[i + 2])) {
            const char *p = c + i + 2;
            if (*p == ' ')
                p++;
            *len = boot.cmdline_len - (size_t)(p - c);
            return p;
        }
    }
    *len = 0;
    return NULL;
}
