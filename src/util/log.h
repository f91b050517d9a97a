/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_LOG_H
#define CPOD_LOG_H

/*
 * Logging with Podman's --log-level names. Everything goes through one replaceable
 * handler: the CLI prints Podman-style lines on stderr, the API service its own log.
 * The engine logs at debug level only; errors are returned, and printed once by cli/ or api/.
 */
#include <stdarg.h>

enum log_level {
	LOG_LEVEL_TRACE,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_FATAL,
	LOG_LEVEL_PANIC,
	_LOG_LEVEL_MAX,
	_LOG_LEVEL_INVALID = -22,
};

typedef void (*log_handler_t)(enum log_level level, const char *msg, void *userdata);

/* Parse "trace", "debug", "info", "warn", "error", "fatal", "panic"; _LOG_LEVEL_INVALID else. */
enum log_level log_level_from_string(const char *s);
const char *log_level_to_string(enum log_level level);

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_set_handler(log_handler_t handler, void *userdata);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_msgv(enum log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define log_trace(...) log_msg(LOG_LEVEL_TRACE, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
