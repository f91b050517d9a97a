/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod logs` (`cpod container logs`): the k8s-file logs of one or more containers. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/container/ctr-common.h"
#include "engine/container.h"
#include "util/strv.h"
#include "banned.h"

struct logs_opts {
	bool follow, latest, names, timestamps, color;
	int64_t tail;
	char *since, *until;
};

static void logs_opts_init(void *opts)
{
	((struct logs_opts *)opts)->tail = -1;
}

static const struct cli_option logs_options[] = {
        CLI_BOOL("color", 0, struct logs_opts, color,
                 "Output the containers with different colors in the log."),
        CLI_BOOL("follow", 'f', struct logs_opts, follow,
                 "Follow log output.  The default is false"),
        CTR_OPT_LATEST(struct logs_opts, latest),
        CLI_BOOL("names", 'n', struct logs_opts, names, "Output the container name in the log"),
        CLI_STRING("since", 0, struct logs_opts, since, "Show logs since TIMESTAMP"),
        {.long_name = "tail",
         .type = CLI_OPT_INT64,
         .offset = offsetof(struct logs_opts, tail),
         .arg_name = "int",
         .help = "Output the specified number of LINES at the end of the logs.  Defaults to -1, "
                 "which prints all lines",
         .def_help = "-1"},
        CLI_BOOL("timestamps", 't', struct logs_opts, timestamps,
                 "Output the timestamps in the log"),
        CLI_STRING("until", 0, struct logs_opts, until, "Show logs until TIMESTAMP"),
        CLI_OPT_END,
};

/* A Go duration ("10m", "1h30m", "1.5s", "300ms"); false when s is not one. */
static bool parse_go_duration(const char *s, int64_t *ret_ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {{"ns", 1},  {"us", 1e3}, {"µs", 1e3},  {"ms", 1e6},
	             {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
	double total = 0;
	bool neg = false;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!*s)
		return false;
	if (strcmp(s, "0") == 0) {
		*ret_ns = 0;
		return true;
	}
	while (*s) {
		char *end = NULL;
		if (!((*s >= '0' && *s <= '9') || *s == '.'))
			return false;
		double v = strtod(s, &end);
		if (end == s)
			return false;
		s = end;
		size_t best = 0, blen = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);
			if (strncmp(s, units[i].unit, l) == 0 && l > blen) {
				best = i;
				blen = l;
			}
		}
		if (!blen)
			return false;
		total += v * units[best].ns;
		s += blen;
	}
	if (!isfinite(total) || total > 9.2e18)
		return false;
	*ret_ns = (int64_t)(neg ? -total : total);
	return true;
}

/* "YYYY-MM-DD[THH:MM[:SS[.frac]]][Z|±HH:MM]"; local time without a zone, as Docker does */
static bool parse_timestamp(const char *s, int64_t *ret_ns)
{
	struct tm tm = {0};
	const char *p = strptime(s, "%Y-%m-%d", &tm);
	if (!p)
		return false;
	int64_t frac = 0;
	bool has_zone = false;
	long off = 0;
	if (*p == 'T') {
		const char *q = strptime(p + 1, "%H:%M:%S", &tm);
		if (!q)
			q = strptime(p + 1, "%H:%M", &tm);
		if (!q)
			return false;
		p = q;
		if (*p == '.') {
			int64_t scale = 100000000;
			for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
				frac += scale > 0 ? (*p - '0') * scale : 0;
		}
	}
	if (*p == 'Z') {
		has_zone = true;
		p++;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		has_zone = true;
		off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 +
		      ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
		if (*p == '-')
			off = -off;
		p += 6;
	}
	if (*p)
		return false;
	time_t t;
	if (has_zone)
		t = timegm(&tm) - off;
	else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	*ret_ns = (int64_t)t * 1000000000 + frac;
	return true;
}

/* Podman's util.ParseInputTime: a timestamp, Unix seconds[.frac], or a duration before now */
static int parse_input_time(const char *s, bool since, int64_t *ret_ns, struct cpod_error **err)
{
	int64_t d;
	char *end = NULL;
	if (parse_timestamp(s, ret_ns))
		return 0;
	errno = 0;
	double unix_s = strtod(s, &end);
	if (*s >= '0' && *s <= '9' && end && !*end && !errno && unix_s < 9.2e9) {
		*ret_ns = (int64_t)(unix_s * 1e9);
		return 0;
	}
	if (parse_go_duration(s, &d)) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		*ret_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - d;
		return 0;
	}
	return cpod_error_set(err, EINVAL, "unable to parse %s time \"%s\"",
	                      since ? "since" : "until", s);
}

static int logs_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct logs_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	struct container_logs_opts lo = {
	        .out_fd = STDOUT_FILENO,
	        .err_fd = STDERR_FILENO,
	        .follow = opts->follow,
	        .timestamps = opts->timestamps,
	        .names = opts->names,
	        .tail = opts->tail,
	};

	if (opts->color)
		return cli_errorf(ctx, "--color is not supported yet");
	if (argc == 0 && !opts->latest)
		return cli_errorf(ctx, "specify at least one container name or ID to log");
	if (argc > 0 && opts->latest)
		return cli_errorf(ctx, "--latest and containers cannot be used together");
	if (opts->since && parse_input_time(opts->since, true, &lo.since_ns, &err) < 0)
		return cli_error(ctx, err);
	if (opts->until && parse_input_time(opts->until, false, &lo.until_ns, &err) < 0)
		return cli_error(ctx, err);
	_cleanup_strv_free_ char **keys =
	        ctr_targets(ctx->engine, argc, argv, false, opts->latest, 0, &err);
	if (!keys || ctr_lookup_all(ctx->engine, &keys, false, &err) < 0)
		return cli_error(ctx, err);
	/* Podman prefixes lines only when it prints several containers' logs */
	lo.names = opts->names && strv_length(keys) > 1;
	fflush(stdout);
	if (container_logs(ctx->engine, keys, &lo, &err) < 0)
		return cli_error(ctx, err);
	return 0;
}

const struct cli_command cmd_container_logs = {
        .name = "logs",
        .short_help = "Fetch the logs of one or more containers",
        .long_help = "Retrieves logs for one or more containers.\n\nThis does not guarantee "
                     "execution order when combined with cpod run (i.e., your run may not have "
                     "generated any logs at the time you execute cpod logs).",
        .usage = "[options] CONTAINER [CONTAINER...]",
        .examples = "cpod logs ctrID\ncpod logs --names ctrID1 ctrID2\ncpod logs --tail 2 "
                    "mywebserver\ncpod logs --follow=true --since 10m ctrID\ncpod logs mywebserver "
                    "mydbserver",
        .min_args = 0,
        .max_args = -1,
        .flags = CLI_NEEDS_ENGINE,
        .options = logs_options,
        .opts_size = sizeof(struct logs_opts),
        .opts_init = logs_opts_init,
        .run = logs_run,
};
