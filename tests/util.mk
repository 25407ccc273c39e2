check_PROGRAMS += tests/test-util
TESTS += tests/test-util
tests_test_util_SOURCES = tests/test-util.c
tests_test_util_LDADD = $(UTIL_LIBS)
TESTS += tests/check-po.sh
EXTRA_DIST += tests/check-po.sh po/translate.py po/zh_CN.d

# Regenerates po/zh_CN.po from the sources and po/zh_CN.d/*.tsv.
update-zh-po:
	cd $(top_srcdir) && xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o po/vireo.pot -f po/POTFILES.in && python3 po/translate.py po/vireo.pot po/zh_CN.po
.PHONY: update-zh-po

# Non-UTF-8 domain XML through the installed programs (static libxml2).
TESTS += tests/xml-encodings.sh
EXTRA_DIST += tests/xml-encodings.sh
tests/xml-encodings.log: src/vireo src/vireo-vmm tests/test-oracle-libvirt
