/* SPDX-License-Identifier: Apache-2.0 */
/* placeholder until the layer has its first source file */
int cpod_runtime_placeholder;
