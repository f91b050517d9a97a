/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signal proxying (Podman's ProxySignals). Signal dispositions belong to the process, so
 * this file keeps the one piece of process-wide state the runtime layer has: the write end
 * of the pipe the handler writes signal numbers to.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct attach_sig_proxy {
	attach_sig_forward_fn forward;
	void *userdata;
	int pipe[2];
	pthread_t thread;
	struct sigaction saved[NSIG];
	bool caught[NSIG];
};

static atomic_int proxy_write_fd = -1;

static bool proxied(int sig)
{
	/* Podman's IsSignalIgnoredBySigProxy, plus SIGWINCH: resizes go through conmon's ctl */
	return sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != SIGPIPE &&
	       sig != SIGURG && sig != SIGWINCH;
}

static void on_signal(int sig)
{
	int saved = errno;
	int fd = atomic_load(&proxy_write_fd);
	if (fd >= 0) {
		unsigned char b = (unsigned char)sig;
		ssize_t n = write(fd, &b, 1);
		(void)n;
	}
	errno = saved;
}

static void *forward_thread(void *arg)
{
	struct attach_sig_proxy *p = arg;
	for (;;) {
		unsigned char b;
		ssize_t n = read(p->pipe[0], &b, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || b == 0)
			break;
		int r = p->forward(b, p->userdata);
		if (r < 0)
			log_debug("forwarding signal %d to the container failed: %s", b,
			          strerror(-r));
	}
	return NULL;
}

int attach_sig_proxy_start(attach_sig_forward_fn forward, void *userdata,
                           struct attach_sig_proxy **ret, struct cpod_error **err)
{
	struct attach_sig_proxy *p = xnew(struct attach_sig_proxy, 1);
	p->forward = forward;
	p->userdata = userdata;
	if (pipe2(p->pipe, O_CLOEXEC) < 0) {
		int e = errno;
		free(p);
		return cpod_error_set_errno(err, e, "signal proxy: pipe");
	}
	int expected = -1;
	if (!atomic_compare_exchange_strong(&proxy_write_fd, &expected, p->pipe[1])) {
		close(p->pipe[0]);
		close(p->pipe[1]);
		free(p);
		return cpod_error_set(err, EBUSY, "signal proxy: another proxy is running");
	}
	/* block everything in the helper thread, so that signals reach the handler elsewhere */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int e = pthread_create(&p->thread, NULL, forward_thread, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		atomic_store(&proxy_write_fd, -1);
		close(p->pipe[0]);
		close(p->pipe[1]);
		free(p);
		return cpod_error_set_errno(err, e, "signal proxy: start thread");
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG && sig < 256; sig++) {
		if (!proxied(sig) || (sig >= 32 && sig < SIGRTMIN))
			continue;
		if (sigaction(sig, &sa, &p->saved[sig]) == 0)
			p->caught[sig] = true;
	}
	*ret = p;
	return 0;
}

void attach_sig_proxy_stop(struct attach_sig_proxy *p)
{
	if (!p)
		return;
	for (int sig = 1; sig < NSIG; sig++) {
		if (p->caught[sig])
			sigaction(sig, &p->saved[sig], NULL);
	}
	atomic_store(&proxy_write_fd, -1);
	unsigned char stop = 0;
	ssize_t n = write(p->pipe[1], &stop, 1);
	(void)n;
	pthread_join(p->thread, NULL);
	close(p->pipe[0]);
	close(p->pipe[1]);
	free(p);
}
