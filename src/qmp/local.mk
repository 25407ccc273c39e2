# src/qmp: the QMP control socket (server, schema-checked dispatch, events)
noinst_LIBRARIES += src/qmp/libvireo-qmp.a
src_qmp_libvireo_qmp_a_SOURCES = \
	src/qmp/qmp.h src/qmp/qmp-private.h \
	src/qmp/qmp-json.h src/qmp/qmp-json-writer.c src/qmp/qmp-json-stream.c \
	src/qmp/qmp-schema.h src/qmp/qmp-schema.c src/qmp/qmp-introspect.c \
	src/qmp/qmp-server.c src/qmp/qmp-commands.c src/qmp/qmp-cmd-machine.c
nodist_src_qmp_libvireo_qmp_a_SOURCES = src/qmp/qmp-schema-data.c
CLEANFILES += src/qmp/qmp-schema-data.c

# schemas/qmp.json is compiled in (as QEMU compiles its QAPI schema in) and
# installed for readers; see docs/qmp.md. One C string literal per line.
dist_schema_DATA += schemas/qmp.json
src/qmp/qmp-schema-data.c: $(top_srcdir)/schemas/qmp.json $(top_srcdir)/src/qmp/local.mk
	$(AM_V_GEN)$(MKDIR_P) src/qmp && { \
		echo '/* Generated from schemas/qmp.json by src/qmp/local.mk: do not edit. */'; \
		echo 'extern const char vireo_qmp_schema_json[];'; \
		echo 'const char vireo_qmp_schema_json[] ='; \
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' \
			$(top_srcdir)/schemas/qmp.json; \
		echo '    ;'; } >$@-t && mv $@-t $@
