/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod commit [options] CONTAINER [IMAGE]`: a new image from a container's changes. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/copy.h"
#include "banned.h"

struct commit_cli_opts {
	char *author;
	char **change;
	char *format;
	bool include_volumes;
	char *iidfile;
	char *message;
	bool pause;
	bool quiet;
	bool squash;
};

static const struct cli_option commit_options[] = {
        CLI_STRING("author", 'a', struct commit_cli_opts, author,
                   "Set the author for the image committed"),
        CLI_STRING_ARRAY(
                "change", 'c', struct commit_cli_opts, change,
                "Apply the following possible instructions to the created image (default "
                "[]): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | "
                "VOLUME | WORKDIR"),
        {.long_name = "format",
         .short_name = 'f',
         .type = CLI_OPT_STRING,
         .offset = offsetof(struct commit_cli_opts, format),
         .arg_name = "string",
         .help = "Format of the image manifest and metadata",
         .def_help = "\"oci\""},
        CLI_STRING("iidfile", 0, struct commit_cli_opts, iidfile,
                   "`file` to write the image ID to"),
        CLI_BOOL("include-volumes", 0, struct commit_cli_opts, include_volumes,
                 "Include container volumes as image volumes"),
        CLI_STRING("message", 'm', struct commit_cli_opts, message,
                   "Set commit message for imported image"),
        CLI_BOOL("pause", 'p', struct commit_cli_opts, pause, "Pause container during commit"),
        CLI_BOOL("quiet", 'q', struct commit_cli_opts, quiet, "Suppress output"),
        CLI_BOOL("squash", 's', struct commit_cli_opts, squash,
                 "squash newly built layers into a single new layer"),
        CLI_OPT_END,
};

static int commit_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct commit_cli_opts *o = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_free_ char *id = NULL;
	struct container_commit_opts co = {
	        .image = argc > 1 ? argv[1] : NULL,
	        .changes = o->change,
	        .message = o->message,
	        .author = o->author,
	        .pause = o->pause,
	        .squash = o->squash,
	        .format = o->format,
	        .include_volumes = o->include_volumes,
	};
	if (container_commit(ctx->engine, argv[0], &co, &id, &err) < 0)
		return cli_error(ctx, err);
	if (o->iidfile) {
		FILE *f = fopen(o->iidfile, "we");
		if (!f)
			return cli_errorf(ctx, "failed to write image ID to file \"%s\"",
			                  o->iidfile);
		fprintf(f, "sha256:%s", id);
		fclose(f);
	}
	printf("%s\n", id);
	return 0;
}

const struct cli_command cmd_container_commit = {
        .name = "commit",
        .short_help = "Create new image based on the changed container",
        .long_help = "Create an image from a container's changes. Optionally tag the image "
                     "created, set the author with the --author flag, set the commit message with "
                     "the --message flag, and make changes to the instructions with the --change "
                     "flag.",
        .usage = "[options] CONTAINER [IMAGE]",
        .examples = "cpod commit -q --message \"committing container to image\" reverent_golick "
                    "image-committed\ncpod commit -q --author \"firstName lastName\" "
                    "reverent_golick image-committed\ncpod commit -q --pause=false containerID "
                    "image-committed\ncpod commit containerID",
        .min_args = 1,
        .max_args = 2,
        .flags = CLI_NEEDS_ENGINE,
        .options = commit_options,
        .opts_size = sizeof(struct commit_cli_opts),
        .run = commit_run,
};
