/* SPDX-License-Identifier: Apache-2.0 */
/* `cpod image tree`: libimage's Tree output, drawn the way gotree v3 draws it. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "format/units.h"
#include "image/image-history.h"
#include "image/image.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

struct tree_opts {
	bool whatrequires;
};

static const struct cli_option tree_options[] = {
        CLI_BOOL("whatrequires", 0, struct tree_opts, whatrequires,
                 "Show all child images and layers of the specified image"),
        CLI_OPT_END,
};

/* A Go slice of strings as %s prints it: "[a b]" */
static void go_slice(struct buf *b, json_t *a)
{
	size_t i;
	json_t *v;
	buf_putc(b, '[');
	json_array_foreach(a, i, v) buf_printf(b, "%s%s", i ? " " : "", json_string_value(v));
	buf_putc(b, ']');
}

static void draw(struct buf *out, json_t *nodes, struct buf *prefix)
{
	size_t i, n = json_array_size(nodes);
	json_t *node;
	json_array_foreach(nodes, i, node)
	{
		bool last = i == n - 1;
		const char *id = json_get_string(node, "id");
		_cleanup_free_ char *size = units_human_size_prec(
		        (double)json_integer_value(json_object_get(node, "size")), 4);
		buf_printf(out, "%s%sID: %.12s Size: %7s", buf_str(prefix), last ? "└── " : "├── ",
		           id, size);
		json_t *tags = json_object_get(node, "tags");
		if (json_array_size(tags) > 0) {
			buf_puts(out, " Top Layer of: ");
			go_slice(out, tags);
		}
		buf_putc(out, '\n');
		size_t keep = prefix->len;
		buf_puts(prefix, last ? "    " : "│   ");
		draw(out, json_object_get(node, "children"), prefix);
		prefix->data[keep] = '\0';
		prefix->len = keep;
	}
}

/*
 * libimage's Size() is containers/storage's ImageSize: the layers plus every big-data item,
 * that is the config and the manifest, which c/storage keeps twice ("manifest" and
 * "manifest-<digest>")
 */
static int64_t image_tree_size(struct store *s, const struct store_image *img)
{
	int64_t size = img->size;
	_cleanup_free_ char *cfg = NULL, *man = NULL;
	size_t len = 0;
	if (store_image_config(s, img->id, &cfg, &len, NULL) == 0)
		size += (int64_t)len;
	if (store_image_manifest(s, img->id, &man, &len, NULL) == 0)
		size += 2 * (int64_t)len;
	return size;
}

static int tree_run(struct cli_ctx *ctx, void *opts_, int argc, char **argv)
{
	struct tree_opts *opts = opts_;
	_cleanup_error_ struct cpod_error *err = NULL;
	_cleanup_(store_image_freep) struct store_image *img = NULL;
	_cleanup_json_ json_t *root = NULL;
	_cleanup_buf_ struct buf out = BUF_INIT;
	_cleanup_buf_ struct buf prefix = BUF_INIT;
	(void)argc;

	struct store *s = engine_store(ctx->engine, &err);
	if (!s)
		return cli_error(ctx, err);
	if (image_lookup(s, argv[0], NULL, &img, NULL, &err) < 0 ||
	    image_tree(s, img, opts->whatrequires, &root, &err) < 0)
		return cli_error(ctx, err);
	_cleanup_free_ char *size = units_human_size_prec((double)image_tree_size(s, img), 4);
	_cleanup_free_ char *names = strv_join(img->names, " ");
	buf_printf(&out, "Image ID: %.12s\nTags:     [%s]\nSize:     %s\n%s\n", img->id, names,
	           size, root ? "Image Layers" : "No Image Layers");
	if (root) {
		_cleanup_json_ json_t *top = json_pack("[O]", root);
		buf_puts(&prefix, "");
		draw(&out, top, &prefix);
	}
	/* Podman prints the tree (which ends in a newline) with Println */
	printf("%s\n", buf_str(&out));
	return 0;
}

const struct cli_command cmd_image_tree = {
        .name = "tree",
        .short_help = "Prints layer hierarchy of an image in a tree format",
        .usage = "[options] IMAGE",
        .examples = "cpod image tree alpine:latest",
        .min_args = 1,
        .max_args = 1,
        .flags = CLI_NEEDS_ENGINE,
        .options = tree_options,
        .opts_size = sizeof(struct tree_opts),
        .run = tree_run,
};
