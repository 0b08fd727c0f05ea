/* image.S — swrap-init (src/init/init.c), carried inside libswrap: the
 * bytes of the built program between sw_init_image and sw_init_image_end.
 * src/ns/vm.c copies them into a sealed memfd once per process. */
	.section .rodata
	.balign 16
	.globl sw_init_image
	.hidden sw_init_image
	.type sw_init_image, @object
sw_init_image:
	.incbin SW_INIT_IMAGE
	.globl sw_init_image_end
	.hidden sw_init_image_end
sw_init_image_end:
	.section .note.GNU-stack,"",@progbits
