#!/usr/bin/env bash
# The sandbox's tests on a real cgroup v2 kernel: Debian 12's own kernel
# (linux-image-amd64, unified cgroup hierarchy, systemd as pid 1) in a KVM virtual
# machine, the checkout shared into it read-only over 9p.
#
#   bash scripts/vm-test.sh            # build the image when missing, boot, test, power off
#   bash scripts/vm-test.sh --build    # only build the image
#
# The image (a root file system made with mmdebstrap from the mirror in apt's sources,
# with Python 3.11 and a venv holding requirements-dev.txt) is cached outside the
# checkout, in $QUIZSITE_VM_CACHE (default /var/cache/quizsite-vm), under a key of the
# requirements and this script; it is rebuilt from scratch whenever it is missing.
# The VM boots with -snapshot semantics, so the cached image is never written to.
#
# Inside, the VM runs `scripts/vm-test.sh --inside` from the shared checkout (see
# vm_inside below): the sandbox tests as root on the host, as a systemd service with
# Delegate=yes (deploy/quizsite-grader.service), in a private cgroup namespace with
# a delegated subtree (what Docker's cgroupns=private gives a container), and the
# sandbox benchmark. Needs root and /dev/kvm; exits 0 with a message where there is none.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${QUIZSITE_VM_CACHE:-/var/cache/quizsite-vm}"
VM_CPUS="${QUIZSITE_VM_CPUS:-2}"
VM_MEM_MB="${QUIZSITE_VM_MEM_MB:-2048}"
VM_TIMEOUT="${QUIZSITE_VM_TIMEOUT:-1500}"  # seconds for one boot, tests included
SUITE=bookworm

log() { echo "==> vm: $*"; }

# ---------------------------------------------------------------- inside the VM
PY=/opt/venv/bin/python
PYTEST=("$PY" -m pytest -p no:cacheprovider -q -o "addopts=-ra --strict-markers")
# The real sandbox's tests (the fake runner's, which time a few milliseconds of
# in-process CPU, are left to the host: under emulation they may read 0).
SANDBOX_TESTS="grader/tests/sandbox --ignore=grader/tests/sandbox/test_it_fakes_runs_without_isolation.py"
# The checkout is shared read-only: the site's local state (var/: SQLite, the embedded
# broker's folders, the file cache, the secret key) goes to /tmp instead.
export PYTHONDONTWRITEBYTECODE=1 DATABASE_URL=sqlite:////tmp/vm-test.sqlite3 \
  QUIZSITE_VAR_DIR=/tmp/quizsite-var CELERY_BROKER_URL=memory:// SECRET_KEY=vm-test-only
mkdir -p /tmp/quizsite-var
# Under emulation (see ACCEL) the hostile tests give their attacks more CPU time.
SLOW=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^quizsite.slowdown=//p')
[ -z "$SLOW" ] || export GRADER_TEST_SLOWDOWN=$SLOW
SECTIONS=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^quizsite.sections=//p')
SECTIONS=${SECTIONS:-1234}

vm_unit() {
  # The main process of deploy/quizsite-grader.service in the VM (see vm_inside).
  local unit=/sys/fs/cgroup/system.slice/quizsite-grader.service
  echo "own cgroup: $(cat /proc/self/cgroup); trusted.delegate: $("$PY" -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.delegate"))' $unit 2>&1 | tail -1)"
  "$PY" -m grader doctor || return 1
  "${PYTEST[@]}" grader/tests/sandbox/test_it_limits_the_whole_run.py \
    grader/tests/sandbox/test_it_enforces_resource_limits.py || return 1
  echo "the unit's cgroup: $(cd $unit && find . -maxdepth 2 -type d | sort | tr '\n' ' ')"
  echo "processes in the supervisor leaf: $(wc -l <$unit/supervisor/cgroup.procs); in the unit's own cgroup: $(wc -l <$unit/cgroup.procs)"
}

vm_container() {
  # pid 1 of a new pid and mount namespace, moved into the cgroup vm-container: a
  # container's init. Then a cgroup namespace rooted there, cgroup2 mounted read-only
  # as Docker mounts it, and docker-compose.yml's worker: its entrypoint, with only
  # the four capabilities compose gives it.
  echo 1 >/sys/fs/cgroup/vm-container/cgroup.procs
  local inner="grep CapBnd /proc/self/status && $PY -m grader doctor && ${PYTEST[*]} $SANDBOX_TESTS"
  exec unshare --cgroup sh -c '
    umount -l /sys/fs/cgroup && mount -t cgroup2 -o ro,nosuid,nodev,noexec cgroup2 /sys/fs/cgroup &&
    echo "container: pid $$, cgroup $(cat /proc/self/cgroup), cgroup2 writable before the entrypoint: $(test -w /sys/fs/cgroup/cgroup.procs && echo yes || echo no)" &&
    exec setpriv --bounding-set -all,+sys_admin,+setuid,+setgid,+kill --inh-caps -all -- \
      sh deploy/worker-start.sh sh -c "$0"' "$inner"
}

vm_inside() {
  # Runs as root in the VM (quizsite-vmtest.service, no delegation).
  local rc=0 t
  cd /src
  echo "kernel: $(uname -r); $(systemctl --version | head -1); /sys/fs/cgroup: $(stat -fc %T /sys/fs/cgroup)"
  echo "cpus: $(nproc); memory: $(free -m | awk '/Mem:/ {print $2}') MB"
  [ -z "${GRADER_TEST_SLOWDOWN:-}" ] || echo "GRADER_TEST_SLOWDOWN=$GRADER_TEST_SLOWDOWN (emulated CPU)"

  if [[ $SECTIONS == *1* ]]; then
  echo; echo "### 1. root on the host (a system service without delegation)"
  t=$SECONDS
  "$PY" -m grader doctor || rc=1
  "${PYTEST[@]}" $SANDBOX_TESTS || rc=1
  echo "(section 1: $((SECONDS - t)) s)"
  fi

  if [[ $SECTIONS == *2* ]]; then
  echo; echo "### 2. systemd service with Delegate=yes (deploy/quizsite-grader.service)"
  t=$SECONDS
  cp deploy/quizsite-grader.service /run/systemd/system/quizsite-grader.service
  mkdir -p /run/systemd/system/quizsite-grader.service.d
  # The unit as shipped, except what it runs (the doctor and the whole-run limit tests
  # instead of the Celery worker: no broker or database in here) and where.
  printf '%s\n' "[Service]" "Type=oneshot" "WorkingDirectory=/src" "EnvironmentFile=" \
    "ExecStart=" "ExecStart=/bin/bash /src/scripts/vm-test.sh --unit" "Restart=no" \
    >/run/systemd/system/quizsite-grader.service.d/vm-test.conf
  systemctl daemon-reload
  if systemctl start quizsite-grader.service; then echo "unit: passed"; else echo "unit: FAILED"; rc=1; fi
  journalctl -u quizsite-grader.service -o cat --no-pager | grep -v '^\s*$' | tail -45
  echo "(section 2: $((SECONDS - t)) s)"
  fi

  if [[ $SECTIONS == *3* ]]; then
  echo; echo "### 3. container: private cgroup namespace, delegated subtree, compose's capabilities"
  t=$SECONDS
  mkdir -p /sys/fs/cgroup/vm-container
  unshare --pid --fork --mount-proc --mount --propagation private \
    bash scripts/vm-test.sh --container || rc=1
  echo "processes left in the container's own cgroup: $(cat /sys/fs/cgroup/vm-container/cgroup.procs | tr '\n' ' '); subtree_control: $(cat /sys/fs/cgroup/vm-container/cgroup.subtree_control)"
  echo "the container's cgroup seen from the host: $(cd /sys/fs/cgroup/vm-container && find . -maxdepth 2 -type d | sort | tr '\n' ' ')"
  echo "the container's peak memory, every process of it: $(($(cat /sys/fs/cgroup/vm-container/memory.peak) >> 20)) MiB"
  echo "(section 3: $((SECONDS - t)) s)"
  fi

  if [[ $SECTIONS == *4* ]]; then
  echo; echo "### 4. bench/sandbox.py"
  "$PY" bench/sandbox.py --runs 100 --cold-runs 5 || rc=1
  fi
  return $rc
}

case "${1:-}" in
  --inside)
    vm_inside >/out/log 2>&1
    echo $? >/out/rc
    sync
    exit 0
    ;;
  --unit) cd /src && vm_unit && exit 0 || exit 1 ;;
  --container) cd /src && vm_container ;;
esac

# ---------------------------------------------------------------- on the host
if [ ! -e /dev/kvm ]; then
  log "skipped: no /dev/kvm on this machine (the cgroup v2 proof needs a KVM virtual machine)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  log "skipped: needs root (to build the image and boot it)"
  exit 0
fi

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v mkfs.ext4 >/dev/null || need+=(e2fsprogs)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

mirror() {
  # The Debian mirror apt already uses here (deb822 or one-line sources).
  local m
  m=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1)
  [ -n "$m" ] || m=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
    awk '{print $2}' | grep -v security | head -1)
  echo "${m:-http://deb.debian.org/debian}"
}

IMAGE_VERSION=1  # raise when build_image below changes what the image holds
KEY=$( (cat "$HERE/requirements.txt" "$HERE/requirements-dev.txt"; echo "$IMAGE_VERSION") |
  sha256sum | cut -c1-12)
IMG="$CACHE/$KEY"

build_image() {
  work="$CACHE/build.$$"
  local started=$SECONDS
  rm -rf "$work"
  mkdir -p "$work/wheels"
  trap 'rm -rf "$work"' EXIT
  log "building the image in $IMG (first run only)"
  # Wheels fetched here, with this machine's pip configuration, for the VM's identical
  # Python 3.11 on Debian 12; installed inside without a network.
  # (requirements-dev.txt names requirements.txt: flattened into one file for inside.)
  { grep -v '^-r' "$HERE/requirements-dev.txt"; cat "$HERE/requirements.txt"; } >"$work/wheels/requirements.txt"
  # pip download resolves python_full_version markers for its own interpreter, not for
  # --python-version: what redis needs before 3.11.3 is fetched by name.
  echo 'async-timeout>=4.0.3' >"$work/wheels/markers.txt"
  # (3.11.2 is bookworm's: environment markers are resolved for it, not for this pip.)
  python3 -m pip download -q --only-binary=:all: --python-version 3.11.2 \
    -d "$work/wheels" -r "$work/wheels/requirements.txt" -r "$work/wheels/markers.txt" 2> >(grep -v "is ignored" >&2)
  mmdebstrap --variant=minbase --mode=root --format=directory \
    --include=linux-image-amd64,systemd-sysv,udev,python3.11,python3.11-venv,procps,kmod \
    --customize-hook='printf "virtio_pci\nvirtio_blk\next4\n9p\n9pnet_virtio\n" >>"$1/etc/initramfs-tools/modules"' \
    --customize-hook='chroot "$1" update-initramfs -u -k all' \
    --customize-hook='echo quizsite-vm >"$1/etc/hostname"; echo "/dev/vda / ext4 rw 0 1" >"$1/etc/fstab"' \
    --customize-hook="mkdir -p \"\$1/opt/wheels\" && cp $work/wheels/* \"\$1/opt/wheels/\"" \
    --customize-hook='chroot "$1" python3.11 -m venv /opt/venv' \
    --customize-hook='chroot "$1" /opt/venv/bin/pip install -q --no-index --find-links /opt/wheels -r /opt/wheels/requirements.txt' \
    --customize-hook='rm -rf "$1/opt/wheels"' \
    --customize-hook='mkdir -p "$1/src" "$1/out" "$1/var/lib/grader-sandbox"' \
    --customize-hook='cat >"$1/etc/systemd/system/quizsite-vmtest.service" <<EOF
[Unit]
Description=Quizsite sandbox tests on cgroup v2
After=local-fs.target
[Service]
Type=oneshot
ExecStart=/bin/sh -c "mount -t 9p -o trans=virtio,version=9p2000.L,ro src /src && mount -t 9p -o trans=virtio,version=9p2000.L out /out && bash /src/scripts/vm-test.sh --inside"
ExecStopPost=/bin/systemctl poweroff --no-block
StandardOutput=journal+console
TimeoutStartSec=infinity
[Install]
WantedBy=multi-user.target
EOF
chroot "$1" systemctl enable quizsite-vmtest.service' \
    "$SUITE" "$work/root" "$(mirror)"
  mkdir -p "$work/img"
  cp "$work"/root/boot/vmlinuz-* "$work/img/vmlinuz"
  cp "$work"/root/boot/initrd.img-* "$work/img/initrd.img"
  rm -rf "$work"/root/boot/initrd.img-*
  truncate -s 4G "$work/img/root.img"
  mkfs.ext4 -q -L root -d "$work/root" "$work/img/root.img"
  rm -rf "$IMG"
  mv "$work/img" "$IMG"
  rm -rf "$work"
  trap - EXIT
  # Older images (other requirements) are dropped: one image at a time.
  find "$CACHE" -mindepth 1 -maxdepth 1 -type d ! -name "$KEY" ! -name 'build.*' -exec rm -rf {} + || true
  log "image built in $((SECONDS - started)) s"
}

mkdir -p "$CACHE"
[ -f "$IMG/root.img" ] || build_image
[ "${1:-}" = "--build" ] && exit 0

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# KVM when it works. Where /dev/kvm is itself nested in a VM that cannot run a guest
# kernel (it then hangs in its decompressor), a 20 s probe says so and the VM runs
# under QEMU's own emulation (TCG): the same kernel and cgroups, only slower.
ACCEL=(-accel kvm -cpu host,-arch-capabilities)
SLOWDOWN=
timeout 20 qemu-system-x86_64 "${ACCEL[@]}" -m 256 -display none -monitor none \
  -serial file:"$OUT/probe" -no-reboot -kernel "$IMG/vmlinuz" \
  -append "console=ttyS0 panic=-1 root=/dev/null" -nic none >/dev/null 2>&1 || true
if ! grep -q "Linux version" "$OUT/probe" 2>/dev/null; then
  log "KVM cannot boot a guest kernel here: using TCG emulation"
  ACCEL=(-accel tcg,thread=multi -cpu max)
  SLOWDOWN=quizsite.slowdown=8
fi
log "booting Debian's kernel ($(basename "$IMG")), ${VM_CPUS} vCPUs, ${VM_MEM_MB} MB, ${ACCEL[1]}"
started=$SECONDS
timeout --kill-after=10 "$VM_TIMEOUT" qemu-system-x86_64 \
  "${ACCEL[@]}" -smp "$VM_CPUS" -m "$VM_MEM_MB" \
  -display none -monitor none -serial file:"$OUT/console" -no-reboot \
  -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 panic=-1 systemd.unified_cgroup_hierarchy=1 systemd.show_status=0 $SLOWDOWN ${QUIZSITE_VM_SECTIONS:+quizsite.sections=$QUIZSITE_VM_SECTIONS}" \
  -drive file="$IMG/root.img",format=raw,if=virtio,snapshot=on \
  -virtfs local,path="$HERE",mount_tag=src,security_model=none,readonly=on \
  -virtfs local,path="$OUT",mount_tag=out,security_model=none \
  -nic none || true
cat "$OUT/log" 2>/dev/null || { echo "no test log: the VM's console says:"; tail -50 "$OUT/console"; }
rc=$(cat "$OUT/rc" 2>/dev/null || echo 1)
log "boot, tests and power-off took $((SECONDS - started)) s; exit status $rc"
exit "$rc"
