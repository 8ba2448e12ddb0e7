/* GET/HEAD /_ping, GET /version, GET /info. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/engine.h"
#include "daemon/graphdriver.h"
#include "daemon/image-service.h"
#include "daemon/hostinfo.h"
#include "handlers.h"
#include "log.h"
#include "timefmt.h"

void api_handle_ping(struct api_request *req) {
        api_reply_text(req, 200, "text/plain; charset=utf-8", "OK", 2);
        api_reply_header(req, "Cache-Control", "no-cache, no-store, must-revalidate");
        api_reply_header(req, "Pragma", "no-cache");
}

void api_handle_version(struct api_request *req) {
        struct host_info h;
        host_info_read(&h);
        json_t *details = json_pack(
                "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                "ApiVersion", API_VERSION_STRING, "MinAPIVersion", API_MIN_VERSION_STRING,
                "Arch", h.go_arch, "Os", "linux", "KernelVersion", h.kernel,
                "Experimental", "false", "GitCommit", PACKAGE_VERSION);
        json_t *body = json_pack(
                "{s:{s:s}, s:[{s:s, s:s, s:o}], s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                "Platform", "Name", "ctrd",
                "Components", "Name", "Engine", "Version", PACKAGE_VERSION, "Details", details,
                "Version", PACKAGE_VERSION, "ApiVersion", API_VERSION_STRING,
                "MinAPIVersion", API_MIN_VERSION_STRING, "GitCommit", PACKAGE_VERSION,
                "Os", "linux", "Arch", h.go_arch, "KernelVersion", h.kernel);
        if (!body) {
                api_reply_error(req, 500, "out of memory rendering the version");
                return;
        }
        api_reply_json(req, 200, body);
}

static int count_open_fds(void) {
        DIR *d = opendir("/proc/self/fd");
        if (!d)
                return 0;
        int n = -1;     /* the directory's own fd */
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_name[0] != '.')
                        n++;
        closedir(d);
        return n;
}

static json_t *info_plugins(void) {
        return json_pack("{s:[s], s:[s,s,s], s:n, s:[s]}",
                         "Volume", "local", "Network", "bridge", "host", "null",
                         "Authorization", "Log", "json-file");
}

static json_t *info_swarm(void) {
        return json_pack("{s:s, s:s, s:s, s:b, s:s, s:n}",
                         "NodeID", "", "NodeAddr", "", "LocalNodeState", "inactive",
                         "ControlAvailable", 0, "Error", "", "RemoteManagers");
}

static json_t *info_commit(void) {
        return json_pack("{s:s, s:s}", "ID", "", "Expected", "");
}

static const char *env_or_empty(const char *name) {
        const char *v = getenv(name);
        return v ? v : "";
}

void api_handle_info(struct api_request *req) {
        struct ctrd_engine *e = api_request_engine(req);
        struct engine_counts c;
        struct ctrd_error err = { 0 };
        int r = engine_counts(e, &c, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        struct host_info h;
        host_info_read(&h);
        char now[40];
        ctrd_format_rfc3339_now(now, sizeof(now));

        json_t *o = json_object();
        int ok = o != NULL;
#define SET(k, v) ok = ok && json_object_set_new(o, k, v) == 0
        SET("ID", json_string(e->engine_id));
        SET("Containers", json_integer(c.containers));
        SET("ContainersRunning", json_integer(c.running));
        SET("ContainersPaused", json_integer(c.paused));
        SET("ContainersStopped", json_integer(c.stopped));
        SET("Images", json_integer(c.images));
        SET("Driver", json_string(e->images->driver->name));
        SET("DriverStatus", json_array());
        SET("Plugins", info_plugins());
        SET("MemoryLimit", json_true());
        SET("SwapLimit", json_boolean(h.cgroup_version == 2));
        SET("KernelMemory", json_false());
        SET("KernelMemoryTCP", json_false());
        SET("CpuCfsPeriod", json_true());
        SET("CpuCfsQuota", json_true());
        SET("CPUShares", json_true());
        SET("CPUSet", json_true());
        SET("PidsLimit", json_true());
        SET("IPv4Forwarding", json_boolean(h.ipv4_forwarding));
        SET("BridgeNfIptables", json_false());
        SET("BridgeNfIp6tables", json_false());
        SET("Debug", json_boolean(ctrd_log_get_level() >= CTRD_LOG_DEBUG));
        SET("NFd", json_integer(count_open_fds()));
        SET("OomKillDisable", json_false());
        SET("NGoroutines", json_integer(0));
        SET("SystemTime", json_string(now));
        SET("LoggingDriver", json_string("json-file"));
        SET("CgroupDriver", json_string("cgroupfs"));
        SET("CgroupVersion", json_string(h.cgroup_version == 2 ? "2" : "1"));
        SET("NEventsListener", json_integer(0));
        SET("KernelVersion", json_string(h.kernel));
        SET("OperatingSystem", json_string(h.os_name));
        SET("OSVersion", json_string(h.os_version));
        SET("OSType", json_string("linux"));
        SET("Architecture", json_string(h.machine));
        SET("IndexServerAddress", json_string(""));
        SET("RegistryConfig", json_null());
        SET("NCPU", json_integer(h.ncpu));
        SET("MemTotal", json_integer(h.mem_total));
        SET("GenericResources", json_null());
        SET("DockerRootDir", json_string(e->data_root));
        SET("HttpProxy", json_string(env_or_empty("HTTP_PROXY")));
        SET("HttpsProxy", json_string(env_or_empty("HTTPS_PROXY")));
        SET("NoProxy", json_string(env_or_empty("NO_PROXY")));
        SET("Name", json_string(h.hostname));
        SET("Labels", json_array());
        SET("ExperimentalBuild", json_false());
        SET("ServerVersion", json_string(PACKAGE_VERSION));
        SET("Runtimes", json_pack("{s:{s:s}}", "ctrd-shim", "path", e->shim_path));
        SET("DefaultRuntime", json_string("ctrd-shim"));
        SET("Swarm", info_swarm());
        /* Containers are held by their shims and survive a daemon restart. */
        SET("LiveRestoreEnabled", json_true());
        SET("Isolation", json_string(""));
        SET("InitBinary", json_string(""));
        SET("ContainerdCommit", info_commit());
        SET("RuncCommit", info_commit());
        SET("InitCommit", info_commit());
        SET("SecurityOptions", json_pack("[s]", "name=seccomp,profile=default"));
        SET("Warnings", json_array());
#undef SET
        if (!ok) {
                json_decref(o);
                api_reply_error(req, 500, "out of memory rendering info");
                return;
        }
        api_reply_json(req, 200, o);
}
