/*
 * config_text.h - the text of a configuration file as libconfuse should
 * see it (internal to config.c).
 */
#ifndef AM_CONFIG_TEXT_H
#define AM_CONFIG_TEXT_H

#include <stddef.h>

/*
 * Reads path whole and returns a copy in which every comment is replaced
 * by spaces, line breaks kept; *len is its length (a NUL follows).
 * *unclosed is the line of the innermost '{' that is never closed, 0
 * when every brace is.  NULL with "path: why" in err when the file
 * cannot be read.  Caller frees.
 */
char *am_config_text_read(const char *path, size_t *len, unsigned *unclosed,
    char *err, size_t errlen);

#endif
