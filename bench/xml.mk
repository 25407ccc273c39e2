# bench/xml: parse+validate+format documents per second, vireo vs libvirt's
# test driver in the same run (bench/xml/run.sh, `make bench`).
if HAVE_LIBVIRT
noinst_PROGRAMS += bench/xml/bench-xml
bench_xml_bench_xml_SOURCES = bench/xml/bench-xml.c
bench_xml_bench_xml_CFLAGS = $(AM_CFLAGS) $(LIBVIRT_CFLAGS)
bench_xml_bench_xml_LDADD = $(CONF_LIBS) $(LIBVIRT_LIBS)
endif
VIREO_BENCH_RUN += bench/xml/run.sh
EXTRA_DIST += bench/xml/run.sh
