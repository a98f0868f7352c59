/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * env.h -- the one way the library reads its environment variables.
 */
#ifndef PMEMSET_ENV_H
#define PMEMSET_ENV_H

/*
 * The value of the variable, or NULL when it is unset or when the program
 * runs with more privilege than the user who started it (setuid, setgid,
 * raised capabilities): that user chose the environment, and must not be
 * able to steer a privileged program with it. Never call getenv directly
 * (tests/security/no_plain_getenv.sh checks src/).
 */
const char *env_get(const char *name);

#endif
