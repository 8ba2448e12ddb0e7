#include "container-names.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "macro.h"

bool ctr_name_is_valid(const char *name) {
        size_t n = strlen(name);
        if (n < 2 || n > 253 || !isalnum((unsigned char) name[0]))
                return false;
        for (size_t i = 1; i < n; i++) {
                unsigned char c = (unsigned char) name[i];
                if (!isalnum(c) && c != '_' && c != '.' && c != '-')
                        return false;
        }
        return true;
}

/* Our own word lists: qualities and things found in a harbour. */
static const char *const adjectives[] = {
        "amber", "bold", "brisk", "calm", "clever", "crisp", "daring", "eager", "fair", "fleet",
        "gentle", "glad", "grand", "hardy", "humble", "jolly", "keen", "kind", "lively", "lucid",
        "merry", "mellow", "nimble", "noble", "patient", "placid", "proud", "quick", "quiet",
        "rapid", "ready", "sharp", "shy", "silent", "sleek", "steady", "stout", "sunny", "swift",
        "tidy", "trusty", "vivid", "warm", "wise", "witty", "zesty",
};
static const char *const nouns[] = {
        "anchor", "barge", "beacon", "bollard", "buoy", "cargo", "crane", "dinghy", "dock", "ferry",
        "galley", "gantry", "harbor", "hatch", "hull", "jetty", "keel", "ketch", "lantern", "ledger",
        "mast", "mooring", "oar", "pier", "pilot", "quay", "rudder", "sail", "schooner", "skiff",
        "sloop", "spar", "stern", "tanker", "tender", "tide", "tugboat", "wharf", "winch", "yawl",
};

static uint32_t random_u32(void) {
        uint32_t v = 0;
        if (getrandom(&v, sizeof(v), 0) != (ssize_t) sizeof(v))
                v = (uint32_t) (uintptr_t) &v;  /* never fails in practice; any value will do */
        return v;
}

void ctr_name_generate(char *buf, size_t len) {
        snprintf(buf, len, "%s_%s", adjectives[random_u32() % ARRAY_SIZE(adjectives)],
                 nouns[random_u32() % ARRAY_SIZE(nouns)]);
}

int ctr_id_generate(char buf[65]) {
        unsigned char raw[32];
        if (getrandom(raw, sizeof(raw), 0) != (ssize_t) sizeof(raw))
                return -errno;
        for (size_t i = 0; i < sizeof(raw); i++)
                snprintf(buf + 2 * i, 3, "%02x", raw[i]);
        return 0;
}
