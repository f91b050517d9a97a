/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_REGISTRIES_CONF_INTERNAL_H
#define CPOD_REGISTRIES_CONF_INTERNAL_H

/* Shared by registries-conf*.c; not part of the public API. */
#include "registries-conf.h"

struct registry_alias {
	char *name;
	char *value; /* NULL: removed by a later file */
	char *origin;
};

struct registries_conf {
	struct registry_entry *entries;
	size_t n_entries;
	char **search;
	bool search_set;
	enum short_name_mode mode;
	bool mode_set;
	struct registry_alias *aliases;
	size_t n_aliases;
	char **files;
};

void registry_entry_release(struct registry_entry *e);
void registry_endpoint_release(struct registry_endpoint *ep);

/* Validate a location as c/image's parseLocation: strip a trailing '/', refuse schemes. */
int registries_parse_location(const char *in, char **ret, struct cpod_error **err);

/* Sort entries by prefix and keep the first of each prefix (postProcessRegistries). */
void registries_sort_unique(struct registries_conf *c);

/* Merge later file `upd` into c (updateWithConfigurationFrom); upd is emptied. */
void registries_conf_merge(struct registries_conf *c, struct registries_conf *upd);

#endif
