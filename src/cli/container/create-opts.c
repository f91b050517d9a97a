/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From the create/run flags to struct container_create_opts, with Podman's checks and
 * messages (cmd/podman/common/create_opts.go, pkg/specgenutil).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "cli/container/create-map.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

void create_cli_opts_init(void *opts_)
{
	struct create_cli_opts *o = opts_;
	o->sig_proxy = true;
	o->stop_timeout = 10;
	for (size_t i = 0; i < CREATE_UNSUPPORTED_MAX; i++)
		if (create_unsupported_default[i] &&
		    strcmp(create_unsupported_default[i], "true") == 0)
			o->unsupported_bool[i] = true;
}

void create_build_release(struct create_build *b)
{
	b->env = strv_free(b->env);
	b->labels = strv_free(b->labels);
	b->annotations = strv_free(b->annotations);
	b->entrypoint = strv_free(b->entrypoint);
	b->command = strv_free(b->command);
	free(b->log_path);
	b->log_path = NULL;
	free(b->network);
	b->network = NULL;
	free(b->isolation);
	b->isolation = NULL;
	b->warnings = strv_free(b->warnings);
	free(b->platform_os);
	free(b->platform_arch);
	free(b->platform_variant);
	b->platform_os = b->platform_arch = b->platform_variant = NULL;
	if (b->cid_open)
		close(b->cid_fd);
	b->cid_open = false;
}

void create_build_print_warnings(const struct create_build *b)
{
	STRV_FOREACH(w, b->warnings)
	fprintf(stderr, "%s\n", *w);
}

/* A flag of a feature cpod does not have yet, used with a value that is not Podman's default. */
static int check_unsupported(struct cli_ctx *ctx, const struct create_cli_opts *o,
                             struct cpod_error **err)
{
	const size_t first = offsetof(struct create_cli_opts, unsupported_str);
	const size_t first_a = offsetof(struct create_cli_opts, unsupported_arr);
	const size_t first_b = offsetof(struct create_cli_opts, unsupported_bool);
	for (const struct cli_option *opt = ctx->cmd->options; opt->long_name; opt++) {
		size_t i;
		const char *val;
		if (opt->offset >= first && opt->offset < first + sizeof(o->unsupported_str)) {
			i = (opt->offset - first) / sizeof(char *);
			val = o->unsupported_str[i];
		} else if (opt->offset >= first_a &&
		           opt->offset < first_a + sizeof(o->unsupported_arr)) {
			i = (opt->offset - first_a) / sizeof(char **);
			val = NULL;
		} else if (opt->offset >= first_b &&
		           opt->offset < first_b + sizeof(o->unsupported_bool)) {
			i = opt->offset - first_b;
			val = o->unsupported_bool[i] ? "true" : "false";
		} else {
			continue;
		}
		if (!cli_flag_changed(ctx, opt->long_name) || create_flag_handled(opt->long_name))
			continue;
		const char *def = create_unsupported_default[i];
		if (def && val && strcmp(def, val) == 0)
			continue;
		return cpod_error_set(err, ENOTSUP, "--%s is not supported yet", opt->long_name);
	}
	return 0;
}

static int parse_attach(const struct create_cli_opts *o, struct create_build *b,
                        struct cpod_error **err)
{
	if (!o->attach || !o->attach[0]) {
		/* Podman attaches stdout and stderr, and stdin with -i */
		b->attach_stdout = b->attach_stderr = true;
		b->attach_stdin = o->interactive;
		return 0;
	}
	STRV_FOREACH(a, o->attach)
	{
		if (strcasecmp(*a, "stdin") == 0)
			b->attach_stdin = true;
		else if (strcasecmp(*a, "stdout") == 0)
			b->attach_stdout = true;
		else if (strcasecmp(*a, "stderr") == 0)
			b->attach_stderr = true;
		else
			return cpod_error_set(err, EINVAL,
			                      "invalid stream \"%s\" for --attach - must be one of "
			                      "stdin, stdout, or stderr: invalid argument",
			                      *a);
	}
	return 0;
}

/* --entrypoint: a JSON array of strings, or else one string ("" clears the image's) */
static char **parse_entrypoint(const char *s)
{
	if (s[0] == '[') {
		json_t *j = json_loads(s, 0, NULL);
		bool ok = json_is_array(j);
		size_t i;
		json_t *v;
		char **out = xnew(char *, 1);
		json_array_foreach(j, i, v)
		{
			if (!json_is_string(v)) {
				ok = false;
				break;
			}
			strv_push(&out, json_string_value(v));
		}
		json_decref(j);
		if (ok)
			return out;
		strv_free(out);
	}
	char **out = xnew(char *, 1);
	if (*s)
		strv_push(&out, s);
	return out;
}

static int parse_pull(const char *p, struct cpod_error **err)
{
	if (!p || !*p || strcasecmp(p, "missing") == 0 || strcasecmp(p, "ifnotpresent") == 0 ||
	    strcasecmp(p, "never") == 0 || strcasecmp(p, "false") == 0)
		return 0;
	if (strcasecmp(p, "always") == 0 || strcasecmp(p, "true") == 0 ||
	    strcasecmp(p, "newer") == 0 || strcasecmp(p, "ifnewer") == 0)
		return cpod_error_set(
		        err, ENOTSUP,
		        "--pull %s: pulling is not available yet (use --pull never or "
		        "missing with a local image)",
		        p);
	return cpod_error_set(err, EINVAL, "unsupported pull policy \"%s\"", p);
}

static int parse_log_opts(const struct create_cli_opts *o, struct create_build *b,
                          struct cpod_error **err)
{
	STRV_FOREACH(l, o->log_opt)
	{
		const char *eq = strchr(*l, '=');
		if (!eq)
			return cpod_error_set(err, EINVAL, "invalid logopt value \"%s\"", *l);
		if (strncmp(*l, "path=", 5) == 0) {
			free(b->log_path);
			b->log_path = xstrdup(eq + 1);
			continue;
		}
		return cpod_error_set(err, ENOTSUP, "--log-opt %.*s is not supported yet",
		                      (int)(eq - *l), *l);
	}
	return 0;
}

static int build_env_labels(const struct create_cli_opts *o, struct create_build *b,
                            struct cpod_error **err)
{
	b->env = xnew(char *, 1);
	STRV_FOREACH(f, o->env_file)
	if (create_env_file(&b->env, *f, err) < 0)
		return -EINVAL;
	STRV_FOREACH(e, o->env)
	if (create_env_parse(&b->env, *e, err) < 0)
		return -EINVAL;
	b->labels = xnew(char *, 1);
	STRV_FOREACH(f, o->label_file)
	if (create_label_file(&b->labels, *f, err) < 0)
		return -EINVAL;
	STRV_FOREACH(l, o->label)
	{
		if (strchr(*l, '='))
			strv_push(&b->labels, *l);
		else
			strv_consume(&b->labels, xasprintf("%s=", *l));
	}
	b->annotations = xnew(char *, 1);
	STRV_FOREACH(a, o->annotation)
	{
		if (!strchr(*a, '='))
			return cpod_error_set(err, EINVAL,
			                      "annotations must be formatted KEY=VALUE");
		strv_push(&b->annotations, *a);
	}
	return 0;
}

int create_cli_build(struct cli_ctx *ctx, const struct create_cli_opts *o, int argc, char **argv,
                     struct create_build *b, struct cpod_error **err)
{
	struct container_create_opts *c = &b->opts;
	int r;

	if (argc > 0 && strcmp(argv[0], "--") == 0) {
		argc--;
		argv++;
	}
	if (argc < 1)
		return cpod_error_set(err, EINVAL, "requires at least 1 arg(s), only received 0");
	if ((r = check_unsupported(ctx, o, err)) < 0 || (r = parse_pull(o->pull, err)) < 0 ||
	    (r = parse_attach(o, b, err)) < 0 || (r = parse_log_opts(o, b, err)) < 0 ||
	    (r = build_env_labels(o, b, err)) < 0)
		return r;

	c->image = argv[0];
	c->create_argv = ctx->argv; /* inspect .Config.CreateCommand */
	if (argc > 1) {
		b->command = xnew(char *, 1);
		for (int i = 1; i < argc; i++)
			strv_push(&b->command, argv[i]);
		c->command = b->command;
	}
	if (cli_flag_changed(ctx, "entrypoint")) {
		b->entrypoint = parse_entrypoint(o->entrypoint ? o->entrypoint : "");
		c->entrypoint = b->entrypoint;
		c->entrypoint_set = true;
	}
	c->name = o->name;
	c->env = b->env;
	c->env_host = o->env_host;
	c->workdir = o->workdir;
	c->user = o->user;
	c->hostname = o->hostname;
	c->labels = b->labels;
	c->annotations = b->annotations;
	c->terminal = o->tty;
	c->stdin_open = o->interactive;
	c->remove = o->rm;
	c->init = o->init;
	c->init_path = o->init_path;
	c->stop_signal = o->stop_signal;
	c->stop_timeout = cli_flag_changed(ctx, "stop-timeout") ? (int)o->stop_timeout : -1;
	c->tz = o->tz;
	if (o->network && o->network[0]) {
		/* several --network flags name several networks, as NAME,NAME */
		b->network = strv_join(o->network, ",");
		c->network = b->network;
	}
	c->log_driver = o->log_driver;
	c->log_path = b->log_path;
	c->ulimits = o->ulimit;
	c->read_only = o->read_only;
	c->pull = o->pull;
	b->isolation = xnew(struct isolation_opts, 1);
	create_map_extra(ctx, o, c, b->isolation);
	c->ret_warnings = &b->warnings;
	c->timeout = o->timeout;
	c->preserve_fds = o->preserve_fds;
	return create_cli_platform(ctx, o, b, err);
}
