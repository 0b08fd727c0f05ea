/* cgmem — run inside jails by the cgroup tests: touches MiB mebibytes of
 * fresh memory, page by page, then prints "touched MiB" and exits 0.
 *
 *   cgmem 256
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
	size_t bytes = mib << 20;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("cgmem: mmap");
		return 2;
	}
	for (size_t i = 0; i < bytes; i += 4096)
		p[i] = (char)i;
	printf("touched %zu\n", mib);
	return 0;
}
