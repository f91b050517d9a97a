/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpod-testprog: a static helper the system tests run inside containers, so that the
 * tests do not depend on what a shell or busybox applet happens to print. Each subcommand
 * prints one fact about the process as the container saw it, in a stable format.
 *
 *   echo ARGS...     print ARGS separated by spaces
 *   exit N           exit with status N (0-255)
 *   sleep SECS       sleep (fractions allowed), then exit 0
 *   env              print the environment, one VAR=value a line, sorted
 *   id               print "uid=U gid=G groups=G1,G2"
 *   cat FILE...      copy files to stdout ("-" is stdin)
 *   pwd              print the working directory
 *   caps             print the CapEff/CapPrm/CapBnd lines of /proc/self/status
 *   signals [SECS]   print "ready", wait for a signal, print its name and exit 0
 *                    (exit 2 after SECS seconds without one; default 60)
 *   hostname         print the host name (uname nodename)
 *   ls DIR           print the entries of DIR, sorted, "." and ".." left out
 *   pid              print the pid and ppid
 *   write FILE TEXT  write TEXT and a newline to FILE
 *   stderr TEXT      print TEXT on stderr
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "cpod-testprog: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
	return 1;
}

static int parse_long(const char *s, long min, long max, long *ret)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "cpod-testprog: invalid number \"%s\"\n", s);
		return -1;
	}
	*ret = v;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int do_echo(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		printf("%s%s", i ? " " : "", argv[i]);
	putchar('\n');
	return 0;
}

static int do_exit(int argc, char **argv)
{
	long n = 0;

	if (argc > 0 && parse_long(argv[0], 0, 255, &n) < 0)
		return 2;
	fflush(stdout);
	return (int)n;
}

static int do_sleep(int argc, char **argv)
{
	struct timespec ts;
	char *end = NULL;
	double secs;

	if (argc < 1)
		return 2;
	secs = strtod(argv[0], &end);
	if (end == argv[0] || *end || secs < 0 || secs > 1e6) {
		fprintf(stderr, "cpod-testprog: invalid duration \"%s\"\n", argv[0]);
		return 2;
	}
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int do_env(void)
{
	size_t n = 0;
	char **copy;

	while (environ[n])
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		return 1;
	memcpy(copy, environ, n * sizeof(*copy));
	qsort(copy, n, sizeof(*copy), cmp_str);
	for (size_t i = 0; i < n; i++)
		puts(copy[i]);
	free(copy);
	return 0;
}

static int do_id(void)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);

	if (n < 0)
		return fail("getgroups", NULL);
	printf("uid=%u gid=%u groups=", (unsigned)getuid(), (unsigned)getgid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
	putchar('\n');
	return 0;
}

static int copy_fd(int fd)
{
	char buf[8192];
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (fwrite(buf, 1, (size_t)r, stdout) != (size_t)r)
			return -1;
	}
	return 0;
}

static int do_cat(int argc, char **argv)
{
	int ret = 0;

	for (int i = 0; i < argc; i++) {
		int fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY | O_CLOEXEC) : 0;

		if (fd < 0 || copy_fd(fd) < 0)
			ret = fail("cat", argv[i]);
		if (fd > 0)
			close(fd);
	}
	return ret;
}

static int do_pwd(void)
{
	char buf[PATH_MAX];

	if (!getcwd(buf, sizeof(buf)))
		return fail("getcwd", NULL);
	puts(buf);
	return 0;
}

static int do_caps(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return fail("open", "/proc/self/status");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapPrm:", 7) ||
		    !strncmp(line, "CapBnd:", 7))
			fputs(line, stdout);
	}
	fclose(f);
	return 0;
}

static int do_signals(int argc, char **argv)
{
	long timeout = 60;
	sigset_t set;
	siginfo_t info;
	struct timespec ts;
	int sig;

	if (argc > 0 && parse_long(argv[0], 1, 86400, &timeout) < 0)
		return 2;
	sigfillset(&set);
	sigdelset(&set, SIGKILL);
	sigdelset(&set, SIGSTOP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	puts("ready");
	fflush(stdout);
	ts.tv_sec = timeout;
	ts.tv_nsec = 0;
	do
		sig = sigtimedwait(&set, &info, &ts);
	while (sig < 0 && errno == EINTR);
	if (sig < 0) {
		puts("timeout");
		return 2;
	}
	printf("SIG%s\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "UNKNOWN");
	return 0;
}

static int do_hostname(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return fail("uname", NULL);
	puts(u.nodename);
	return 0;
}

static int do_ls(int argc, char **argv)
{
	const char *dir = argc > 0 ? argv[0] : ".";
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0)
		return fail("ls", dir);
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
			puts(names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int do_write(int argc, char **argv)
{
	FILE *f;

	if (argc < 2)
		return 2;
	f = fopen(argv[0], "we");
	if (!f)
		return fail("write", argv[0]);
	fprintf(f, "%s\n", argv[1]);
	if (fclose(f) == EOF)
		return fail("write", argv[0]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int n = argc > 2 ? argc - 2 : 0;
	char **args = argv + 2;
	int ret;

	if (!strcmp(cmd, "echo"))
		ret = do_echo(n, args);
	else if (!strcmp(cmd, "exit"))
		ret = do_exit(n, args);
	else if (!strcmp(cmd, "sleep"))
		ret = do_sleep(n, args);
	else if (!strcmp(cmd, "env"))
		ret = do_env();
	else if (!strcmp(cmd, "id"))
		ret = do_id();
	else if (!strcmp(cmd, "cat"))
		ret = do_cat(n, args);
	else if (!strcmp(cmd, "pwd"))
		ret = do_pwd();
	else if (!strcmp(cmd, "caps"))
		ret = do_caps();
	else if (!strcmp(cmd, "signals"))
		ret = do_signals(n, args);
	else if (!strcmp(cmd, "hostname"))
		ret = do_hostname();
	else if (!strcmp(cmd, "ls"))
		ret = do_ls(n, args);
	else if (!strcmp(cmd, "pid"))
		ret = printf("pid=%d ppid=%d\n", (int)getpid(), (int)getppid()) < 0;
	else if (!strcmp(cmd, "write"))
		ret = do_write(n, args);
	else if (!strcmp(cmd, "stderr"))
		ret = fprintf(stderr, "%s\n", n > 0 ? args[0] : "") < 0;
	else {
		fprintf(stderr, "usage: cpod-testprog echo|exit|sleep|env|id|cat|pwd|caps|signals|"
				"hostname|ls|pid|write|stderr [ARGS...]\n");
		return 2;
	}
	if (fflush(stdout) == EOF && ret == 0)
		ret = 1;
	return ret;
}
