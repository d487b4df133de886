#!/bin/sh
# Builds a tiny OCI image from the host's busybox-static (Debian package busybox-static) with umoci, so
# tests and examples need no registry: `build-busybox-image.sh <layout-dir> [tag]` writes an OCI layout
# usable as `oci:<layout-dir>:<tag>` (default tag `latest`). The image has /bin/busybox, its applets as
# links in /bin, and a default CMD of `sh`.
set -eu
layout="$1"
tag="${2:-latest}"
busybox="$(command -v busybox)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ -d "$layout" ] || umoci init --layout "$layout"
umoci new --image "$layout:$tag"
umoci unpack --rootless --image "$layout:$tag" "$work/bundle" >/dev/null
root="$work/bundle/rootfs"
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
umoci repack --image "$layout:$tag" "$work/bundle" >/dev/null
umoci config --image "$layout:$tag" --config.cmd sh --config.env PATH=/bin --config.workingdir /
