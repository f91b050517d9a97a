#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Pull and push of a large multi-layer image from a local docker-registry: cpod vs podman
# (each with a cold temporary store, --tls-verify=false, same registry and image) and vs the
# floor of decompressing and extracting the same layer blobs with tar. Prints ratios.
#
# The image (>= 150 MB uncompressed, several layers) is a Debian minbase made by debootstrap
# when it is installed (BENCH_MIRROR, default the first deb line of /etc/apt/sources*),
# else composed from directories of the host's /usr. Usage: bench/pull.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS=${1:-3}
need podman docker-registry python3 tar
W=$(mktemp -d /var/tmp/cpod-bench-pull.XXXXXX)
trap 'kill $(cat "$W/reg.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT

# --- the layers -------------------------------------------------------------------------
mkdir -p "$W/rootfs"
if command -v debootstrap >/dev/null; then
	mirror=${BENCH_MIRROR:-$(grep -rhoE '^deb +(\[[^]]*\] +)?https?://[^ ]+' /etc/apt/sources.list* 2>/dev/null |
		head -1 | awk '{print $NF}')}
	debootstrap --variant=minbase bookworm "$W/rootfs" "$mirror" >"$W/debootstrap.log" 2>&1
	dirs=(usr/lib usr/share usr/bin var etc)
	base=$W/rootfs
else
	dirs=(usr/lib/x86_64-linux-gnu usr/share usr/bin usr/lib/python3 usr/libexec)
	base=/
fi
python3 - "$W/layout" "$base" "${dirs[@]}" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
out, base, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(out + "/blobs/sha256", exist_ok=True)
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d, len(data)
layers, diffs, total = [], [], 0
for d in dirs:
    src = os.path.join(base, d)
    if not os.path.isdir(src):
        continue
    buf = io.BytesIO()
    size = 0
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        # at most ~50 MB per layer, so the image stays around 200 MB whatever the host has
        for root, subdirs, files in os.walk(src):
            subdirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                if size > 50e6 or not (os.path.isfile(p) or os.path.islink(p)):
                    continue
                i = t.gettarinfo(p, arcname=os.path.relpath(p, base))
                if i.isreg():
                    size += i.size
                    with open(p, "rb") as fh:
                        t.addfile(i, fh)
                elif i.issym():
                    t.addfile(i)
    raw = buf.getvalue()
    total += len(raw)
    diffs.append("sha256:" + hashlib.sha256(raw).hexdigest())
    dg, sz = blob(gzip.compress(raw, 6, mtime=0))
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": dg, "size": sz})
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                  "rootfs": {"type": "layers", "diff_ids": diffs}}).encode()
cd, cs = blob(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                  "layers": layers}).encode()
md, ms = blob(man)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "bench/big:latest"}}]},
          open(out + "/index.json", "w"))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
print("image: %d layers, %.0f MB uncompressed" % (len(layers), total / 1e6), file=sys.stderr)
PY

# --- registry ---------------------------------------------------------------------------
port=$((20000 + RANDOM % 30000))
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
	"$W/regdata" "$port" >"$W/reg.yml"
docker-registry serve "$W/reg.yml" >"$W/reg.log" 2>&1 &
echo $! >"$W/reg.pid"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
REG=127.0.0.1:$port
C="$CPOD_BIN --root $W/cpod/root --runroot $W/cpod/run"
$C load -q -i "$W/layout" >/dev/null
$C push -q --tls-verify=false "$($C images -q | head -1)" "$REG/big:latest"

# --- timings ----------------------------------------------------------------------------
now() { date +%s.%N; }
best() { sort -g | head -1; }
t_cpod=() t_podman=() t_floor=() t_cpush=() t_ppush=()
for ((i = 0; i < RUNS; i++)); do
	rm -rf "$W/c" "$W/p" "$W/x"
	s=$(now); $CPOD_BIN --root "$W/c/root" --runroot "$W/c/run" pull -q --tls-verify=false "$REG/big" >/dev/null; e=$(now)
	t_cpod+=("$(echo "$e - $s" | bc)")
	s=$(now); podman --root "$W/p/root" --runroot "$W/p/run" --storage-driver overlay --cni-config-dir "$W/cni" pull -q --tls-verify=false "$REG/big" >/dev/null; e=$(now)
	t_podman+=("$(echo "$e - $s" | bc)")
	mkdir -p "$W/x"
	s=$(now)
	for b in $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(" ".join(l["digest"][7:] for l in m["layers"]))' \
		"$W/layout/blobs/sha256/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$W/layout/index.json")"); do
		tar -xzf "$W/layout/blobs/sha256/$b" -C "$W/x"
	done
	e=$(now)
	t_floor+=("$(echo "$e - $s" | bc)")
	s=$(now); $CPOD_BIN --root "$W/c/root" --runroot "$W/c/run" push -q --tls-verify=false "$REG/big" "$REG/cpush$i:latest"; e=$(now)
	t_cpush+=("$(echo "$e - $s" | bc)")
	s=$(now); podman --root "$W/p/root" --runroot "$W/p/run" --storage-driver overlay --cni-config-dir "$W/cni" push -q --tls-verify=false "$REG/big" "$REG/ppush$i:latest"; e=$(now)
	t_ppush+=("$(echo "$e - $s" | bc)")
	podman --root "$W/p/root" --runroot "$W/p/run" --storage-driver overlay --cni-config-dir "$W/cni" rmi -af >/dev/null 2>&1 || true
done
cp=$(printf '%s\n' "${t_cpod[@]}" | best); pp=$(printf '%s\n' "${t_podman[@]}" | best)
fl=$(printf '%s\n' "${t_floor[@]}" | best)
cu=$(printf '%s\n' "${t_cpush[@]}" | best); pu=$(printf '%s\n' "${t_ppush[@]}" | best)
printf 'pull: cpod %.2fs  podman %.2fs  ratio %s   floor (tar -xz) %.2fs  cpod/floor %s\n' \
	"$cp" "$pp" "$(ratio "$cp" "$pp")" "$fl" "$(ratio "$cp" "$fl")"
printf 'push: cpod %.2fs  podman %.2fs  ratio %s\n' "$cu" "$pu" "$(ratio "$cu" "$pu")"
