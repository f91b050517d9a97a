/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The create/run flags handled around container_create rather than inside it: --replace
 * (remove the container holding --name first), --cidfile (the new ID written to a file that
 * must not exist yet) and --platform (split into the pull's os, arch and variant), as
 * cmd/podman/containers/create.go does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/container/create-map.h"
#include "util/xalloc.h"
#include "banned.h"

int create_cli_platform(const struct cli_ctx *ctx, const struct create_cli_opts *o,
                        struct create_build *b, struct cpod_error **err)
{
	const char *p = create_flag_str(ctx, o, "platform");
	if (!p || !*p)
		return 0;
	if (b->opts.os || b->opts.arch)
		return cpod_error_set(err, EINVAL,
		                      "--platform option can not be specified with --arch or --os");
	char *parts[3] = {0};
	size_t n = 0;
	for (const char *s = p;; n++) {
		const char *slash = strchr(s, '/');
		if (n == 3) {
			for (size_t i = 0; i < 3; i++)
				free(parts[i]);
			return cpod_error_set(err, EINVAL,
			                      "invalid platform syntax for \"%s\" "
			                      "(use OS/ARCH[/VARIANT][,...])",
			                      p);
		}
		parts[n] = slash ? xstrndup(s, (size_t)(slash - s)) : xstrdup(s);
		if (!slash) {
			n++;
			break;
		}
		s = slash + 1;
	}
	b->platform_os = parts[0];
	b->platform_arch = parts[1];
	b->platform_variant = parts[2];
	b->opts.os = *parts[0] ? parts[0] : NULL;
	b->opts.arch = parts[1] && *parts[1] ? parts[1] : NULL;
	if (parts[2] && *parts[2])
		b->opts.variant = parts[2];
	return 0;
}

int create_cli_before(struct cli_ctx *ctx, const struct create_cli_opts *o, struct create_build *b,
                      struct cpod_error **err)
{
	bool replace = create_flag_bool(ctx, o, "replace");
	const char *cidfile = create_flag_str(ctx, o, "cidfile");
	if (replace && (!o->name || !*o->name))
		return cpod_error_set(err, EINVAL,
		                      "cannot replace container without --name being set");
	if (cidfile && *cidfile) {
		int fd = open(cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 && errno == EEXIST)
			return cpod_error_set(
			        err, EEXIST,
			        "container id file exists. Ensure another container is "
			        "not using it or delete %s",
			        cidfile);
		if (fd < 0)
			return cpod_error_set(err, errno, "opening cidfile %s", cidfile);
		b->cid_fd = fd;
		b->cid_open = true;
	}
	if (replace) {
		/* force-remove, ignoring a missing container; Podman prints the name it removed */
		struct container_remove_opts ro = {.force = true, .timeout = -1};
		struct cpod_error *rerr = NULL;
		int r = container_remove(ctx->engine, o->name, &ro, &rerr);
		if (r == -ENOENT) {
			cpod_error_free(rerr);
		} else if (r < 0) {
			cpod_error_move(err, &rerr);
			return r;
		} else {
			printf("%s\n", o->name);
		}
	}
	return 0;
}

int create_cli_create(struct cli_ctx *ctx, const struct create_cli_opts *o, struct create_build *b,
                      struct container **ret, struct cpod_error **err)
{
	_cleanup_(container_freep) struct container *c = NULL;
	int r = create_cli_before(ctx, o, b, err);
	if (r >= 0)
		r = container_create(ctx->engine, &b->opts, &c, err);
	if (r >= 0)
		r = create_cli_after(b, c->config.id, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

int create_cli_after(struct create_build *b, const char *id, struct cpod_error **err)
{
	if (!b->cid_open)
		return 0;
	size_t len = strlen(id);
	ssize_t w = write(b->cid_fd, id, len);
	int r = 0;
	if (w < 0 || (size_t)w != len)
		r = cpod_error_set(err, w < 0 ? errno : EIO, "writing cidfile");
	close(b->cid_fd);
	b->cid_open = false;
	return r;
}
