/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_STRUTIL_H
#define CPOD_STRUTIL_H

/*
 * s quoted as Go's %q / strconv.Quote prints it for ASCII text (Podman's messages quote
 * user input this way): "a\"b". Owned string.
 */
char *go_quote(const char *s);

#endif
