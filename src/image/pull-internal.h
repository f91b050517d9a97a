/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_IMAGE_PULL_INTERNAL_H
#define CPOD_IMAGE_PULL_INTERNAL_H

/* Shared by the pull and push files; not part of the image layer's API. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "manifest.h"
#include "pull.h"

struct store;
struct registry_client;

/*
 * Progress output. Without a terminal, Podman's lines ("Copying blob sha256:..."), printed
 * when a blob starts; on a terminal a live line per blob with its size and rate, redrawn by
 * a thread until pull_progress_finish(). All functions accept a NULL progress.
 */
struct pull_progress;
struct pull_progress *pull_progress_new(FILE *out, bool tty);
void pull_progress_free(struct pull_progress *p);
/* A new blob line ("blob" or "config"); returns its index. */
size_t pull_progress_add(struct pull_progress *p, const char *kind, const char *digest,
                         int64_t size);
/* Bytes received (thread-safe); a negative count resets the blob to 0. */
void pull_progress_bytes(struct pull_progress *p, size_t idx, int64_t n);
void pull_progress_done(struct pull_progress *p, size_t idx);
/* Stop the live redraw (draw the final state); plain lines may follow. */
void pull_progress_finish(struct pull_progress *p);
/* A plain line, e.g. "Writing manifest to image destination". */
void pull_progress_line(struct pull_progress *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* One layer of an image being pulled. */
struct pull_layer {
	const struct manifest_descriptor *desc; /* borrowed from the manifest */
	const char *diff_id;                    /* borrowed from the config */
	char *chain_id;                         /* owned */
	bool present;                           /* the store has it: not downloaded */
	size_t progress_idx;
	/* worker state, guarded by the fetch's lock */
	int fd;
	int state; /* 0 pending, 1 downloaded, -1 failed */
	struct cpod_error *error;
};

/*
 * Download the missing layers of repo with up to `parallel` threads into unnamed temporary
 * files on the store's file system and create them in the store, base first, each as soon
 * as it and its parent are there. *ret_top is the top layer ID (owned; NULL without layers).
 */
int pull_layers(struct store *s, struct registry_client *c, const char *repo,
                struct pull_layer *layers, size_t n, unsigned parallel,
                struct pull_progress *progress, char **ret_top, struct cpod_error **err);

/* The chain ID (hex) of diff_id on top of parent (hex or NULL). Owned. */
char *pull_chain_id(const char *parent, const char *diff_id);

/* An unnamed file for a blob in dir (O_TMPFILE), else in $TMPDIR or /var/tmp. */
int pull_tmpfile(const char *dir, struct cpod_error **err);

/* Split "host/repo:tag" or "host/repo@digest" into parts; owned strings. */
int pull_split_ref(const char *ref, char **ret_host, char **ret_repo, char **ret_ref,
                   struct cpod_error **err);

/* Push the image id to a registry reference (push-registry.c). */
int push_to_registry(struct store *s, const char *id, const char *dest,
                     const struct image_push_opts *opts, struct pull_progress *progress,
                     char **ret_digest, struct cpod_error **err);

#endif
