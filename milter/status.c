/*
 * status.c - the HTTP status endpoint (see status.h), on libevent's
 * evhttp in a thread of its own with its own event base.
 *
 *   GET /health   200 "serving" while connections are taken; 503
 *                 "stopping" once SIGTERM has closed the door (so that a
 *                 load balancer stops sending before the daemon is gone)
 *   GET /metrics  metrics.c's counters, Prometheus text format 0.0.4
 *
 * Only GET and HEAD; no request body is read; each connection times out
 * after 10 seconds.  It listens where the administrator says, and that
 * should be loopback or a management network: it tells counters, not
 * mail, but it is not authenticated.
 */
#include "autoconfig.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>

#include "buf.h"
#include "metrics.h"
#include "runtime.h"
#include "sigwait.h"
#include "status.h"

#define REQUEST_TIMEOUT 10 /* seconds */

static int listen_fd = -1;
static struct event_base *base;
static struct evhttp *http;
static pthread_t thread;
static bool running;

bool
status_open(const char *listen_on, char *err, size_t errlen)
{
	struct addrinfo hints, *ai = NULL;
	const char *at = strchr(listen_on, '@');
	char port[8];
	int one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = strncmp(listen_on, "inet6:", 6) == 0 ? AF_INET6 :
								  AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%ld",
	    strtol(strchr(listen_on, ':') + 1, NULL, 10));
	if ((rc = getaddrinfo(at != NULL ? at + 1 : NULL, port, &hints,
		 &ai)) != 0) {
		snprintf(err, errlen, "status.listen %s: %s", listen_on,
		    gai_strerror(rc));
		return false;
	}
	if ((listen_fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
			 SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
		sizeof(one)) != 0 ||
	    bind(listen_fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(listen_fd, 16) != 0) {
		snprintf(err, errlen, "status.listen %s: %s", listen_on,
		    strerror(errno));
		if (listen_fd >= 0)
			close(listen_fd);
		listen_fd = -1;
		freeaddrinfo(ai);
		return false;
	}
	freeaddrinfo(ai);
	return true;
}

static void
reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, const char *text, size_t len)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	evbuffer_add(out, text, len);
	evhttp_send_reply(req, code, reason, NULL);
}

static void
on_health(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (runtime_is_open())
		reply(req, 200, "OK", "text/plain", "serving\n", 8);
	else
		reply(req, 503, "Service Unavailable", "text/plain",
		    "stopping\n", 9);
}

static void
on_metrics(struct evhttp_request *req, void *arg)
{
	struct am_buf b;

	(void)arg;
	am_buf_init(&b, 0);
	metrics_render(&b, runtime_sessions());
	if (am_buf_failed(&b))
		reply(req, 500, "Internal Server Error", "text/plain",
		    "out of memory\n", 14);
	else
		reply(req, 200, "OK", "text/plain; version=0.0.4",
		    am_buf_str(&b), b.len);
	am_buf_release(&b);
}

static void *
serve(void *arg)
{
	(void)arg;
	sigwait_block_ours();
	event_base_dispatch(base);
	return NULL;
}

bool
status_start(char *err, size_t errlen)
{
	if (listen_fd < 0)
		return true;
	/* event_base_loopbreak() from the main thread must wake the loop */
	if (evthread_use_pthreads() != 0 || (base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL) {
		snprintf(err, errlen, "status endpoint: cannot set up libevent");
		return false;
	}
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(http, REQUEST_TIMEOUT);
	evhttp_set_max_body_size(http, 0);
	if (evhttp_set_cb(http, "/health", on_health, NULL) != 0 ||
	    evhttp_set_cb(http, "/metrics", on_metrics, NULL) != 0 ||
	    evhttp_accept_socket(http, listen_fd) != 0) {
		snprintf(err, errlen, "status endpoint: cannot serve");
		return false;
	}
	if ((errno = pthread_create(&thread, NULL, serve, NULL)) != 0) {
		snprintf(err, errlen, "status endpoint: %s", strerror(errno));
		return false;
	}
	running = true;
	return true;
}

void
status_stop(void)
{
	if (running) {
		event_base_loopbreak(base);
		pthread_join(thread, NULL);
		running = false;
	}
	if (http != NULL)
		evhttp_free(http); /* closes the listening socket */
	else if (listen_fd >= 0)
		close(listen_fd);
	if (base != NULL)
		event_base_free(base);
	http = NULL;
	base = NULL;
	listen_fd = -1;
}
