#!/bin/sh
# Installs everything ctrd needs to build and to run its whole test suite on
# Debian 12 (run as root). Safe to run again.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
        autoconf automake make gcc pkg-config ca-certificates \
        libuv1-dev libmicrohttpd-dev libjansson-dev libsqlite3-dev libcmocka-dev \
        libcurl4-openssl-dev libseccomp-dev libcap-dev libarchive-dev nettle-dev libmnl-dev \
        curl jq python3 iproute2 nftables procps util-linux kmod xz-utils \
        busybox-static runc systemd \
        skopeo umoci python3-docker docker-registry
