/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "xalloc.h"
#include "cleanup.h"
#include "banned.h"

/*
 * Process-wide by nature (like a logger in any library): set once at start-up by the
 * front end. Reading it from several threads is safe; it is not changed afterwards.
 */
static enum log_level current_level = LOG_LEVEL_WARN;
static log_handler_t current_handler;
static void *current_userdata;

static const char *const level_names[_LOG_LEVEL_MAX] = {
	[LOG_LEVEL_TRACE] = "trace", [LOG_LEVEL_DEBUG] = "debug", [LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_WARN] = "warn",   [LOG_LEVEL_ERROR] = "error", [LOG_LEVEL_FATAL] = "fatal",
	[LOG_LEVEL_PANIC] = "panic",
};

enum log_level log_level_from_string(const char *s)
{
	for (int i = 0; i < _LOG_LEVEL_MAX; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return i;
	if (strcasecmp(s, "warning") == 0)
		return LOG_LEVEL_WARN;
	return _LOG_LEVEL_INVALID;
}

const char *log_level_to_string(enum log_level level)
{
	if (level < 0 || level >= _LOG_LEVEL_MAX)
		return "unknown";
	return level_names[level];
}

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

void log_set_handler(log_handler_t handler, void *userdata)
{
	current_handler = handler;
	current_userdata = userdata;
}

static void default_handler(enum log_level level, const char *msg)
{
	/* Podman (logrus text formatter on a non-terminal) prints: level=warning msg="..." */
	const char *name = level == LOG_LEVEL_WARN ? "warning" : log_level_to_string(level);
	fprintf(stderr, "time=\"-\" level=%s msg=\"%s\"\n", name, msg);
}

void log_msgv(enum log_level level, const char *fmt, va_list ap)
{
	if (level < current_level)
		return;
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	if (current_handler)
		current_handler(level, msg, current_userdata);
	else
		default_handler(level, msg);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_msgv(level, fmt, ap);
	va_end(ap);
}
