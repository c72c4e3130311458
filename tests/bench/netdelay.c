/*
 * netdelay: a TCP proxy that simulates network latency (issue 18), for
 * tests/bench/remote.sh. Not installed; no service to set up.
 *
 *   netdelay [--listen HOST:PORT] --target HOST:PORT --delay-ms MS [--count]
 *
 * Accepts connections on --listen (default 127.0.0.1:0, a free port), opens
 * one to --target for each, and forwards the bytes both ways, each read
 * chunk held back MS milliseconds (fractions allowed: 0.25) before it is
 * written on: a request and its reply cost 2 x MS, one round trip. Prints
 * "listening HOST:PORT" on stdout once it accepts connections.
 *
 * --count: when a connection closes, and for those still open at SIGTERM or
 * SIGINT, prints on stderr
 *   netdelay: connection N: R requests, S replies, B1 bytes out, B2 bytes back
 * where a request is a burst of bytes from the client that follows the
 * server's last reply (or opens the connection) and a reply the same the
 * other way: with a request/reply protocol such as Xapian's remote one,
 * "requests" is the number of round trips the client waited for. The last
 * line is the total: "netdelay: total: C connections, R requests, ...".
 *
 * One thread and one ppoll() loop: a chunk is queued with its due time, and
 * the loop sleeps until the earliest one (ppoll's timespec, so that 0.25 ms
 * is kept; poll()'s milliseconds would round it to 0 or 1). Connections are
 * many (8 searchers x 4 shards) but the bytes few, so one thread suffices.
 * Exits 0 on SIGTERM or SIGINT, 2 on bad arguments or a listening failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A chunk read from one side, waiting for its due time to be written. */
typedef struct chunk {
    struct chunk *next;
    double due;  /* seconds, CLOCK_MONOTONIC */
    size_t size; /* bytes in bytes[] */
    size_t sent; /* of them, already written */
    char bytes[];
} chunk_t;

/* One direction of a connection: bytes read from `from`, written to `to`. */
typedef struct {
    int from, to;
    chunk_t *head, *tail;
    int eof;              /* `from` closed: shut `to` down once drained */
    unsigned long bursts; /* reads that follow the other direction's */
    unsigned long long bytes;
} flow_t;

typedef struct {
    unsigned long id;
    flow_t out;  /* client -> server */
    flow_t back; /* server -> client */
    int last;    /* which flow read last: 0 none, 1 out, 2 back */
    int closed;
} link_t;

static volatile sig_atomic_t stopping;
static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Splits "HOST:PORT" (the last colon) into its address; 0 on success. */
static int resolve(const char *spec, int passive, struct addrinfo **out)
{
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec || !colon[1])
        return -1;
    char host[256];
    size_t n = (size_t)(colon - spec);
    if (n >= sizeof host)
        return -1;
    memcpy(host, spec, n);
    host[n] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    if (passive)
        hints.ai_flags = AI_PASSIVE;
    return getaddrinfo(host, colon + 1, &hints, out) ? -1 : 0;
}

/* Nagle's algorithm would add its own delay to small replies. */
static void no_delay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void count_line(const link_t *l)
{
    fprintf(
        stderr,
        "netdelay: connection %lu: %lu requests, %lu replies, %llu bytes out, %llu bytes back\n",
        l->id, l->out.bursts, l->back.bursts, l->out.bytes, l->back.bytes);
}

static void drop_chunks(flow_t *f)
{
    while (f->head) {
        chunk_t *c = f->head;
        f->head = c->next;
        free(c);
    }
    f->tail = NULL;
}

static void close_link(link_t *l, int count)
{
    if (l->closed)
        return;
    if (count)
        count_line(l);
    close(l->out.from);
    close(l->out.to);
    drop_chunks(&l->out);
    drop_chunks(&l->back);
    l->closed = 1;
}

/* Reads what `from` has into a chunk due in `delay` seconds; -1 on an error. */
static int read_flow(link_t *l, flow_t *f, int which, double delay)
{
    char buffer[65536];
    ssize_t n = read(f->from, buffer, sizeof buffer);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0) {
        f->eof = 1;
        return 0;
    }
    chunk_t *c = malloc(sizeof *c + (size_t)n);
    if (!c)
        return -1;
    memcpy(c->bytes, buffer, (size_t)n);
    c->size = (size_t)n;
    c->sent = 0;
    c->next = NULL;
    c->due = now() + delay;
    if (f->tail)
        f->tail->next = c;
    else
        f->head = c;
    f->tail = c;
    f->bytes += (unsigned long long)n;
    if (l->last != which)
        f->bursts++;
    l->last = which;
    return 0;
}

/* Writes the due chunks of f, in order; -1 on an error. */
static int write_flow(flow_t *f, double t)
{
    while (f->head && f->head->due <= t) {
        chunk_t *c = f->head;
        ssize_t n = write(f->to, c->bytes + c->sent, c->size - c->sent);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        c->sent += (size_t)n;
        if (c->sent < c->size)
            return 0;
        f->head = c->next;
        if (!f->head)
            f->tail = NULL;
        free(c);
    }
    if (f->eof && !f->head)
        shutdown(f->to, SHUT_WR);
    return 0;
}

static int usage(void)
{
    fputs("usage: netdelay [--listen HOST:PORT] --target HOST:PORT --delay-ms MS [--count]\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    const char *listen_spec = "127.0.0.1:0", *target_spec = NULL;
    double delay = -1;
    int count = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--listen") && i + 1 < argc)
            listen_spec = argv[++i];
        else if (!strcmp(argv[i], "--target") && i + 1 < argc)
            target_spec = argv[++i];
        else if (!strcmp(argv[i], "--delay-ms") && i + 1 < argc) {
            char *end;
            delay = strtod(argv[++i], &end) / 1000;
            if (*end || delay < 0 || delay > 60) {
                fprintf(stderr, "netdelay: --delay-ms '%s': a number of milliseconds, 0 to 60000\n",
                        argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--count"))
            count = 1;
        else
            return usage();
    }
    if (!target_spec || delay < 0)
        return usage();

    struct addrinfo *target, *here;
    if (resolve(target_spec, 0, &target)) {
        fprintf(stderr, "netdelay: --target '%s': not a HOST:PORT that resolves\n", target_spec);
        return 2;
    }
    if (resolve(listen_spec, 1, &here)) {
        fprintf(stderr, "netdelay: --listen '%s': not a HOST:PORT that resolves\n", listen_spec);
        return 2;
    }
    int listener = socket(here->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (listener >= 0)
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (listener < 0 || bind(listener, here->ai_addr, here->ai_addrlen) || listen(listener, 128)) {
        fprintf(stderr, "netdelay: --listen '%s': %s\n", listen_spec, strerror(errno));
        return 2;
    }
    struct sockaddr_storage bound;
    socklen_t bound_len = sizeof bound;
    char host[NI_MAXHOST], port[NI_MAXSERV];
    getsockname(listener, (struct sockaddr *)&bound, &bound_len);
    getnameinfo((struct sockaddr *)&bound, bound_len, host, sizeof host, port, sizeof port,
                NI_NUMERICHOST | NI_NUMERICSERV);
    printf("listening %s:%s\n", host, port);
    fflush(stdout);

    /* SIGTERM only interrupts ppoll(): no signal lands between the flag's
     * test and the wait. A peer that closes must not kill the proxy. */
    sigset_t blocked, during_wait;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigprocmask(SIG_BLOCK, &blocked, &during_wait);
    sigdelset(&during_wait, SIGTERM);
    sigdelset(&during_wait, SIGINT);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    link_t *links = NULL;
    size_t nlinks = 0, cap = 0;
    struct pollfd *fds = NULL;
    size_t fds_cap = 0;
    unsigned long next_id = 1;
    unsigned long long total_requests = 0, total_replies = 0;
    while (!stopping) {
        /* One pollfd per socket: the listener, then client and server of each link. */
        if (fds_cap < 1 + 2 * nlinks) {
            fds_cap = 2 * (1 + 2 * nlinks);
            fds = realloc(fds, fds_cap * sizeof *fds);
            if (!fds)
                return 1;
        }
        size_t nfds = 0;
        fds[nfds++] = (struct pollfd){.fd = listener, .events = POLLIN};
        double t = now(), wake = -1;
        for (size_t i = 0; i < nlinks; i++) {
            link_t *l = &links[i];
            flow_t *fl[2] = {&l->out, &l->back};
            short ev[2] = {0, 0}; /* client, server */
            for (int k = 0; k < 2; k++) {
                flow_t *f = fl[k];
                if (!f->eof)
                    ev[k] |= POLLIN;
                if (f->head) {
                    if (f->head->due <= t)
                        ev[1 - k] |= POLLOUT;
                    else if (wake < 0 || f->head->due < wake)
                        wake = f->head->due;
                }
            }
            /* A side that has closed reports POLLHUP forever: leave it out
             * of the wait unless a due chunk is to be written to it. */
            fds[nfds++] = (struct pollfd){.fd = ev[0] ? l->out.from : -1, .events = ev[0]};
            fds[nfds++] = (struct pollfd){.fd = ev[1] ? l->out.to : -1, .events = ev[1]};
        }
        struct timespec timeout, *wait = NULL;
        if (wake >= 0) {
            double d = wake - t;
            timeout.tv_sec = (time_t)d;
            timeout.tv_nsec = (long)((d - (double)timeout.tv_sec) * 1e9);
            wait = &timeout;
        }
        int ready = ppoll(fds, nfds, wait, &during_wait);
        if (ready < 0 && errno != EINTR) {
            perror("netdelay: ppoll");
            break;
        }
        if (ready < 0)
            continue;

        t = now();
        for (size_t i = 0; i < nlinks; i++) {
            link_t *l = &links[i];
            short client = fds[1 + 2 * i].revents, server = fds[2 + 2 * i].revents;
            int bad = 0;
            if (client & (POLLIN | POLLHUP | POLLERR))
                bad |= read_flow(l, &l->out, 1, delay);
            if (server & (POLLIN | POLLHUP | POLLERR))
                bad |= read_flow(l, &l->back, 2, delay);
            bad |= write_flow(&l->out, t);
            bad |= write_flow(&l->back, t);
            /* Both sides closed and everything delivered, or a socket error. */
            if (bad || (l->out.eof && l->back.eof && !l->out.head && !l->back.head)) {
                total_requests += l->out.bursts;
                total_replies += l->back.bursts;
                close_link(l, count);
            }
        }
        /* Forget closed links (order does not matter: ids stay). */
        size_t kept = 0;
        for (size_t i = 0; i < nlinks; i++)
            if (!links[i].closed)
                links[kept++] = links[i];
        nlinks = kept;

        if (fds[0].revents & POLLIN) {
            for (;;) {
                int client = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (client < 0)
                    break;
                int server = socket(target->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
                /* A blocking connect: the target is on this machine or near it. */
                if (server < 0 || connect(server, target->ai_addr, target->ai_addrlen)) {
                    fprintf(stderr, "netdelay: connecting to %s: %s\n", target_spec,
                            strerror(errno));
                    if (server >= 0)
                        close(server);
                    close(client);
                    continue;
                }
                fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK);
                no_delay(client);
                no_delay(server);
                if (nlinks == cap) {
                    cap = cap ? 2 * cap : 16;
                    links = realloc(links, cap * sizeof *links);
                    if (!links)
                        return 1;
                }
                links[nlinks++] = (link_t){.id = next_id++,
                                           .out = {.from = client, .to = server},
                                           .back = {.from = server, .to = client}};
            }
        }
    }
    for (size_t i = 0; i < nlinks; i++) {
        total_requests += links[i].out.bursts;
        total_replies += links[i].back.bursts;
        close_link(&links[i], count);
    }
    if (count)
        fprintf(stderr, "netdelay: total: %lu connections, %llu requests, %llu replies\n",
                next_id - 1, total_requests, total_replies);
    free(links);
    free(fds);
    close(listener);
    freeaddrinfo(target);
    freeaddrinfo(here);
    return 0;
}
