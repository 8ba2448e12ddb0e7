# systemd units; the service gets the install paths substituted.
systemdsystemunit_DATA = systemd/ctrd.service systemd/ctrd.socket
EXTRA_DIST += systemd/ctrd.service.in systemd/ctrd.socket
CLEANFILES += systemd/ctrd.service

systemd/ctrd.service: $(top_srcdir)/systemd/ctrd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' $< > $@.tmp && mv $@.tmp $@
