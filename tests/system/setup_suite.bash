# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Run once per `bats` run, before any test file: build the test image tarballs (cached by
# tests/images/build.sh) and import them into a template store that use_image_store copies.

setup_suite() {
	load helpers

	[[ -x $CPOD_BIN ]] || die "cpod binary $CPOD_BIN not found: run scripts/build.sh first"
	"$CPOD_SRC_DIR/tests/images/build.sh" 2>&1 | sed 's/^/# /' >&3
	[[ ${PIPESTATUS[0]} == 0 ]] || die "tests/images/build.sh failed"

	export CPOD_BIN CPOD_IMAGES_OUT
	export CPOD_TEMPLATE_DIR=$BATS_RUN_TMPDIR/template
	make_template_store "$CPOD_TEMPLATE_DIR"
	if [[ -f $CPOD_TEMPLATE_DIR/ok ]]; then
		echo "# template store ready: hello and busybox imported" >&3
	else
		echo "# WARNING: could not import the test images; tests that need them will fail:" >&3
		sed 's/^/#   /' "$CPOD_TEMPLATE_DIR/log" >&3
	fi
}

teardown_suite() {
	:
}
