/*
 * Create bodies exactly as the clients sent them to dockerd (recorded in the
 * project's API traces): the docker CLI 28.2.2 for `docker run` with many
 * flags and for `docker run --rm bb echo hi`, and docker-py 5.0.3's minimal
 * body. Shared by the ctr-config and ctr-spec unit tests.
 */
#pragma once

/* docker run --name rf -m 32m --cpus 0.5 --pids-limit 20 -e A=B -w /tmp -u 1000 --hostname h
 *   -v /srv/demo/vol:/data --network none -l k=v --entrypoint /bin/sh bb -c '...' */
static const char body_cli_flags[] =
        "{\"Hostname\":\"h\",\"Domainname\":\"\",\"User\":\"1000\",\"AttachStdin\":false,\"Attac"
        "hStdout\":true,\"AttachStderr\":true,\"Tty\":false,\"OpenStdin\":false,\"StdinOn"
        "ce\":false,\"Env\":[\"A=B\"],\"Cmd\":[\"-c\",\"id; hostname; pwd; echo A=$A; cat /"
        "sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max "
        "/sys/fs/cgroup/cpu/cpu.cfs_quota_us; ls /data\"],\"Image\":\"bb\",\"Volumes\":{"
        "},\"WorkingDir\":\"/tmp\",\"Entrypoint\":[\"/bin/sh\"],\"OnBuild\":null,\"Labels\":{"
        "\"k\":\"v\"},\"HostConfig\":{\"Binds\":[\"/srv/demo/vol:/data\"],\"ContainerIDFile\""
        ":\"\",\"LogConfig\":{\"Type\":\"\",\"Config\":{}},\"NetworkMode\":\"none\",\"PortBindin"
        "gs\":{},\"RestartPolicy\":{\"Name\":\"no\",\"MaximumRetryCount\":0},\"AutoRemove\":"
        "false,\"VolumeDriver\":\"\",\"VolumesFrom\":null,\"ConsoleSize\":[0,0],\"CapAdd\":"
        "null,\"CapDrop\":null,\"CgroupnsMode\":\"\",\"Dns\":[],\"DnsOptions\":[],\"DnsSearc"
        "h\":[],\"ExtraHosts\":null,\"GroupAdd\":null,\"IpcMode\":\"\",\"Cgroup\":\"\",\"Links\""
        ":null,\"OomScoreAdj\":0,\"PidMode\":\"\",\"Privileged\":false,\"PublishAllPorts\":"
        "false,\"ReadonlyRootfs\":false,\"SecurityOpt\":null,\"UTSMode\":\"\",\"UsernsMode"
        "\":\"\",\"ShmSize\":0,\"Isolation\":\"\",\"CpuShares\":0,\"Memory\":33554432,\"NanoCpu"
        "s\":500000000,\"CgroupParent\":\"\",\"BlkioWeight\":0,\"BlkioWeightDevice\":[],\"B"
        "lkioDeviceReadBps\":[],\"BlkioDeviceWriteBps\":[],\"BlkioDeviceReadIOps\":[],"
        "\"BlkioDeviceWriteIOps\":[],\"CpuPeriod\":0,\"CpuQuota\":0,\"CpuRealtimePeriod\""
        ":0,\"CpuRealtimeRuntime\":0,\"CpusetCpus\":\"\",\"CpusetMems\":\"\",\"Devices\":[],\""
        "DeviceCgroupRules\":null,\"DeviceRequests\":null,\"MemoryReservation\":0,\"Mem"
        "orySwap\":0,\"MemorySwappiness\":-1,\"OomKillDisable\":false,\"PidsLimit\":20,\""
        "Ulimits\":[],\"CpuCount\":0,\"CpuPercent\":0,\"IOMaximumIOps\":0,\"IOMaximumBand"
        "width\":0,\"MaskedPaths\":null,\"ReadonlyPaths\":null},\"NetworkingConfig\":{\"E"
        "ndpointsConfig\":{}}}";

/* docker run --rm bb echo hi */
static const char body_cli_rm[] =
        "{\"Hostname\":\"\",\"Domainname\":\"\",\"User\":\"\",\"AttachStdin\":false,\"AttachStdo"
        "ut\":true,\"AttachStderr\":true,\"Tty\":false,\"OpenStdin\":false,\"StdinOnce\":f"
        "alse,\"Env\":null,\"Cmd\":[\"echo\",\"hi\"],\"Image\":\"bb\",\"Volumes\":{},\"WorkingDi"
        "r\":\"\",\"Entrypoint\":null,\"OnBuild\":null,\"Labels\":{},\"HostConfig\":{\"Binds\""
        ":null,\"ContainerIDFile\":\"\",\"LogConfig\":{\"Type\":\"\",\"Config\":{}},\"NetworkM"
        "ode\":\"default\",\"PortBindings\":{},\"RestartPolicy\":{\"Name\":\"no\",\"MaximumRe"
        "tryCount\":0},\"AutoRemove\":true,\"VolumeDriver\":\"\",\"VolumesFrom\":null,\"Con"
        "soleSize\":[0,0],\"CapAdd\":null,\"CapDrop\":null,\"CgroupnsMode\":\"\",\"Dns\":[],"
        "\"DnsOptions\":[],\"DnsSearch\":[],\"ExtraHosts\":null,\"GroupAdd\":null,\"IpcMod"
        "e\":\"\",\"Cgroup\":\"\",\"Links\":null,\"OomScoreAdj\":0,\"PidMode\":\"\",\"Privileged\""
        ":false,\"PublishAllPorts\":false,\"ReadonlyRootfs\":false,\"SecurityOpt\":null"
        ",\"UTSMode\":\"\",\"UsernsMode\":\"\",\"ShmSize\":0,\"Isolation\":\"\",\"CpuShares\":0,\""
        "Memory\":0,\"NanoCpus\":0,\"CgroupParent\":\"\",\"BlkioWeight\":0,\"BlkioWeightDev"
        "ice\":[],\"BlkioDeviceReadBps\":[],\"BlkioDeviceWriteBps\":[],\"BlkioDeviceRea"
        "dIOps\":[],\"BlkioDeviceWriteIOps\":[],\"CpuPeriod\":0,\"CpuQuota\":0,\"CpuRealt"
        "imePeriod\":0,\"CpuRealtimeRuntime\":0,\"CpusetCpus\":\"\",\"CpusetMems\":\"\",\"Dev"
        "ices\":[],\"DeviceCgroupRules\":null,\"DeviceRequests\":null,\"MemoryReservati"
        "on\":0,\"MemorySwap\":0,\"MemorySwappiness\":-1,\"OomKillDisable\":false,\"PidsL"
        "imit\":0,\"Ulimits\":[],\"CpuCount\":0,\"CpuPercent\":0,\"IOMaximumIOps\":0,\"IOMa"
        "ximumBandwidth\":0,\"MaskedPaths\":null,\"ReadonlyPaths\":null},\"NetworkingCo"
        "nfig\":{\"EndpointsConfig\":{\"default\":{\"IPAMConfig\":null,\"Links\":null,\"Ali"
        "ases\":null,\"MacAddress\":\"\",\"DriverOpts\":null,\"GwPriority\":0,\"NetworkID\":"
        "\"\",\"EndpointID\":\"\",\"Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\"IPv6Gate"
        "way\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"DNSNames\":null}}"
        "}}";

/* docker-py: client.containers.run("bb", ["sh", "-c", "..."], network_mode="none") */
static const char body_sdk_py5[] =
        "{\"Tty\": false, \"OpenStdin\": false, \"StdinOnce\": false, \"AttachStdin\": false, "
        "\"AttachStdout\": true, \"AttachStderr\": true, \"Cmd\": [\"sh\", \"-c\", "
        "\"echo out; echo err >&2\"], \"Image\": \"bb\", \"NetworkDisabled\": false, "
        "\"HostConfig\": {\"NetworkMode\": \"none\"}}";
