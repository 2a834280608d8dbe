/*
 * runtime.c - the refcounted current runtime (see runtime.h).
 */
#include "autoconfig.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "runtime.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime *current;
static unsigned sessions; /* references held by connections */
static bool closed;	  /* runtime_close() was called */

static time_t
wall_clock(void *arg)
{
	(void)arg;
	return time(NULL);
}

static void
runtime_free(struct runtime *rt)
{
	am_ctx_free(rt->ctx);
	free(rt);
}

struct runtime *
runtime_new(struct am_config *cfg, char *err, size_t errlen)
{
	struct runtime *rt = calloc(1, sizeof(*rt));
	struct am_ctx_env env = {.clock = wall_clock};
	char host[256];

	if (rt == NULL) {
		snprintf(err, errlen, "out of memory");
		am_config_free(cfg);
		return NULL;
	}
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	env.host = host;
	if ((rt->ctx = am_ctx_new(cfg, &env, err, errlen)) == NULL) {
		free(rt);
		return NULL;
	}
	rt->cfg = rt->ctx->cfg;
	return rt;
}

struct runtime *
runtime_acquire(void)
{
	struct runtime *rt;

	pthread_mutex_lock(&lock);
	if ((rt = closed ? NULL : current) != NULL)
		rt->refs++;
	pthread_mutex_unlock(&lock);
	return rt;
}

/* The limit is the current configuration's, and counts the connections
 * of every generation: threads and memory are the process's. */
struct runtime *
runtime_session_start(bool *full)
{
	struct runtime *rt;

	*full = false;
	pthread_mutex_lock(&lock);
	if ((rt = closed ? NULL : current) != NULL &&
	    sessions >= rt->cfg->max_connections) {
		*full = true;
		rt = NULL;
	}
	if (rt != NULL) {
		rt->refs++;
		sessions++;
	}
	pthread_mutex_unlock(&lock);
	return rt;
}

static void
unref(struct runtime *rt)
{
	bool last;

	pthread_mutex_lock(&lock);
	last = --rt->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last)
		runtime_free(rt);
}

void
runtime_release(struct runtime *rt)
{
	unref(rt);
}

void
runtime_session_end(struct runtime *rt)
{
	pthread_mutex_lock(&lock);
	sessions--;
	pthread_mutex_unlock(&lock);
	unref(rt);
}

void
runtime_install(struct runtime *rt)
{
	struct runtime *old;

	pthread_mutex_lock(&lock);
	if (rt != NULL)
		rt->refs++;
	old = current;
	current = rt;
	pthread_mutex_unlock(&lock);
	if (rt != NULL)
		log_set_level(rt->cfg->log_level);
	if (old != NULL)
		unref(old);
}

void
runtime_close(void)
{
	pthread_mutex_lock(&lock);
	closed = true;
	pthread_mutex_unlock(&lock);
}

bool
runtime_is_open(void)
{
	bool open;

	pthread_mutex_lock(&lock);
	open = current != NULL && !closed;
	pthread_mutex_unlock(&lock);
	return open;
}

unsigned
runtime_sessions(void)
{
	unsigned n;

	pthread_mutex_lock(&lock);
	n = sessions;
	pthread_mutex_unlock(&lock);
	return n;
}
