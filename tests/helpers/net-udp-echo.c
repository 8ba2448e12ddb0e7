/*
 * A UDP echo server for the net-ports test, linked statically so it runs
 * inside a busybox container (busybox has no UDP server): answers every
 * datagram with "echo:" and the datagram. Usage: net-udp-echo PORT
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        if (argc != 2) {
                fprintf(stderr, "usage: %s PORT\n", argv[0]);
                return 2;
        }
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(argv[1])) };
        if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0) {
                perror("binding");
                return 1;
        }
        char buf[2048];
        memcpy(buf, "echo:", 5);
        for (;;) {
                struct sockaddr_in from;
                socklen_t len = sizeof(from);
                ssize_t n = recvfrom(fd, buf + 5, sizeof(buf) - 5, 0, (struct sockaddr *) &from, &len);
                if (n >= 0)
                        sendto(fd, buf, (size_t) n + 5, 0, (struct sockaddr *) &from, len);
        }
}
