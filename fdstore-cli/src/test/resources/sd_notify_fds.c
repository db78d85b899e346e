/*
 * A client of systemd's fd store that nobody here wrote the protocol side of: libsystemd's
 * sd_pid_notify_with_fds(3), compiled at test time. Usage: sd_notify_fds STATE [FILE...]
 * sends STATE (newlines included) to $NOTIFY_SOCKET with one fd per FILE, opened read-only.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s STATE [FILE...]\n", argv[0]);
        return 100;
    }
    int n = argc - 2;
    int *fds = calloc(n > 0 ? n : 1, sizeof(int));
    for (int i = 0; i < n; i++) {
        fds[i] = open(argv[2 + i], O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) {
            perror(argv[2 + i]);
            return 111;
        }
    }
    int r = sd_pid_notify_with_fds(0, 0, argv[1], fds, n);
    if (r <= 0) {
        fprintf(stderr, "sd_pid_notify_with_fds: %s\n", r == 0 ? "NOTIFY_SOCKET is not set" : strerror(-r));
        return 111;
    }
    printf("sent %d fds\n", n);
    return 0;
}
