/* Helpers shared by the conf tests (xml2xml and the libvirt oracle). */
#pragma once
#include <glib.h>

/* Replaces values vireo (and libvirt) generate — uuid, genid, MAC
 * addresses — by fixed placeholders when the input did not give them, so
 * outputs compare byte for byte. Returns a new string. */
char *conf_test_mask_generated(const char *input, const char *output);

/* Absolute path of tests/xml2xml/DIR/NAME.xml in the source tree. */
char *conf_test_data_path(const char *dir, const char *name);

/* One random mutation of input (1-4 rounds of: an attribute value replaced
 * by an awkward one, an element of another valid input spliced in, a line
 * dropped or doubled). */
char *conf_test_mutate(GRand *rng, const char *input);

/* GCompareFunc for a GPtrArray of strings. */
int conf_test_compare_strings(gconstpointer a, gconstpointer b);
