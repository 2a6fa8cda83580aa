#!/usr/bin/env bash
# CI: the numerical packages built for arm64 and run under user-mode emulation, so a wrong
# NEON kernel turns CI red. Installs Debian's qemu-user-static when it is missing.
# -short keeps the emulated run to a few minutes: it drops the large shapes, never the
# kernel-versus-naive checks on odd shapes.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v qemu-aarch64-static >/dev/null; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq qemu-user-static >/dev/null
fi
GOARCH=arm64 go vet ./core/...
GOARCH=arm64 go test -short -exec qemu-aarch64-static ./core/...
