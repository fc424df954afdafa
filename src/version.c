#include <tern/version.h>

const char *tern_version(void)
{
    return TERN_VERSION_STRING;
}
