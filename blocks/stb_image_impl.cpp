// The one translation unit that compiles Debian's header-only stb_image and stb_image_write.
// Only the PNG and JPEG decoders are built: they are all ReadImage accepts.
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_write.h>
