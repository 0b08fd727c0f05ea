# install.mk — `make install PREFIX=/usr/local DESTDIR=...` (inner: _install)
# and `make uninstall`. Installs the build in $(B):
#
#   bin/swrap  lib/libswrap.a  lib/libswrap.so.X.Y.Z (+ .so.0, .so links)
#   include/swrap.h  lib/pkgconfig/swrap.pc  share/man/man{1,3}
#
# INSTALL_BWRAP_LINK=1 also installs bin/bwrap -> swrap (the bwrap
# personality, README "swrap as bwrap"), never over an existing bwrap.
#
# swrap.pc names libdir and includedir relative to ${prefix} whenever they
# live under PREFIX, so `pkg-config --define-prefix` can relocate a DESTDIR
# install.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

SW_VERSION := $(shell sed -n 's/^\#define SWRAP_VERSION "\(.*\)"/\1/p' include/swrap.h)
SW_REALNAME := libswrap.so.$(SW_VERSION)
# $(PREFIX)/x -> ${prefix}/x, for the .pc file
sw_pcdir = $(patsubst $(PREFIX)%,$${prefix}%,$(1))

INSTALL ?= install

.PHONY: _install _uninstall

_install: $(B)/libswrap.a $(B)/libswrap.so $(B)/swrap
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 0755 $(B)/swrap $(DESTDIR)$(BINDIR)/swrap
	$(INSTALL) -m 0644 $(B)/libswrap.a $(DESTDIR)$(LIBDIR)/libswrap.a
	$(INSTALL) -m 0755 $(B)/libswrap.so $(DESTDIR)$(LIBDIR)/$(SW_REALNAME)
	ln -sf $(SW_REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libswrap.so
	$(INSTALL) -m 0644 include/swrap.h $(DESTDIR)$(INCLUDEDIR)/swrap.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(SW_VERSION)|' \
	    -e 's|@LIBDIR@|$(call sw_pcdir,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(call sw_pcdir,$(INCLUDEDIR))|' \
	    swrap.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/swrap.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/swrap.pc
	$(INSTALL) -m 0644 man/swrap.1 $(DESTDIR)$(MANDIR)/man1/swrap.1
	$(INSTALL) -m 0644 man/libswrap.3 $(DESTDIR)$(MANDIR)/man3/libswrap.3
	@if [ "$(INSTALL_BWRAP_LINK)" = 1 ]; then \
		if [ -e $(DESTDIR)$(BINDIR)/bwrap ] || [ -L $(DESTDIR)$(BINDIR)/bwrap ]; then \
			echo "install: $(DESTDIR)$(BINDIR)/bwrap exists: not replaced by the bwrap link"; \
		else \
			echo "ln -s swrap $(DESTDIR)$(BINDIR)/bwrap"; \
			ln -s swrap $(DESTDIR)$(BINDIR)/bwrap; \
		fi; \
	fi

_uninstall:
	@if [ "$$(readlink $(DESTDIR)$(BINDIR)/bwrap 2>/dev/null)" = swrap ]; then \
		rm -f $(DESTDIR)$(BINDIR)/bwrap; fi
	rm -f $(DESTDIR)$(BINDIR)/swrap $(DESTDIR)$(LIBDIR)/libswrap.a \
		$(DESTDIR)$(LIBDIR)/$(SW_REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libswrap.so $(DESTDIR)$(INCLUDEDIR)/swrap.h \
		$(DESTDIR)$(PKGCONFIGDIR)/swrap.pc $(DESTDIR)$(MANDIR)/man1/swrap.1 \
		$(DESTDIR)$(MANDIR)/man3/libswrap.3
