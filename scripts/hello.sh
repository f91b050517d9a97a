#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The README's first command: install the dependencies, build cpod, build the test images,
# import the hello image as localhost/hello into cpod's default store and show it off.
# Run as root on Debian 12.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
cpod=./build/src/cli/cpod

step() { echo; echo "==> $*"; }

step "installing dependencies (scripts/install-deps.sh)"
scripts/install-deps.sh

step "building cpod (scripts/build.sh)"
scripts/build.sh

step "building the test images (tests/images/build.sh)"
tests/images/build.sh

step "importing tests/images/out/hello.tar as localhost/hello"
echo "\$ $cpod import tests/images/out/hello.tar localhost/hello --change 'CMD [\"/hello\"]'"
$cpod import tests/images/out/hello.tar localhost/hello --change 'CMD ["/hello"]'

step "running it"
echo "\$ $cpod run --rm localhost/hello"
$cpod run --rm localhost/hello
