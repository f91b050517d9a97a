/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The option table of `cpod create` and `cpod run`: every flag `podman run --help` (4.3)
 * shows, in one table whose first entries are run's own, so that create's table is the same
 * array from the first shared entry on. The flags that follow the named fields store their
 * value in a slot of their own, read by name in create-map.c; those it does not read are
 * refused by name when used (create-opts.c).
 */
#include <stddef.h>

#include "cli/container/create-opts.h"
#include "banned.h"

#define O struct create_cli_opts
#define U_STR(i, l, s, argn, h, def)                                                               \
	{                                                                                          \
		.long_name = (l), .short_name = (s), .type = CLI_OPT_STRING,                       \
		.offset = offsetof(O, unsupported_str[i]), .arg_name = (argn), .help = (h),        \
		.def_help = (def)                                                                  \
	}
#define U_STR_HIDDEN(i, l, s, argn, h, def)                                                        \
	{                                                                                          \
		.long_name = (l), .short_name = (s), .type = CLI_OPT_STRING,                       \
		.offset = offsetof(O, unsupported_str[i]), .arg_name = (argn), .help = (h),        \
		.def_help = (def), .flags = CLI_OPT_HIDDEN                                         \
	}
#define U_SLICE(i, l, s, argn, h, def)                                                             \
	{                                                                                          \
		.long_name = (l), .short_name = (s), .type = CLI_OPT_STRING_SLICE,                 \
		.offset = offsetof(O, unsupported_arr[i]), .arg_name = (argn), .help = (h),        \
		.def_help = (def)                                                                  \
	}
#define U_ARRAY(i, l, s, argn, h, def)                                                             \
	{                                                                                          \
		.long_name = (l), .short_name = (s), .type = CLI_OPT_STRING_ARRAY,                 \
		.offset = offsetof(O, unsupported_arr[i]), .arg_name = (argn), .help = (h),        \
		.def_help = (def)                                                                  \
	}
#define U_BOOL(i, l, s, h, def)                                                                    \
	{                                                                                          \
		.long_name = (l), .short_name = (s), .type = CLI_OPT_BOOL,                         \
		.offset = offsetof(O, unsupported_bool[i]), .help = (h), .def_help = (def)         \
	}
const struct cli_option create_cli_run_options[] = {
        /* run only (create_cli_create_options starts after them) */
        CLI_BOOL("detach", 'd', O, detach, "Run container in background and print container ID"),
        {.long_name = "detach-keys",
         .type = CLI_OPT_STRING,
         .offset = offsetof(O, detach_keys),
         .arg_name = "[a-Z]",
         .help = "Override the key sequence for detaching a container. Format is a single "
                 "character [a-Z] or a comma separated sequence of `ctrl-<value>`, where "
                 "`<value>` is one of: `a-cf`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`",
         .def_help = "\"ctrl-p,ctrl-q\""},
        {.long_name = "sig-proxy",
         .type = CLI_OPT_BOOL,
         .offset = offsetof(O, sig_proxy),
         .help = "Proxy received signals to the process",
         .def_help = "true"},
        U_BOOL(0, "passwd", 0, "add entries to /etc/passwd and /etc/group", "true"),
        {.long_name = "preserve-fds",
         .type = CLI_OPT_UINT,
         .offset = offsetof(O, preserve_fds),
         .arg_name = "uint",
         .help = "Pass a number of additional file descriptors into the container"},
        U_BOOL(2, "rmi", 0, "Remove container image unless used by other containers", NULL),
        /* create and run */
        CLI_STRINGS("annotation", 0, O, annotation, "Add annotations to container (key=value)"),
        CLI_STRINGS("attach", 'a', O, attach, "Attach to STDIN, STDOUT or STDERR"),
        CLI_STRING("authfile", 0, O, authfile,
                   "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable "
                   "to override"),
        CLI_BOOL("disable-content-trust", 0, O, disable_content_trust,
                 "This is a Docker specific option and is a NOOP"),
        CLI_STRING("entrypoint", 0, O, entrypoint, "Overwrite the default ENTRYPOINT of the image"),
        {.long_name = "env",
         .short_name = 'e',
         .type = CLI_OPT_STRING_ARRAY,
         .offset = offsetof(O, env),
         .arg_name = "stringArray",
         .help = "Set environment variables in container",
         .def_help = "[PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin,"
                     "TERM=xterm]"},
        CLI_STRINGS("env-file", 0, O, env_file, "Read in a file of environment variables"),
        CLI_BOOL("env-host", 0, O, env_host,
                 "Use all current host environment variables in container"),
        CLI_STRING("hostname", 'h', O, hostname, "Set container hostname"),
        CLI_BOOL("init", 0, O, init,
                 "Run an init binary inside the container that forwards signals and reaps "
                 "processes"),
        CLI_STRING("init-path", 0, O, init_path, "Path to the container-init binary"),
        CLI_BOOL("interactive", 'i', O, interactive, "Keep STDIN open even if not attached"),
        CLI_STRING_ARRAY("label", 'l', O, label, "Set metadata on container"),
        CLI_STRINGS("label-file", 0, O, label_file, "Read in a line delimited file of labels"),
        {.long_name = "log-driver",
         .type = CLI_OPT_STRING,
         .offset = offsetof(O, log_driver),
         .arg_name = "string",
         .help = "Logging driver for the container",
         .def_help = "\"k8s-file\""},
        CLI_STRINGS("log-opt", 0, O, log_opt, "Logging driver options"),
        CLI_STRING("name", 0, O, name, "Assign a name to the container"),
        {.long_name = "net",
         .type = CLI_OPT_STRING_ARRAY,
         .offset = offsetof(O, network),
         .arg_name = "stringArray",
         .help = "Connect a container to a network",
         .flags = CLI_OPT_HIDDEN},
        CLI_STRING_ARRAY("network", 0, O, network, "Connect a container to a network"),
        {.long_name = "pull",
         .type = CLI_OPT_STRING,
         .offset = offsetof(O, pull),
         .arg_name = "string",
         .help = "Pull image policy",
         .def_help = "\"missing\""},
        CLI_BOOL("quiet", 'q', O, quiet, "Suppress output information when pulling images"),
        CLI_BOOL("read-only", 0, O, read_only, "Make containers root filesystem read-only"),
        CLI_BOOL("rm", 0, O, rm, "Remove container (and pod if created) after exit"),
        CLI_STRING("stop-signal", 0, O, stop_signal,
                   "Signal to stop a container. Default is SIGTERM"),
        {.long_name = "stop-timeout",
         .type = CLI_OPT_UINT,
         .offset = offsetof(O, stop_timeout),
         .arg_name = "uint",
         .help = "Timeout (in seconds) that containers stopped by user command have to exit. If "
                 "exceeded, the container will be forcibly stopped via SIGKILL.",
         .def_help = "10"},
        CLI_BOOL("tls-verify", 0, O, tls_verify,
                 "Require HTTPS and verify certificates when contacting registries for pulling "
                 "images"),
        CLI_BOOL("tty", 't', O, tty, "Allocate a pseudo-TTY for container"),
        CLI_STRING("tz", 0, O, tz, "Set timezone in container"),
        {.long_name = "ulimit",
         .type = CLI_OPT_STRING_SLICE,
         .offset = offsetof(O, ulimit),
         .arg_name = "strings",
         .help = "Ulimit options",
         .def_help = "[nproc=32768:32768]"},
        CLI_STRING("user", 'u', O, user, "Username or UID (format: <name|uid>[:<group|gid>])"),
        CLI_STRING("workdir", 'w', O, workdir, "Working directory inside the container"),
        /* recognised; refused with "--X is not supported yet" when used, unless
         * create-map.c maps the slot to the engine (most of them now) */
        U_SLICE(3, "add-host", 0, "strings", "Add a custom host-to-IP mapping (host:ip)", "[]"),
        U_STR(4, "arch", 0, "ARCH",
              "use ARCH instead of the architecture of the machine for choosing images", NULL),
        U_STR(5, "blkio-weight", 0, "string",
              "Block IO weight (relative weight) accepts a weight value between 10 and 1000.",
              NULL),
        U_ARRAY(6, "blkio-weight-device", 0, "DEVICE_NAME:WEIGHT",
                "Block IO weight (relative device weight, format: DEVICE_NAME:WEIGHT)", NULL),
        U_SLICE(7, "cap-add", 0, "strings", "Add capabilities to the container", NULL),
        U_SLICE(8, "cap-drop", 0, "strings", "Drop capabilities from the container", NULL),
        U_SLICE(9, "cgroup-conf", 0, "strings", "Configure cgroup v2 (key=value)", NULL),
        U_STR(10, "cgroup-parent", 0, "string", "Optional parent cgroup for the container", NULL),
        U_STR(11, "cgroupns", 0, "string", "cgroup namespace to use", NULL),
        U_STR(12, "cgroups", 0, "string",
              "control container cgroup configuration "
              "(\"enabled\"|\"disabled\"|\"no-conmon\"|\"split\")",
              "\"enabled\""),
        U_SLICE(13, "chrootdirs", 0, "strings", "Chroot directories inside the container", NULL),
        U_STR(14, "cidfile", 0, "string", "Write the container ID to the file", NULL),
        U_STR(15, "conmon-pidfile", 0, "string",
              "Path to the file that will receive the PID of conmon", NULL),
        U_STR(16, "cpu-period", 0, "uint", "Limit the CPU CFS (Completely Fair Scheduler) period",
              NULL),
        U_STR(17, "cpu-quota", 0, "int", "Limit the CPU CFS (Completely Fair Scheduler) quota",
              NULL),
        U_STR(18, "cpu-rt-period", 0, "uint", "Limit the CPU real-time period in microseconds",
              NULL),
        U_STR(19, "cpu-rt-runtime", 0, "int", "Limit the CPU real-time runtime in microseconds",
              NULL),
        U_STR(20, "cpu-shares", 'c', "uint", "CPU shares (relative weight)", NULL),
        U_STR(21, "cpus", 0, "float", "Number of CPUs. The default is 0.000 which means no limit",
              NULL),
        U_STR(22, "cpuset-cpus", 0, "string", "CPUs in which to allow execution (0-3, 0,1)", NULL),
        U_STR(23, "cpuset-mems", 0, "string",
              "Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA "
              "systems.",
              NULL),
        U_SLICE(24, "device", 0, "strings", "Add a host device to the container", NULL),
        U_SLICE(25, "device-cgroup-rule", 0, "strings",
                "Add a rule to the cgroup allowed devices list", NULL),
        U_SLICE(26, "device-read-bps", 0, "strings",
                "Limit read rate (bytes per second) from a device (e.g. "
                "--device-read-bps=/dev/sda:1mb)",
                NULL),
        U_SLICE(27, "device-read-iops", 0, "strings",
                "Limit read rate (IO per second) from a device (e.g. "
                "--device-read-iops=/dev/sda:1000)",
                NULL),
        U_SLICE(28, "device-write-bps", 0, "strings",
                "Limit write rate (bytes per second) to a device (e.g. "
                "--device-write-bps=/dev/sda:1mb)",
                NULL),
        U_SLICE(29, "device-write-iops", 0, "strings",
                "Limit write rate (IO per second) to a device (e.g. "
                "--device-write-iops=/dev/sda:1000)",
                NULL),
        U_SLICE(30, "dns", 0, "strings", "Set custom DNS servers", NULL),
        U_SLICE(31, "dns-option", 0, "strings", "Set custom DNS options", NULL),
        U_SLICE(32, "dns-search", 0, "strings", "Set custom DNS search domains", NULL),
        U_ARRAY(33, "env-merge", 0, "stringArray",
                "Preprocess environment variables from image before injecting them into the "
                "container",
                NULL),
        U_SLICE(34, "expose", 0, "strings", "Expose a port or a range of ports", NULL),
        U_SLICE(35, "gidmap", 0, "strings", "GID map to use for the user namespace", NULL),
        U_SLICE(36, "group-add", 0, "strings",
                "Add additional groups to the primary container process. 'keep-groups' allows "
                "container processes to use supplementary groups.",
                NULL),
        U_STR(37, "health-cmd", 0, "string",
              "set a healthcheck command for the container ('none' disables the existing "
              "healthcheck)",
              NULL),
        U_STR(38, "health-interval", 0, "string",
              "set an interval for the healthchecks (a value of disable results in no automatic "
              "timer setup)",
              "\"30s\""),
        U_STR(39, "health-on-failure", 0, "string",
              "action to take once the container turns unhealthy", "\"none\""),
        U_STR(40, "health-retries", 0, "uint",
              "the number of retries allowed before a healthcheck is considered to be unhealthy",
              "3"),
        U_STR(41, "health-start-period", 0, "string",
              "the initialization time needed for a container to bootstrap", "\"0s\""),
        U_STR(42, "health-timeout", 0, "string",
              "the maximum time allowed to complete the healthcheck before an interval is "
              "considered failed",
              "\"30s\""),
        U_SLICE(43, "hostuser", 0, "strings",
                "Host user account to add to /etc/passwd within container", NULL),
        U_BOOL(44, "http-proxy", 0,
               "Set proxy environment variables in the container based on the host proxy vars",
               "true"),
        U_STR(45, "image-volume", 0, "string",
              "Tells podman how to handle the builtin image volumes "
              "(\"bind\"|\"tmpfs\"|\"ignore\")",
              "\"bind\""),
        U_STR(46, "ip", 0, "string", "Specify a static IPv4 address for the container", NULL),
        U_STR(47, "ip6", 0, "string", "Specify a static IPv6 address for the container", NULL),
        U_STR(48, "ipc", 0, "string", "IPC namespace to use", NULL),
        U_STR(49, "mac-address", 0, "string", "Container MAC address (e.g. 92:d0:c6:0a:29:33)",
              NULL),
        U_STR(50, "memory", 'm', "<number>[<unit>]",
              "Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m "
              "(mebibytes), or g (gibibytes))",
              NULL),
        U_STR(51, "memory-reservation", 0, "<number>[<unit>]",
              "Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), "
              "m (mebibytes), or g (gibibytes))",
              NULL),
        U_STR(52, "memory-swap", 0, "string",
              "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", NULL),
        U_STR(53, "memory-swappiness", 0, "int",
              "Tune container memory swappiness (0 to 100, or -1 for system default)", "-1"),
        U_ARRAY(54, "mount", 0, "stringArray", "Attach a filesystem mount to the container", NULL),
        U_SLICE(55, "network-alias", 0, "strings", "Add network-scoped alias for the container",
                NULL),
        U_BOOL(56, "no-healthcheck", 0, "Disable healthchecks on container", NULL),
        U_BOOL(57, "no-hosts", 0,
               "Do not create /etc/hosts within the container, instead use the version from the "
               "image",
               NULL),
        U_BOOL(58, "oom-kill-disable", 0, "Disable OOM Killer", NULL),
        U_STR(59, "oom-score-adj", 0, "int", "Tune the host's OOM preferences (-1000 to 1000)",
              NULL),
        U_STR(60, "os", 0, "OS", "use OS instead of the running OS for choosing images", NULL),
        U_STR(61, "passwd-entry", 0, "string", "Entry to write to /etc/passwd", NULL),
        U_STR(62, "personality", 0, "string",
              "Configure execution domain using personality (e.g., LINUX/LINUX32)", NULL),
        U_STR(63, "pid", 0, "string", "PID namespace to use", NULL),
        U_STR(64, "pidfile", 0, "string", "Write the container process ID to the file", NULL),
        U_STR(65, "pids-limit", 0, "int", "Tune container pids limit (set -1 for unlimited)",
              "2048"),
        U_STR(66, "platform", 0, "string",
              "Specify the platform for selecting the image.  (Conflicts with --arch and --os)",
              NULL),
        U_STR(67, "pod", 0, "string", "Run container in an existing pod", NULL),
        U_STR(68, "pod-id-file", 0, "string", "Read the pod ID from the file", NULL),
        U_BOOL(69, "privileged", 0, "Give extended privileges to container", NULL),
        U_SLICE(70, "publish", 'p', "strings",
                "Publish a container's port, or a range of ports, to the host", "[]"),
        U_BOOL(71, "publish-all", 'P',
               "Publish all exposed ports to random ports on the host interface", NULL),
        U_BOOL(72, "read-only-tmpfs", 0,
               "When running containers in read-only mode mount a read-write tmpfs on /run, /tmp "
               "and /var/tmp",
               "true"),
        U_BOOL(73, "replace", 0, "If a container with the same name exists, replace it", NULL),
        U_SLICE(74, "requires", 0, "strings",
                "Add one or more requirement containers that must be started before this container "
                "will start",
                NULL),
        U_STR(75, "restart", 0, "string",
              "Restart policy to apply when a container exits "
              "(\"always\"|\"no\"|\"on-failure\"|\"unless-stopped\")",
              NULL),
        U_BOOL(76, "rootfs", 0,
               "The first argument is not an image but the rootfs to the exploded container", NULL),
        U_STR(77, "sdnotify", 0, "string",
              "control sd-notify behavior (\"container\"|\"conmon\"|\"ignore\")", "\"container\""),
        U_STR(78, "seccomp-policy", 0, "string",
              "Policy for selecting a seccomp profile (experimental)", "\"default\""),
        U_ARRAY(79, "secret", 0, "stringArray", "Add secret to container", NULL),
        U_ARRAY(80, "security-opt", 0, "stringArray", "Security Options", NULL),
        U_STR(81, "shm-size", 0, "<number>[<unit>]",
              "Size of /dev/shm (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), "
              "m (mebibytes), or g (gibibytes))",
              "\"65536k\""),
        U_STR(82, "subgidname", 0, "string",
              "Name of range listed in /etc/subgid for use in user namespace", NULL),
        U_STR(83, "subuidname", 0, "string",
              "Name of range listed in /etc/subuid for use in user namespace", NULL),
        U_SLICE(84, "sysctl", 0, "strings", "Sysctl options", NULL),
        U_STR(85, "systemd", 0, "string",
              "Run container in systemd mode (\"true\"|\"false\"|\"always\")", "\"true\""),
        {.long_name = "timeout",
         .type = CLI_OPT_UINT,
         .offset = offsetof(O, timeout),
         .arg_name = "uint",
         .help = "Maximum length of time a container is allowed to run. The container will be "
                 "killed automatically after the time expires."},
        U_ARRAY(87, "tmpfs", 0, "tmpfs", "Mount a temporary filesystem (tmpfs) into a container",
                NULL),
        U_SLICE(88, "uidmap", 0, "strings", "UID map to use for the user namespace", NULL),
        U_STR(89, "umask", 0, "string", "Set umask in container", "\"0022\""),
        U_ARRAY(90, "unsetenv", 0, "stringArray",
                "Unset environment default variables in container", NULL),
        U_BOOL(91, "unsetenv-all", 0, "Unset all default environment variables in container", NULL),
        U_STR(92, "userns", 0, "string", "User namespace to use", NULL),
        U_STR(93, "uts", 0, "string", "UTS namespace to use", NULL),
        U_STR(94, "variant", 0, "VARIANT",
              "Use VARIANT instead of the running architecture variant for choosing images", NULL),
        U_ARRAY(95, "volume", 'v', "stringArray", "Bind mount a volume into the container", NULL),
        U_ARRAY(96, "volumes-from", 0, "stringArray",
                "Mount volumes from the specified container(s)", NULL),
        U_STR_HIDDEN(97, "init-ctr", 0, "string",
                     "Make this container an init container (\"always\"|\"once\")", NULL),
        CLI_OPT_END,
};

/* The value a not-yet-implemented flag may have because it is Podman's default. */
const char *const create_unsupported_default[CREATE_UNSUPPORTED_MAX] = {
        [0] = "true",    [1] = "0",     [12] = "enabled", [38] = "30s",       [39] = "none",
        [40] = "3",      [41] = "0s",   [42] = "30s",     [44] = "true",      [45] = "bind",
        [53] = "-1",     [72] = "true", [75] = "no",      [77] = "container", [78] = "default",
        [81] = "65536k", [85] = "true", [86] = "0",       [89] = "0022",
};
