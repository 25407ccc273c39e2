# src/qmp: the QMP control socket (server, schema-checked dispatch, events)
noinst_LIBRARIES += src/qmp/libvireo-qmp.a
src_qmp_libvireo_qmp_a_SOURCES = \
	src/qmp/qmp.h src/qmp/qmp-private.h \
	src/qmp/qmp-json.h src/qmp/qmp-json-writer.c src/qmp/qmp-json-stream.c \
	src/qmp/qmp-schema.h src/qmp/qmp-schema.c src/qmp/qmp-introspect.c \
	src/qmp/qmp-request.c src/qmp/qmp-server.c src/qmp/qmp-commands.c src/qmp/qmp-cmd-machine.c
nodist_src_qmp_libvireo_qmp_a_SOURCES = src/qmp/qmp-resources.c
CLEANFILES += src/qmp/qmp-resources.c
EXTRA_DIST += src/qmp/qmp.gresource.xml

# schemas/qmp.json is compiled in (as QEMU compiles its QAPI schema in) and
# installed for readers; see docs/qmp.md.
dist_schema_DATA += schemas/qmp.json
src/qmp/qmp-resources.c: $(top_srcdir)/src/qmp/qmp.gresource.xml $(top_srcdir)/schemas/qmp.json
	$(AM_V_GEN)$(MKDIR_P) src/qmp && glib-compile-resources --sourcedir=$(top_srcdir) \
		--generate-source --c-name vireo_qmp --target=$@ $(top_srcdir)/src/qmp/qmp.gresource.xml
