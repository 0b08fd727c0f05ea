# example.mk — `make example-check` (inner: _example-check): a DESTDIR
# install into $(B)/destdir, examples/launcher.c built with pkg-config alone
# against that tree, then run on the static helper jt. It must print the
# jail's ids and exit 0. (tests/integration/test_install.c checks the same,
# and more, under `make check`.)

SW_EX_DESTDIR = $(abspath $(B)/destdir)
SW_EX_LIBDIR = $(SW_EX_DESTDIR)/usr/local/lib
# The .pc says prefix=/usr/local; point it into the DESTDIR.
SW_EX_PKGCONFIG = PKG_CONFIG_PATH=$(SW_EX_LIBDIR)/pkgconfig \
	pkg-config --define-variable=prefix=$(SW_EX_DESTDIR)/usr/local

.PHONY: _example-check

_example-check: $(B)/libswrap.a $(B)/libswrap.so $(B)/swrap $(B)/tests/helpers/jt
	rm -rf $(SW_EX_DESTDIR)
	@$(MAKE) --no-print-directory _install PREFIX=/usr/local DESTDIR=$(SW_EX_DESTDIR)
	$(CC) -std=gnu11 -Wall -Wextra -Werror $(SAN) -o $(B)/example-launcher \
		examples/launcher.c $$($(SW_EX_PKGCONFIG) --cflags --libs swrap)
	LD_LIBRARY_PATH=$(SW_EX_LIBDIR) ldd $(B)/example-launcher | \
		grep -q '$(SW_EX_LIBDIR)/libswrap.so.0 '
	LD_LIBRARY_PATH=$(SW_EX_LIBDIR) $(B)/example-launcher \
		$(abspath $(B)/tests/helpers/jt) ids
	@echo "example-check: OK"
