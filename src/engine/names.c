/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container names: generated "adjective_surname" names in the style Podman inherited from
 * moby's namesgenerator (the word lists here are cpod's own), and the name rule Podman
 * enforces: [a-zA-Z0-9][a-zA-Z0-9_.-]*.
 */
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "engine/container-internal.h"
#include "util/xalloc.h"
#include "banned.h"

static const char *const adjectives[] = {
        "agile",       "amazing",   "ancient",  "ardent",   "awesome",    "beautiful", "blissful",
        "bold",        "brave",     "bright",   "busy",     "calm",       "charming",  "cheerful",
        "clever",      "cool",      "cosmic",   "crazy",    "curious",    "daring",    "dazzling",
        "determined",  "eager",     "earnest",  "elastic",  "elated",     "elegant",   "epic",
        "exciting",    "fearless",  "festive",  "fervent",  "flamboyant", "focused",   "friendly",
        "frosty",      "funny",     "gallant",  "gentle",   "gifted",     "glad",      "golden",
        "gracious",    "happy",     "hardy",    "hopeful",  "humble",     "hungry",    "inspiring",
        "intelligent", "jolly",     "jovial",   "keen",     "kind",       "laughing",  "lively",
        "loving",      "lucid",     "lucky",    "magical",  "mellow",     "merry",     "mighty",
        "modest",      "musing",    "mystic",   "nervous",  "nifty",      "noble",     "nostalgic",
        "optimistic",  "patient",   "peaceful", "pedantic", "pensive",    "playful",   "polite",
        "practical",   "priceless", "quirky",   "quiet",    "radiant",    "relaxed",   "reverent",
        "romantic",    "serene",    "sharp",    "shiny",    "silly",      "sleepy",    "smart",
        "snappy",      "solemn",    "spirited", "stoic",    "strange",    "sunny",     "sweet",
        "tender",      "thirsty",   "trusting", "upbeat",   "vibrant",    "vigilant",  "vigorous",
        "wizardly",    "wonderful", "youthful", "zealous",  "zen",
};

static const char *const surnames[] = {
        "agnesi",     "albattani",    "allen",         "archimedes", "ardinghelli", "aryabhata",
        "austin",     "babbage",      "banach",        "bardeen",    "bartik",      "bassi",
        "bell",       "bhabha",       "blackwell",     "bohr",       "booth",       "borg",
        "bose",       "boyd",         "brahmagupta",   "brown",      "burnell",     "cannon",
        "carson",     "cerf",         "chandrasekhar", "chaplygin",  "chatterjee",  "chebyshev",
        "clarke",     "colden",       "cori",          "curie",      "darwin",      "davinci",
        "dijkstra",   "dubinsky",     "easley",        "einstein",   "elion",       "engelbart",
        "euclid",     "euler",        "faraday",       "fermat",     "fermi",       "feynman",
        "franklin",   "gagarin",      "galileo",       "gauss",      "goldberg",    "goodall",
        "hamilton",   "hawking",      "heisenberg",    "hermann",    "hertz",       "hodgkin",
        "hofstadter", "hopper",       "hypatia",       "jackson",    "jang",        "jennings",
        "johnson",    "kalam",        "kapitsa",       "kepler",     "khorana",     "knuth",
        "kowalevski", "lalande",      "lamarr",        "leakey",     "leavitt",     "lovelace",
        "lumiere",    "mayer",        "mccarthy",      "mcclintock", "meitner",     "mendel",
        "mirzakhani", "montalcini",   "moore",         "morse",      "napier",      "nash",
        "newton",     "nobel",        "noether",       "pare",       "pascal",      "pasteur",
        "payne",      "perlman",      "pike",          "poincare",   "ptolemy",     "raman",
        "ramanujan",  "ritchie",      "rosalind",      "sammet",     "shannon",     "shaw",
        "sinoussi",   "stonebraker",  "swanson",       "tesla",      "thompson",    "torvalds",
        "turing",     "varahamihira", "wiles",         "williams",   "wozniak",     "yalow",
};

static uint32_t random_below(uint32_t n)
{
	uint32_t v = 0;
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (uint32_t)container_now_ns();
	return v % n;
}

char *container_name_generate(void)
{
	const size_t na = sizeof(adjectives) / sizeof(adjectives[0]);
	const size_t ns = sizeof(surnames) / sizeof(surnames[0]);
	return xasprintf("%s_%s", adjectives[random_below((uint32_t)na)],
	                 surnames[random_below((uint32_t)ns)]);
}

static bool name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '_' || c == '.' || c == '-');
}

bool container_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > 253)
		return false;
	for (size_t i = 0; name[i]; i++)
		if (!name_char(name[i], i == 0))
			return false;
	return true;
}
