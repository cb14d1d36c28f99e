#!/bin/sh
# The grading worker's entrypoint in a container (docker-compose.yml's worker).
#
# The sandbox gives every run a cgroup of its own below the container's (memory, pids).
# Docker mounts /sys/fs/cgroup read-only in a container that is not privileged; in the
# worker's own cgroup namespace (cgroup: private) a fresh cgroup2 mount shows only the
# container's cgroup, writable. CAP_SYS_ADMIN, which the sandbox needs anyway, allows it.
set -eu
if [ -f /sys/fs/cgroup/cgroup.controllers ] && [ ! -w /sys/fs/cgroup/cgroup.procs ]; then
  umount -l /sys/fs/cgroup
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup
fi
exec "$@"
