/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `top` with psgo's descriptors (the library Podman's top uses), read from the host's
 * /proc. Output texts follow psgo: %CPU with three decimals, ELAPSED and TIME as Go
 * durations, TTY "?" when there is none, capability sets "full"/"none"/names.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup-stats.h"
#include "runtime/spec-internal.h"
#include "runtime/top.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "banned.h"

#define PROC_FILE_MAX (64 * 1024)
#define TOP_MAX_PROCS 65536

static const struct {
	const char *name, *aix, *header;
} descs[] = {
        {"args", "%a", "COMMAND"},
        {"capamb", NULL, "AMBIENT CAPS"},
        {"capbnd", NULL, "BOUNDING CAPS"},
        {"capeff", NULL, "EFFECTIVE CAPS"},
        {"capinh", NULL, "INHERITED CAPS"},
        {"capprm", NULL, "PERMITTED CAPS"},
        {"comm", "%c", "COMMAND"},
        {"etime", "%t", "ELAPSED"},
        {"group", "%G", "GROUP"},
        {"hgroup", NULL, "HGROUP"},
        {"hpid", NULL, "HPID"},
        {"huser", NULL, "HUSER"},
        {"label", NULL, "LABEL"},
        {"nice", "%n", "NI"},
        {"pcpu", "%C", "%CPU"},
        {"pgid", "%r", "PGID"},
        {"pid", "%p", "PID"},
        {"ppid", "%P", "PPID"},
        {"rgroup", "%g", "RGROUP"},
        {"ruser", "%u", "RUSER"},
        {"seccomp", NULL, "SECCOMP"},
        {"state", NULL, "STATE"},
        {"stime", NULL, "STIME"},
        {"time", "%x", "TIME"},
        {"tty", "%y", "TTY"},
        {"user", "%U", "USER"},
        {"vsz", "%z", "VSZ"},
};
#define N_DESCS (sizeof(descs) / sizeof(descs[0]))

static const char *canonical(const char *d)
{
	for (size_t i = 0; i < N_DESCS; i++)
		if (strcmp(d, descs[i].name) == 0 || (descs[i].aix && strcmp(d, descs[i].aix) == 0))
			return descs[i].name;
	return NULL;
}

const char *top_header(const char *desc)
{
	const char *c = canonical(desc);
	for (size_t i = 0; c && i < N_DESCS; i++)
		if (strcmp(c, descs[i].name) == 0)
			return descs[i].header;
	return NULL;
}

bool top_parse_descriptors(char *const *args, char ***ret)
{
	_cleanup_strv_free_ char **out = NULL;
	STRV_FOREACH(a, (char **)args)
	{
		_cleanup_strv_free_ char **parts = strv_split(*a, ", ");
		STRV_FOREACH(p, parts)
		{
			if (!**p)
				continue;
			const char *c = canonical(*p);
			if (!c) {
				*ret = NULL;
				return false;
			}
			strv_push(&out, c);
		}
	}
	if (!out) {
		static const char *const def[] = {"user",  "pid", "ppid", "pcpu",
		                                  "etime", "tty", "time", "args"};
		for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
			strv_push(&out, def[i]);
	}
	*ret = TAKE_PTR(out);
	return true;
}

struct proc_info {
	pid_t hpid, pid, ppid_host, pgid;
	char state;
	char comm[64];
	char *cmdline;
	unsigned tty;
	uint64_t utime, stime, start_ticks, vsize;
	long nice;
	unsigned ruid, euid, rgid, egid;
	uint64_t cap[5]; /* inh prm eff bnd amb */
	int seccomp;
	char *label;
};

static char *read_proc(const char *proc, pid_t pid, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%d/%s", proc, (int)pid, file);
	char *t = NULL;
	size_t len = 0;
	if (read_file_at(AT_FDCWD, p, PROC_FILE_MAX, &t, &len) < 0)
		return NULL;
	if (strcmp(file, "cmdline") == 0) {
		/* psgo joins the NUL-terminated words with spaces: "sleep 100 " */
		for (size_t i = 0; i < len; i++)
			if (t[i] == '\0')
				t[i] = ' ';
	}
	return t;
}

static const char *status_field(const char *status, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = status; p && *p;) {
		if (strncmp(p, key, n) == 0 && p[n] == ':')
			return p + n + 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static bool parse_stat(const char *text, struct proc_info *pi)
{
	const char *lp = strchr(text, '('), *rp = strrchr(text, ')');
	if (!lp || !rp || rp < lp)
		return false;
	size_t n = (size_t)(rp - lp - 1);
	if (n >= sizeof(pi->comm))
		n = sizeof(pi->comm) - 1;
	memcpy(pi->comm, lp + 1, n);
	pi->comm[n] = '\0';
	int ppid, pgrp, session, tty;
	unsigned long long utime, stime, start, vsize;
	long prio, nice;
	/* fields 3.. after "(comm)": state ppid pgrp session tty_nr tpgid flags minflt
	 * cminflt majflt cmajflt utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime vsize */
	if (sscanf(rp + 2,
	           "%c %d %d %d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %ld %ld %*d %*d "
	           "%llu %llu",
	           &pi->state, &ppid, &pgrp, &session, &tty, &utime, &stime, &prio, &nice, &start,
	           &vsize) != 11)
		return false;
	pi->ppid_host = ppid;
	pi->pgid = pgrp;
	pi->tty = (unsigned)tty;
	pi->utime = utime;
	pi->stime = stime;
	pi->nice = nice;
	pi->start_ticks = start;
	pi->vsize = vsize;
	return true;
}

static void parse_status(const char *st, struct proc_info *pi)
{
	const char *v;
	if ((v = status_field(st, "Uid")))
		sscanf(v, "%u %u", &pi->ruid, &pi->euid);
	if ((v = status_field(st, "Gid")))
		sscanf(v, "%u %u", &pi->rgid, &pi->egid);
	if ((v = status_field(st, "NSpid"))) {
		/* the last number is the pid in the innermost namespace */
		const char *end = v + strcspn(v, "\n");
		const char *p = end;
		while (p > v && isdigit((unsigned char)p[-1]))
			p--;
		pi->pid = (pid_t)strtol(p, NULL, 10);
	}
	static const char *const capk[5] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	for (int i = 0; i < 5; i++)
		if ((v = status_field(st, capk[i])))
			pi->cap[i] = strtoull(v, NULL, 16);
	pi->seccomp = (v = status_field(st, "Seccomp")) ? (int)strtol(v, NULL, 10) : 0;
}

/* name of id in passwd/group text (the first field of the line whose third is id) */
static char *id_name(const char *text, unsigned id)
{
	_cleanup_strv_free_ char **lines = strv_split(text ? text : "", "\n");
	STRV_FOREACH(l, lines)
	{
		_cleanup_strv_free_ char **f = strv_split(*l, ":");
		char *end;
		if (strv_length(f) >= 3 && *f[2] && strtoul(f[2], &end, 10) == id && !*end)
			return xstrdup(f[0]);
	}
	return xasprintf("%u", id);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* psgo: "full" when every capability is set, "none", else the names sorted */
static char *caps_text(uint64_t mask, unsigned last_cap)
{
	_cleanup_strv_free_ char **names = NULL;
	bool full = true;
	for (unsigned i = 0; i <= last_cap && i < 64; i++) {
		if (!(mask & (UINT64_C(1) << i))) {
			full = false;
			continue;
		}
		const char *n = spec_cap_name(i);
		if (n)
			strv_push(&names, n + 4);
	}
	if (!names)
		return xstrdup("none");
	if (full)
		return xstrdup("full");
	qsort(names, strv_length(names), sizeof(char *), cmp_str);
	return strv_join(names, ",");
}

static char *tty_text(const char *proc, unsigned tty)
{
	(void)proc;
	if (!tty)
		return xstrdup("?");
	unsigned maj = major(tty), min = minor(tty);
	if (maj >= 136 && maj <= 143)
		return xasprintf("pts/%u", (maj - 136) * 256 + min);
	if (maj == 4 && min < 64)
		return xasprintf("tty%u", min);
	if (maj == 5 && min == 1)
		return xstrdup("console");
	return xstrdup("?");
}

struct top_ctx {
	const char *proc;
	char *passwd, *group, *hpasswd, *hgroup;
	int64_t now_ns, boot_ns;
	long hz;
	unsigned last_cap;
	const struct proc_info *all;
	size_t n_all;
};

static int64_t start_ns(const struct top_ctx *c, const struct proc_info *pi)
{
	return c->boot_ns + (int64_t)(pi->start_ticks * (1000000000.0 / (double)c->hz));
}

static pid_t ns_ppid(const struct top_ctx *c, const struct proc_info *pi)
{
	for (size_t i = 0; i < c->n_all; i++)
		if (c->all[i].hpid == pi->ppid_host)
			return c->all[i].pid;
	return 0;
}

static char *cell(const struct top_ctx *c, const struct proc_info *pi, const char *d)
{
	int64_t elapsed = c->now_ns - start_ns(c, pi);
	uint64_t cpu_ticks = pi->utime + pi->stime;
	if (strcmp(d, "args") == 0)
		return pi->cmdline && *pi->cmdline ? xstrdup(pi->cmdline)
		                                   : xasprintf("[%s]", pi->comm);
	if (strcmp(d, "comm") == 0)
		return xstrdup(pi->comm);
	if (strcmp(d, "etime") == 0)
		return stats_go_duration(elapsed > 0 ? elapsed : 0);
	if (strcmp(d, "time") == 0)
		return stats_go_duration((int64_t)(cpu_ticks / (uint64_t)c->hz) * 1000000000);
	if (strcmp(d, "pcpu") == 0) {
		double secs = (double)elapsed / 1e9;
		double used = (double)cpu_ticks / (double)c->hz;
		return xasprintf("%.3f", secs > 0 ? used / secs * 100.0 : 0.0);
	}
	if (strcmp(d, "pid") == 0)
		return xasprintf("%d", (int)pi->pid);
	if (strcmp(d, "hpid") == 0)
		return xasprintf("%d", (int)pi->hpid);
	if (strcmp(d, "ppid") == 0)
		return xasprintf("%d", (int)ns_ppid(c, pi));
	if (strcmp(d, "pgid") == 0)
		return xasprintf("%d", (int)pi->pgid);
	if (strcmp(d, "nice") == 0)
		return xasprintf("%ld", pi->nice);
	if (strcmp(d, "vsz") == 0)
		return xasprintf("%" PRIu64, pi->vsize / 1024);
	if (strcmp(d, "state") == 0)
		return xasprintf("%c", pi->state);
	if (strcmp(d, "tty") == 0)
		return tty_text(c->proc, pi->tty);
	if (strcmp(d, "user") == 0)
		return id_name(c->passwd, pi->euid);
	if (strcmp(d, "ruser") == 0)
		return id_name(c->passwd, pi->ruid);
	if (strcmp(d, "group") == 0)
		return id_name(c->group, pi->egid);
	if (strcmp(d, "rgroup") == 0)
		return id_name(c->group, pi->rgid);
	if (strcmp(d, "huser") == 0)
		return id_name(c->hpasswd, pi->euid);
	if (strcmp(d, "hgroup") == 0)
		return id_name(c->hgroup, pi->egid);
	if (strcmp(d, "seccomp") == 0)
		return xstrdup(pi->seccomp == 2   ? "filter"
		               : pi->seccomp == 1 ? "strict"
		                                  : "disabled");
	if (strcmp(d, "label") == 0)
		return xstrdup(pi->label && *pi->label ? pi->label : "?");
	if (strcmp(d, "stime") == 0) {
		struct timespec ts = {.tv_sec = start_ns(c, pi) / 1000000000};
		struct tm tm;
		char buf[64];
		localtime_r(&ts.tv_sec, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %z %Z", &tm);
		return xstrdup(buf);
	}
	static const char *const capd[5] = {"capinh", "capprm", "capeff", "capbnd", "capamb"};
	for (int i = 0; i < 5; i++)
		if (strcmp(d, capd[i]) == 0)
			return caps_text(pi->cap[i], c->last_cap);
	return xstrdup("?");
}

static int64_t boot_time_ns(const char *proc)
{
	_cleanup_free_ char *p = xasprintf("%s/stat", proc);
	_cleanup_free_ char *t = NULL;
	if (read_file_at(AT_FDCWD, p, 1 << 20, &t, NULL) < 0)
		return 0;
	const char *b = strstr(t, "\nbtime ");
	return b ? (int64_t)strtoll(b + 7, NULL, 10) * 1000000000 : 0;
}

static char *ns_link(const char *proc, pid_t pid)
{
	_cleanup_free_ char *p = xasprintf("%s/%d/ns/pid", proc, (int)pid);
	char buf[128];
	ssize_t n = readlink(p, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static bool load_proc(const char *proc, pid_t pid, struct proc_info *pi)
{
	_cleanup_free_ char *st = read_proc(proc, pid, "stat");
	_cleanup_free_ char *status = read_proc(proc, pid, "status");
	*pi = (struct proc_info){.hpid = pid, .pid = pid};
	if (!st || !status || !parse_stat(st, pi))
		return false;
	parse_status(status, pi);
	pi->cmdline = read_proc(proc, pid, "cmdline");
	pi->label = read_proc(proc, pid, "attr/current");
	if (pi->label)
		pi->label[strcspn(pi->label, "\n")] = '\0';
	return true;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void read_names(struct top_ctx *c, const struct top_options *o, pid_t init)
{
	_cleanup_free_ char *root = xasprintf("%s/%d/root", c->proc, (int)init);
	_cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd >= 0) {
		(void)spec_read_in_root(rootfd, "/etc/passwd", PROC_FILE_MAX, &c->passwd);
		(void)spec_read_in_root(rootfd, "/etc/group", PROC_FILE_MAX, &c->group);
	}
	(void)read_file_at(AT_FDCWD, o->host_etc_passwd ? o->host_etc_passwd : "/etc/passwd",
	                   1 << 20, &c->hpasswd, NULL);
	(void)read_file_at(AT_FDCWD, o->host_etc_group ? o->host_etc_group : "/etc/group", 1 << 20,
	                   &c->hgroup, NULL);
}

int top_collect(const struct top_options *o, pid_t init_pid, char *const *descriptors, json_t **ret,
                struct cpod_error **err)
{
	struct top_ctx c = {.proc = o->proc_root ? o->proc_root : "/proc"};
	_cleanup_free_ char *want = ns_link(c.proc, init_pid);
	if (!want)
		return cpod_error_set(err, ESRCH, "container process %d is gone", (int)init_pid);
	_cleanup_closedir_ DIR *d = opendir(c.proc);
	if (!d)
		return cpod_error_set_errno(err, errno, "open %s", c.proc);

	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	c.now_ns = o->now_ns ? o->now_ns : (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	c.boot_ns = boot_time_ns(c.proc);
	c.hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	_cleanup_free_ char *lcp = xasprintf("%s/sys/kernel/cap_last_cap", c.proc);
	_cleanup_free_ char *lc = NULL;
	c.last_cap = read_file_at(AT_FDCWD, lcp, 64, &lc, NULL) == 0
	                     ? (unsigned)strtoul(lc, NULL, 10)
	                     : 40;

	struct proc_info *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < TOP_MAX_PROCS) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		_cleanup_free_ char *ns = ns_link(c.proc, (pid_t)pid);
		if (!ns || strcmp(ns, want) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			all = xrealloc(all, cap * sizeof(*all));
		}
		if (load_proc(c.proc, (pid_t)pid, &all[n]))
			n++;
	}
	if (n)
		qsort(all, n, sizeof(*all), cmp_pid);
	c.all = all;
	c.n_all = n;
	read_names(&c, o, init_pid);

	json_t *rows = json_array(), *hdr = json_array();
	STRV_FOREACH(dsc, (char **)descriptors)
	json_array_append_new(hdr, json_string(top_header(*dsc) ?: *dsc));
	json_array_append_new(rows, hdr);
	for (size_t i = 0; i < n; i++) {
		json_t *row = json_array();
		STRV_FOREACH(dsc, (char **)descriptors)
		{
			char *text = cell(&c, &all[i], *dsc);
			json_array_append_new(row, json_string(text));
			free(text);
		}
		json_array_append_new(rows, row);
	}
	for (size_t i = 0; i < n; i++) {
		free(all[i].cmdline);
		free(all[i].label);
	}
	free(all);
	free(c.passwd);
	free(c.group);
	free(c.hpasswd);
	free(c.hgroup);
	*ret = rows;
	return 0;
}

char **top_ps_argv(pid_t pid, char *const *args)
{
	char **v = NULL;
	_cleanup_free_ char *t = xasprintf("%d", (int)pid);
	/* the container's own ps(1), in its mount and pid namespaces, as `podman exec` would */
	const char *const pre[] = {"nsenter", "--target", t,    "--mount", "--pid",
	                           "--root",  "--wd",     "--", "ps"};
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		strv_push(&v, pre[i]);
	STRV_FOREACH(a, (char **)args)
	strv_push(&v, *a);
	return v;
}
