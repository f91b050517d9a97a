/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_BANNED_H
#define CPOD_BANNED_H

/*
 * Functions that are too easy to misuse. Including this header after the system headers
 * turns any use of them into a compile error (git's banned.h does the same).
 */
#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gets
#define gets(x) BANNED(gets)

#endif
