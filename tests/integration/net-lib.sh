# Sourced by the net-* integration tests after lib.sh: a bridge name and
# subnets of the test's own (derived from $$, so tests run side by side), and
# a cleanup that deletes whatever links and nftables tables the test's daemon left.
need_cmd ip
need_cmd nft

# Two /24s only this test uses: 10.NET_A.NET_B.0/24 and 10.NET_A.(NET_B+1).0/24.
NET_A=$((100 + ($$ / 128) % 150))
NET_B=$((($$ % 128) * 2))
SUBNET1="10.$NET_A.$NET_B.0/24"
SUBNET2="10.$NET_A.$((NET_B + 1)).0/24"
BR_DEFAULT="ctd$$"
BR_USER="ctu$$"

# Deletes the test's bridges and every veth still enslaved to them.
net_cleanup() {
        for br in "$BR_DEFAULT" "$BR_USER"; do
                for l in $(ip -o link show master "$br" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
                        ip link del "$l" 2>/dev/null
                done
                ip link del "$br" 2>/dev/null
                nft delete table ip "ctrd-$br" 2>/dev/null
        done
        return 0
}
on_exit 'net_cleanup'

start_ctrd_net() {
        start_ctrd_for_containers --bridge-name "$BR_DEFAULT" --default-subnet "$SUBNET1" "$@"
}

# create_net_container NAME JSON-HOSTCONFIG-AND-MORE CMD...: a busybox container with a body
# merged from the second argument (jq object), e.g. '{HostConfig: {NetworkMode: "n1"}}'.
create_net_container() {
        name=$1 extra=$2
        shift 2
        body=$(printf '%s\n' "$@" | jq -R . | jq -cs "{Image: \"busybox\", Cmd: .} * $extra")
        api POST "/containers/create?name=$name" -H 'Content-Type: application/json' -d "$body" |
                jq -r .Id
}

# The logs of a container, stdout and stderr, without the stream framing.
plain_logs() {
        curl -s --unix-socket "$SOCK" "http://d/containers/$1/logs?stdout=1&stderr=1" |
                tr -d '\000\001\002' | tr -cd '[:print:]\n'
}
