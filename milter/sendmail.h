/*
 * sendmail.h - handing a message to the local MTA the traditional way:
 * "sendmail -i -f FROM -- TO" with the message on its standard input
 * (Postfix's sendmail(1) queues it through postdrop).
 */
#ifndef AM_MILTER_SENDMAIL_H
#define AM_MILTER_SENDMAIL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Runs command (a program and its options, separated by spaces, no
 * shell) with "-i -f from -- to" and writes len bytes of message to it.
 * True when it exits 0; otherwise false with err ("sendmail exited with
 * status 75: ...", with the first line it printed).
 */
bool sendmail_send(const char *command, const char *from, const char *to,
    const char *message, size_t len, char *err, size_t errlen);

#endif
