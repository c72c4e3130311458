/*
 * say.h - the searcher's message line.
 */
#ifndef KHABAR_SAY_H
#define KHABAR_SAY_H

#include <stdarg.h>
#include <stdio.h>

/*
 * Writes "searcher: MESSAGE\n" on f with the message made safe for a
 * terminal (khabar/display.h): messages quote queries, qids, ids and file
 * names, and none of them may drive the terminal or split a character.
 * Out of memory, the start of a long message is written, cleaned all the same.
 */
void kh_say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* kh_say() with its arguments in ap (ap is used up, as vfprintf does). */
void kh_vsay(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
